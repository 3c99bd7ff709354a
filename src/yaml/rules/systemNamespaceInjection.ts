import { decideFromManifests } from '../../istio/injection';
import { IgnoredNamespaces, InjectionLabel, RevisionLabel } from '../../istio/names';
import { removeEntry } from '../edits';
import { manifestFactsOf, namespaceInputOf } from '../injection';
import { isNamespace, labelsOf, metadataOf, rootOf } from '../kube';
import { entry, entrySpan } from '../nodes';
import { finding, fix, type Rule } from './rule';
import { plainLabel } from '../plain';

/**
 * A namespace label that makes a webhook call istiod, which then skips the pod because the namespace is one of its
 * ignored ones (the engine's `ignoredNamespace`: kube-system, kube-public, kube-node-lease, local-path-storage). The
 * control plane's namespace is not one of them: Istio injects its pods that do not opt out.
 */
export const systemNamespaceInjection: Rule = {
  code: 'system-namespace-injection',
  severity: 'warning',
  summary: 'Injection enabled on a namespace istiod never injects (kube-system, kube-public, kube-node-lease, local-path-storage)',
  mayReport(m) {
    return isNamespace(m) && m.name !== undefined && IgnoredNamespaces.has(m.name) && (plainLabel(m.root, InjectionLabel) !== undefined || plainLabel(m.root, RevisionLabel) !== undefined);
  },
  check(m, ctx) {
    const root = rootOf(m);
    const metadata = metadataOf(root);
    if (!isNamespace(m) || !root || !metadata || m.name === undefined) return [];
    const ns = namespaceInputOf(m);
    const facts = manifestFactsOf(ctx.cluster);
    const out = [];
    // Each label that chooses a webhook by itself: istio.io/rev takes over once istio-injection=enabled is removed.
    for (const [key, labels] of [[InjectionLabel, ns.labels], [RevisionLabel, withoutInjection(ns.labels)]] as const) {
      const e = entry(labelsOf(root), key);
      if (!e || decideFromManifests({ name: ns.name, labels }, {}, facts).reason.code !== 'ignoredNamespace') continue;
      out.push(
        finding(ctx, this, entrySpan(e), `Injection is enabled on ${m.name}, but istiod never injects pods there (one of its ignored namespaces). Remove ${e.key}.`, [
          fix(`Remove ${e.key}`, removeEntry(ctx.file, metadata, 'labels', e.key), true),
        ]),
      );
    }
    return out;
  },
};

function withoutInjection(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k !== InjectionLabel));
}
