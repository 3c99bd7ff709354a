import { podAsksForSidecar } from '../../istio/injection';
import { decidePods, plainPodInputOf, podInputOf } from '../injection';
import { isNamespace, podHolder } from '../kube';
import { entry, entrySpan, mapAt } from '../nodes';
import { finding, type Rule } from './rule';
import { plainAt, plainPodHolder } from '../plain';

/**
 * A pod that asks for a sidecar itself (sidecar.istio.io/inject "true", or an istio.io/rev label), whose webhook is
 * called, but which istiod skips because it runs on the host network (the engine's `hostNetwork` reason,
 * inject.go:209-211). A host-network pod that does not ask is not reported, even in an injected namespace: Istio
 * expects it outside the mesh (analyzers testdata/injection.yaml, pod noninjectedpodhostnetwork: "Should not generate
 * warning"; IST0103 skips hostNetwork pods, analyzers/injection/injection.go:150-152).
 */
export const injectHostNetwork: Rule = {
  code: 'inject-host-network',
  severity: 'warning',
  summary: 'A pod with hostNetwork: true asks for a sidecar but is never injected',
  mayReport(m) {
    const holder = plainPodHolder(m);
    return !isNamespace(m) && holder !== undefined && plainAt(holder, ['spec'], 'hostNetwork') !== undefined && podAsksForSidecar(plainPodInputOf(holder));
  },
  check(m, ctx) {
    if (isNamespace(m)) return [];
    const holder = podHolder(m);
    const hostNetwork = entry(mapAt(holder, ['spec']), 'hostNetwork');
    if (!holder || !hostNetwork || !podAsksForSidecar(podInputOf(holder))) return [];
    if (decidePods(m, ctx.namespaceLabels, ctx.cluster)?.reason.code !== 'hostNetwork') return [];
    return [
      finding(ctx, this, entrySpan(hostNetwork), 'Pods with hostNetwork: true are never injected with a sidecar, although this one asks for it. It will run outside the mesh.'),
    ];
  },
};
