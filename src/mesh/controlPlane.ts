import type { Container, DaemonSet, Deployment, MutatingWebhookConfiguration, Service, Workload } from '../cluster/types';
import { Addons, DefaultRevision, IstioSystemNamespace, LegacyComponents, TagLabel, revisionOf, revisionTag } from '../istio/names';
import { type InjectorConfigMap, injectorFacts } from '../istio/injectorConfig';
import { istioImageVersion } from '../istio/version';
import { chartEntries, injectorEntries } from '../istio/webhooks';
import type { Addon, ComponentStatus, ControlPlane, Gateway, InjectionWebhook, Revision } from './model';

export interface ControlPlaneInputs {
  deployments: Iterable<Deployment>;
  daemonSets: Iterable<DaemonSet>;
  services: Iterable<Service>;
  webhooks: Iterable<MutatingWebhookConfiguration>;
  /** RBAC keeps the webhook configurations from us: injection decisions assume the chart's. */
  webhooksHidden?: boolean;
  /** istiod's injector ConfigMaps of the control-plane namespaces, read and mapped to their revision. */
  injectorConfigs?: Iterable<InjectorConfigMap>;
  /** Control-plane namespaces whose ConfigMaps RBAC keeps from us: those injectors' policies are unknown. */
  injectorConfigsHidden?: readonly string[];
  crdNames: Iterable<string>;
}


/** Builds the control-plane part of the model from the cluster's objects. */
export function buildControlPlane(inputs: ControlPlaneInputs): ControlPlane {
  const revisions: Revision[] = [];
  const gatewayDeployments: Deployment[] = [];
  const legacy: ComponentStatus[] = [];
  const addonDeployments: Deployment[] = [];
  for (const d of inputs.deployments) {
    const labels = d.metadata.labels ?? {};
    const name = d.metadata.name;
    if (labels.app === 'istiod' || (labels.istio === 'pilot' && name.startsWith('istiod'))) {
      revisions.push({ ...componentStatus(d, 'Deployment', 'discovery'), revision: revisionOf(labels), tags: [] });
    } else if ((LegacyComponents as readonly string[]).includes(name)) {
      legacy.push(componentStatus(d, 'Deployment'));
    } else if (isGateway(d)) {
      gatewayDeployments.push(d);
    } else if (Addons[labels.app ?? name] !== undefined) {
      addonDeployments.push(d);
    }
  }
  const namespaces = [...new Set([...revisions, ...legacy.filter((l) => l.name === 'istio-pilot')].map((c) => c.namespace))].sort();
  const controlPlaneNamespaces = new Set(namespaces.length ? namespaces : [IstioSystemNamespace]);

  const webhooks: InjectionWebhook[] = [];
  const tags: { name: string; revision: string }[] = [];
  const configurations = [...inputs.webhooks];
  const entries = injectorEntries(configurations);
  for (const w of configurations) {
    const own = entries.filter((e) => e.configuration === w.metadata.name);
    if (own.length === 0) continue;
    const labels = w.metadata.labels ?? {};
    webhooks.push({ name: w.metadata.name, revision: own[0].revision, tag: labels[TagLabel], deactivated: own.every((e) => e.deactivated) });
    const tag = revisionTag(labels);
    if (tag) tags.push(tag);
  }
  for (const r of revisions) r.tags = tags.filter((t) => t.revision === r.revision).map((t) => t.name).sort();
  revisions.sort((a, b) => (a.revision === DefaultRevision ? -1 : b.revision === DefaultRevision ? 1 : a.revision.localeCompare(b.revision)));

  const servicesByKey = new Map<string, Service>();
  for (const s of inputs.services) servicesByKey.set(`${s.metadata.namespace}/${s.metadata.name}`, s);
  const gateways = gatewayDeployments.map((d) => gateway(d, findService(d, servicesByKey, inputs.services)));

  let cni: ComponentStatus | undefined;
  let ztunnel: ComponentStatus | undefined;
  for (const ds of inputs.daemonSets) {
    const labels = ds.metadata.labels ?? {};
    if (ds.metadata.name === 'istio-cni-node' || labels['k8s-app'] === 'istio-cni-node') cni = componentStatus(ds, 'DaemonSet', 'install-cni');
    else if (ds.metadata.name === 'ztunnel' || labels.app === 'ztunnel') ztunnel = componentStatus(ds, 'DaemonSet');
  }

  const addons: Addon[] = addonDeployments
    .filter((d) => controlPlaneNamespaces.has(d.metadata.namespace ?? ''))
    .map((d) => ({ ...componentStatus(d, 'Deployment'), title: Addons[d.metadata.labels?.app ?? d.metadata.name] ?? d.metadata.name }));

  const crds = [...inputs.crdNames].filter((n) => n.endsWith('.istio.io')).sort();
  const defaultRevision = revisions.find((r) => r.revision === DefaultRevision) ?? revisions[0];
  const { enableNamespacesByDefault, ...injectors } = injectorFacts(inputs.injectorConfigs ?? [], inputs.injectorConfigsHidden ?? [],
    (revision) => revisions.find((r) => r.revision === revision)?.namespace);
  // Live webhooks already carry enableNamespacesByDefault (the chart's `auto.` entry); assumed ones take it from the values.
  const injection = inputs.webhooksHidden
    ? { entries: chartEntries([DefaultRevision, ...revisions.map((r) => r.revision)], [], { enableNamespacesByDefault }), source: 'chart' as const, ...injectors }
    : { entries, source: 'cluster' as const, ...injectors };
  const legacyVersion = legacy.find((l) => l.name === 'istio-pilot')?.version;
  return {
    installed: revisions.length > 0 || legacy.some((l) => l.name === 'istio-pilot'),
    namespaces,
    revisions,
    tags: tags.sort((a, b) => a.name.localeCompare(b.name)),
    gateways: gateways.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name)),
    cni,
    ztunnel,
    addons: addons.sort((a, b) => a.title.localeCompare(b.title)),
    legacy: legacy.sort((a, b) => a.name.localeCompare(b.name)),
    webhooks: webhooks.sort((a, b) => a.name.localeCompare(b.name)),
    injection,
    crds,
    version: defaultRevision?.version ?? legacyVersion,
  };
}

