import { decideFromManifests, multipleInjectionLabels } from '../../istio/injection';
import { IgnoredNamespaces, InjectionEnabled, InjectionLabel, IstioSystemNamespace } from '../../istio/names';
import { setEntry } from '../edits';
import { manifestFactsOf, namespaceInputOf } from '../injection';
import { isNamespace, metadataOf, rootOf } from '../kube';
import { clipped } from '../limits';
import { entry, entrySpan } from '../nodes';
import { finding, fix, type Rule } from './rule';

/**
 * A namespace whose labels choose no injector (the engine's `noLabels` for a pod without labels of its own), where
 * that matters: workloads in it (this file or the workspace) ask for a sidecar they would get only with an injection
 * label (see `fileFacts`: a pod labelled sidecar.istio.io/inject "true" is injected there by the chart's object
 * webhook, and is not counted), or, connected, it runs workloads. Istio's IST0102 NamespaceNotInjected, which skips
 * ambient namespaces and istio-system (analyzers/injection/injection.go:67-69,90-92), and never sees the ignored ones.
 */
export const namespaceNotInjected: Rule = {
  code: 'namespace-not-injected',
  severity: 'info',
  summary: 'Namespace without injection labels while its workloads ask for a sidecar (or, connected, it has workloads)',
  istio: 'IST0102',
  mayReport(m, ctx) {
    return isNamespace(m) && m.name !== undefined && (ctx.namespacesAskingForSidecars.has(m.name) || (ctx.cluster.namespacesWithWorkloads?.includes(m.name) ?? false));
  },
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root || m.name === undefined) return [];
    if (IgnoredNamespaces.has(m.name) || m.name === IstioSystemNamespace || m.name === ctx.cluster.controlPlaneNamespace) return [];
    const ns = namespaceInputOf(m);
    const decision = decideFromManifests(ns, {}, manifestFactsOf(ctx.cluster));
    const conflicts = multipleInjectionLabels({ ...ns, labels: { ...ns.labels, [InjectionLabel]: InjectionEnabled } }).length > 1;
    if (decision.reason.code !== 'noLabels' || decision.dataplane === 'ambient') return [];
    const asking = ctx.namespacesAskingForSidecars.has(m.name);
    const running = ctx.cluster.namespacesWithWorkloads?.includes(m.name) ?? false;
    if (!asking && !running) return [];
    const nameEntry = entry(metadataOf(root), 'name');
    if (!nameEntry) return [];
    const why = asking
      ? 'so workloads in it that ask for a sidecar with the annotation sidecar.istio.io/inject (which webhooks never read) get none'
      : 'although it runs workloads in the cluster: only pods that opt in with their own labels get a sidecar';
    return [
      finding(ctx, this, entrySpan(nameEntry), `Namespace ${clipped(m.name)} has no injection label, ${why}. Label it istio-injection: enabled.`, [
      // Not beside istio.io/dataplane-mode, where it would be IST0123's conflict.
      conflicts ? undefined : fix('Add istio-injection: enabled', setEntry(ctx.file, root, ['metadata', 'labels'], InjectionLabel, InjectionEnabled), true),
      ]),
    ];
  },
};
