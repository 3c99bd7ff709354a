import { decideFromManifests } from '../../istio/injection';
import { RevisionLabel } from '../../istio/names';
import { setEntry } from '../edits';
import { decidePods, manifestFactsOf, namespaceInputOf, podInputOf } from '../injection';
import { isNamespace, labelsOf, podHolder, rootOf } from '../kube';
import { entry, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';
import { plainLabel, plainPodHolder } from '../plain';

/** Offered revisions in a quick-fix list are capped so the light bulb stays readable. */
const MAX_SUGGESTIONS = 5;

/**
 * (Connected) the engine says no webhook serves the `istio.io/rev` that chooses the injector: the namespace's
 * (`namespaceRevisionUnknown`), or the pod's in a namespace without injection labels (`podRevisionUnknown`). A pod's
 * istio.io/rev in a namespace whose own label chooses is not this rule's: it is ignored there.
 */
export const revisionUnknown: Rule = {
  code: 'revision-unknown',
  severity: 'error',
  summary: 'istio.io/rev names no revision or tag of the connected cluster',
  mayReport(m, ctx) {
    return ctx.cluster.revisions !== undefined && plainLabel(isNamespace(m) ? m.root : plainPodHolder(m), RevisionLabel) !== undefined;
  },
  check(m, ctx) {
    const cluster = ctx.cluster;
    if (!cluster.revisions) return [];
    const namespace = isNamespace(m);
    const holder = namespace ? rootOf(m) : podHolder(m);
    const label = entry(labelsOf(holder), RevisionLabel);
    if (!holder || !label?.value) return [];
    const decision = namespace ? decideFromManifests(namespaceInputOf(m), {}, manifestFactsOf(cluster)) : decidePods(m, ctx.namespaceLabels, cluster);
    if (decision?.reason.code !== (namespace ? 'namespaceRevisionUnknown' : 'podRevisionUnknown')) return [];
    const span = valueSpan(label);
    const known = [...cluster.revisions, ...(cluster.tags ?? []).map((t) => t.name)];
    const list = known.length ? known.join(', ') : 'none';
    return [
      finding(
        ctx,
        this,
        span,
        `istio.io/rev: ${shown(ctx, span)} names no revision or tag of the cluster (known: ${list}): no injector will handle these pods.`,
        // A host-network pod is never injected: a served revision would only trade this for inject-host-network.
        (!namespace && podInputOf(holder).hostNetwork ? [] : known.slice(0, MAX_SUGGESTIONS)).map((rev, i) => fix(`Use revision ${rev}`, setEntry(ctx.file, holder, ['metadata', 'labels'], RevisionLabel, rev), i === 0)),
      ),
    ];
  },
};
