import { child } from '../../analyzers/values';
import { DataplaneModeAmbient, DataplaneModeLabel, InjectionEnabled, InjectionLabel, RevisionLabel } from '../../istio/names';
import { TYPES, type WorkspaceAnalyzer, type WorkspaceReport } from '../analyzer';
import { stringMap, type WorkspaceResource } from '../resource';
import { nameSpan } from '../spans';
import { goList } from '../values';

/**
 * Istio's sidecar.SelectorAnalyzer (analyzers/sidecar/selector.go), its IST0111: more than one Sidecar without a
 * workload selector in one namespace, each reported. A namespace in ambient mode (by its Namespace in the workspace)
 * is left out, as there. Not followed: the selector's pods (IST0101 `selector`, IST0110), since running pods are
 * rarely files, and IST0162 for ambient namespaces.
 */
export const sidecarSelectorsAnalyzer: WorkspaceAnalyzer = {
  name: 'sidecar.SelectorAnalyzer',
  codes: ['IST0111'],
  analyze(ctx) {
    const ambient = new Set(ctx.ofType(TYPES.namespace).filter(inAmbientMode).map((n) => n.name));
    const byNamespace = new Map<string, WorkspaceResource[]>();
    for (const r of ctx.ofType(TYPES.sidecar)) {
      const selector = stringMap(child(child(child(r.root, 'spec'), 'workloadSelector'), 'labels'));
      if (Object.keys(selector).length > 0) continue;
      byNamespace.set(r.namespace, [...(byNamespace.get(r.namespace) ?? []), r]);
    }
    const reports: WorkspaceReport[] = [];
    for (const [namespace, list] of byNamespace) {
      if (list.length < 2 || ambient.has(namespace)) continue;
      const names = goList(list.map((r) => r.name).sort());
      for (const resource of list) reports.push({ resource, code: 'IST0111', args: [names, namespace], span: nameSpan(resource) });
    }
    return reports;
  },
};

/** util.NamespaceInAmbientMode: `istio.io/dataplane-mode: ambient`, unless a sidecar injection label says otherwise. */
function inAmbientMode(ns: WorkspaceResource): boolean {
  if (ns.labels[InjectionLabel] === InjectionEnabled || (ns.labels[RevisionLabel] ?? '') !== '') return false;
  return ns.labels[DataplaneModeLabel] === DataplaneModeAmbient;
}
