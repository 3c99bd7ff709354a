import { setEntry } from '../edits';
import { DEFAULT_CONTROL_PLANE_NAMESPACE } from '../facts';
import { isNamespace, LABEL, labelsOf, metadataOf, rootOf, SYSTEM_NAMESPACES } from '../kube';
import { clipped } from '../limits';
import { entry, entrySpan, scalarValue } from '../nodes';
import { finding, fix, type Rule } from './rule';

/**
 * A namespace without injection labels although workloads target it and ask for a sidecar (in
 * this file or the workspace), or (connected) it runs workloads: istioctl's IST0102.
 */
export const namespaceNotInjected: Rule = {
  code: 'namespace-not-injected',
  severity: 'info',
  summary: 'Namespace without injection labels while its workloads ask for a sidecar (or, connected, it has workloads)',
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root || m.name === undefined) return [];
    const labels = labelsOf(root);
    if (entry(labels, LABEL.injection) || entry(labels, LABEL.revision)) return [];
    if (scalarValue(entry(labels, LABEL.dataplaneMode)?.value) === 'ambient') return [];
    const controlPlane = ctx.cluster.controlPlaneNamespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE;
    if (SYSTEM_NAMESPACES.includes(m.name) || m.name === controlPlane) return [];
    const asking = ctx.namespacesAskingForSidecars.has(m.name);
    const running = ctx.cluster.namespacesWithWorkloads?.includes(m.name) ?? false;
    if (!asking && !running) return [];
    const nameEntry = entry(metadataOf(root), 'name');
    if (!nameEntry) return [];
    const why = asking ? 'workloads in it ask for a sidecar' : 'it runs workloads in the cluster';
    return [
      finding(ctx, this, entrySpan(nameEntry), `Namespace ${clipped(m.name)} has no injection label although ${why}: new pods get a sidecar only where injection is enabled (label istio-injection: enabled).`, [
        fix('Add istio-injection: enabled', setEntry(ctx.file, root, ['metadata', 'labels'], LABEL.injection, 'enabled'), true),
      ]),
    ];
  },
};
