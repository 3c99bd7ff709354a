import * as vscode from 'vscode';
import type { ComponentStatus, ControlPlane, Gateway, InjectionWebhook } from '../../mesh/model';
import { Colors, icon, markdown, md, type MeshNode } from './node';

/** A leaf or group under "Control plane". */
class ComponentNode implements MeshNode {
  constructor(
    readonly id: string,
    readonly label: string,
    readonly description: string,
    readonly tooltipLines: string[],
    readonly iconPath: vscode.ThemeIcon,
    readonly contextValue: string,
    private readonly kids: MeshNode[] = [],
  ) {}

  treeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.label, this.kids.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = this.id;
    item.description = this.description;
    item.iconPath = this.iconPath;
    item.contextValue = this.contextValue;
    return item;
  }

  tooltip(): vscode.MarkdownString {
    return markdown(this.tooltipLines);
  }

  children(): MeshNode[] {
    return this.kids;
  }
}

function readiness(c: ComponentStatus): string {
  return `${c.ready}/${c.desired}`;
}

function healthIcon(id: string, c: ComponentStatus): vscode.ThemeIcon {
  return icon(id, c.desired > 0 && c.ready >= c.desired ? Colors.ok : c.ready === 0 ? Colors.error : Colors.warn);
}

function component(c: ComponentStatus, iconId: string, label = c.name, contextValue = 'component'): ComponentNode {
  return new ComponentNode(
    `cp:${c.kind}:${c.namespace}/${c.name}`, label, [readiness(c), c.version].filter(Boolean).join(' · '),
    [`**${md(label)}** — ${c.kind} ${md(c.namespace)}/${md(c.name)}`, `${readiness(c)} ready`, ...(c.image ? [`Image \`${c.image}\``] : [])],
    healthIcon(iconId, c), contextValue,
  );
}

function gatewayNode(g: Gateway): ComponentNode {
  const ports = g.ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}` : String(p.port))).join(', ');
  return new ComponentNode(
    `cp:gateway:${g.namespace}/${g.name}`, g.name, [g.direction, g.serviceType, readiness(g)].filter(Boolean).join(' · '),
    [`**${g.direction === 'ingress' ? 'Ingress' : 'Egress'} gateway** ${md(g.namespace)}/${md(g.name)}`, `${readiness(g)} ready`,
      ...(g.serviceType ? [`Service type ${g.serviceType}${ports ? `, ports ${ports}` : ''}`] : ['No service found']),
      ...(g.address ? [`Address ${md(g.address)}`] : [])],
    healthIcon(g.direction === 'ingress' ? 'arrow-circle-down' : 'arrow-circle-up', g), 'component:gateway',
  );
}

function webhookDescription(w: InjectionWebhook): string {
  const target = w.tag ? `tag ${w.tag} → ${w.revision}` : w.revision ?? '';
  return w.deactivated ? `${target} · deactivated` : target;
}

/** "Control plane": istiod revisions (rows the caller keeps), gateways, CNI/ztunnel, addons, legacy components, webhooks, CRDs. */
function controlPlaneNode(cp: ControlPlane, revisions: () => MeshNode[]): ComponentNode {
  const kids: MeshNode[] = [
    ...revisions(),
    ...cp.legacy.map((c) => component(c, 'history', c.name, 'component:legacy')),
    ...cp.gateways.map(gatewayNode),
    ...(cp.cni ? [component(cp.cni, 'plug', 'Istio CNI')] : []),
    ...(cp.ztunnel ? [component(cp.ztunnel, 'link', 'ztunnel (ambient)')] : []),
    ...cp.addons.map((a) => component(a, 'graph', a.title, 'component:addon')),
  ];
  if (cp.webhooks.length) {
    kids.push(new ComponentNode('cp:webhooks', 'Injection webhooks', String(cp.webhooks.length),
      cp.webhooks.map((w) => `\`${w.name}\`${w.revision ? ` → revision ${w.revision}` : ''}${w.tag ? ` (tag ${w.tag})` : ''}${w.deactivated ? ' (deactivated)' : ''}`), icon('symbol-event'), 'component:webhooks',
      cp.webhooks.map((w) => new ComponentNode(`cp:webhook:${w.name}`, w.name, webhookDescription(w),
        [`MutatingWebhookConfiguration \`${w.name}\``, ...(w.deactivated ? ['Deactivated by `istioctl tag set default`: it matches nothing; the `default` tag\'s webhook injects instead.'] : [])],
        icon('symbol-event', w.deactivated ? Colors.muted : undefined), 'component:webhook'))));
  }
  kids.push(new ComponentNode('cp:crds', 'Custom resource definitions', `${cp.crds.length} Istio CRDs`, cp.crds.length ? cp.crds.map((c) => `\`${c}\``) : ['No Istio CRDs installed.'], icon('symbol-class'), 'component:crds'));
  const healthy = cp.revisions.every((r) => r.ready >= r.desired && r.desired > 0);
  const description = cp.installed
    ? [cp.version ? `Istio ${cp.version}` : 'Istio', cp.revisions.length > 1 ? `${cp.revisions.length} revisions` : undefined, healthy ? undefined : 'not ready'].filter(Boolean).join(' · ')
    : 'Istio not installed';
  return new ComponentNode('cp', 'Control plane', description,
    [cp.installed ? `**Istio ${md(cp.version ?? '')}** in ${cp.namespaces.map(md).join(', ')}` : 'Istio is not installed in this cluster.'],
    icon('server-environment', cp.installed ? (healthy ? Colors.ok : Colors.warn) : Colors.muted), cp.installed ? 'controlPlane:installed' : 'controlPlane:notInstalled', kids);
}

/**
 * The "Control plane" row the tree keeps across changes: redrawn, with what is under it, only when `cp` changes.
 * Its revision rows come from `revisions`, which keeps them across changes so a pod change redraws one of them.
 */
export class ControlPlaneNode implements MeshNode {
  constructor(public cp: ControlPlane, private readonly revisions: () => MeshNode[]) {}

  treeItem(): vscode.TreeItem {
    return controlPlaneNode(this.cp, () => []).treeItem();
  }

  tooltip(): vscode.MarkdownString {
    return controlPlaneNode(this.cp, () => []).tooltip();
  }

  children(): MeshNode[] {
    return controlPlaneNode(this.cp, this.revisions).children();
  }
}
