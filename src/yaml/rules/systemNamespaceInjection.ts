import { removeEntry } from '../edits';
import { isNamespace, LABEL, labelsOf, metadataOf, rootOf, SYSTEM_NAMESPACES } from '../kube';
import { DEFAULT_CONTROL_PLANE_NAMESPACE } from '../facts';
import { entry, entrySpan, scalarValue } from '../nodes';
import { finding, fix, type Rule } from './rule';

/** System namespaces and the control plane's own namespace are never injected; the label only misleads. */
export const systemNamespaceInjection: Rule = {
  code: 'system-namespace-injection',
  severity: 'warning',
  summary: 'Injection enabled on kube-system, kube-public, kube-node-lease, local-path-storage or the control-plane namespace',
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root || m.name === undefined) return [];
    const controlPlane = ctx.cluster.controlPlaneNamespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE;
    const system = SYSTEM_NAMESPACES.includes(m.name) || m.name === controlPlane;
    const metadata = metadataOf(root);
    if (!system || !metadata) return [];
    const labels = labelsOf(root);
    const out = [];
    const injection = entry(labels, LABEL.injection);
    const revision = entry(labels, LABEL.revision);
    for (const e of [scalarValue(injection?.value) === 'enabled' ? injection : undefined, revision]) {
      if (!e) continue;
      const why = m.name === controlPlane ? 'the control plane must not be injected' : 'Istio never injects system namespaces';
      out.push(
        finding(ctx, this, entrySpan(e), `Injection is enabled on ${m.name}, but ${why}. Remove ${e.key}.`, [
          fix(`Remove ${e.key}`, removeEntry(ctx.file, metadata, 'labels', e.key), true),
        ]),
      );
    }
    return out;
  },
};
