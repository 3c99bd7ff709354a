import { setEntry } from '../edits';
import { isNamespace, LABEL, labelsOf, podHolder, rootOf } from '../kube';
import { entry, scalarValue, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';

/** Offered revisions in a quick-fix list are capped so the light bulb stays readable. */
const MAX_SUGGESTIONS = 5;

/** (Connected) `istio.io/rev` must name a revision or tag of the cluster, or nothing injects the pods. */
export const revisionUnknown: Rule = {
  code: 'revision-unknown',
  severity: 'error',
  summary: 'istio.io/rev names no revision or tag of the connected cluster',
  check(m, ctx) {
    const known = ctx.cluster.revisions;
    if (!known) return [];
    const holder = isNamespace(m) ? rootOf(m) : podHolder(m);
    const label = entry(labelsOf(holder), LABEL.revision);
    const value = scalarValue(label?.value);
    if (!holder || !label?.value || value === null || known.includes(String(value))) return [];
    const span = valueSpan(label);
    const list = known.length ? known.join(', ') : 'none';
    return [
      finding(
        ctx,
        this,
        span,
        `istio.io/rev: ${shown(ctx, span)} names no revision or tag of the cluster (known: ${list}): no injector will handle these pods.`,
        known.slice(0, MAX_SUGGESTIONS).map((rev, i) => fix(`Use revision ${rev}`, setEntry(ctx.file, holder, ['metadata', 'labels'], LABEL.revision, rev), i === 0)),
      ),
    ];
  },
};
