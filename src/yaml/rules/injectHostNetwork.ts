import { isNamespace, onHostNetwork, podAsksForSidecar, podHolder } from '../kube';
import { entry, entrySpan, mapAt } from '../nodes';
import { finding, type Rule } from './rule';

/** The injector skips pods on the host network, whatever their labels say. */
export const injectHostNetwork: Rule = {
  code: 'inject-host-network',
  severity: 'warning',
  summary: 'A pod with hostNetwork: true asks for a sidecar but is never injected',
  check(m, ctx) {
    if (isNamespace(m)) return [];
    const holder = podHolder(m);
    const hostNetwork = entry(mapAt(holder, ['spec']), 'hostNetwork');
    if (!holder || !hostNetwork || !onHostNetwork(holder)) return [];
    const asks = podAsksForSidecar(holder) || (m.namespace !== undefined && ctx.injectedNamespaces.has(m.namespace));
    if (!asks) return [];
    return [
      finding(ctx, this, entrySpan(hostNetwork), 'Pods with hostNetwork: true are never injected with a sidecar, although this one asks for it (through its labels or its namespace). It will run outside the mesh.'),
    ];
  },
};