/** Resolves a revision or tag name (as in istio.io/rev) to a revision of the control plane. */
export function resolveRevision(cp: ControlPlane, revisionOrTag: string): Revision | undefined {
  const direct = cp.revisions.find((r) => r.revision === revisionOrTag);
  if (direct) return direct;
  const tag = cp.tags.find((t) => t.name === revisionOrTag);
  return tag ? cp.revisions.find((r) => r.revision === tag.revision) : undefined;
}

function isGateway(d: Deployment): boolean {
  const labels = d.metadata.labels ?? {};
  const istio = labels.istio ?? '';
  return istio.endsWith('gateway') || labels['gateway.istio.io/managed'] !== undefined || labels['istio.io/gateway-name'] !== undefined
    || /^istio-(ingress|egress)gateway/.test(d.metadata.name);
}

function findService(d: Deployment, byKey: Map<string, Service>, all: Iterable<Service>): Service | undefined {
  const same = byKey.get(`${d.metadata.namespace}/${d.metadata.name}`);
  if (same) return same;
  const podLabels = d.spec.template.metadata?.labels ?? {};
  for (const s of all) {
    const selector = s.spec.selector;
    if (s.metadata.namespace !== d.metadata.namespace || !selector || Object.keys(selector).length === 0) continue;
    if (Object.entries(selector).every(([k, v]) => podLabels[k] === v)) return s;
  }
  return undefined;
}

function gateway(d: Deployment, service: Service | undefined): Gateway {
  const text = `${d.metadata.name} ${d.metadata.labels?.istio ?? ''}`;
  const ingress = service?.status?.loadBalancer?.ingress?.[0];
  return {
    ...componentStatus(d, 'Deployment', 'istio-proxy'),
    direction: text.includes('egress') ? 'egress' : 'ingress',
    serviceType: service?.spec.type,
    ports: (service?.spec.ports ?? []).map((p) => ({ name: p.name, port: p.port, nodePort: p.nodePort, protocol: p.protocol })),
    address: ingress?.ip ?? ingress?.hostname,
  };
}

/** Ready/desired and version (from the named container's image, else the first container's). */
function componentStatus(w: Workload, kind: 'Deployment' | 'DaemonSet', container?: string): ComponentStatus {
  const containers: Container[] = w.spec.template.spec?.containers ?? [];
  const image = (containers.find((c) => c.name === container) ?? containers[0])?.image;
  const s = w.status ?? {};
  const desired = kind === 'DaemonSet' ? s.desiredNumberScheduled ?? 0 : w.spec.replicas ?? 1;
  const ready = kind === 'DaemonSet' ? s.numberReady ?? 0 : s.readyReplicas ?? 0;
  return {
    name: w.metadata.name, namespace: w.metadata.namespace ?? '', kind, ready, desired, image,
    version: istioImageVersion(image) ?? w.metadata.labels?.['operator.istio.io/version'] ?? w.metadata.labels?.['app.kubernetes.io/version'],
  };
}
