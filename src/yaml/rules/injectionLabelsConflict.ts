import { removeEntry } from '../edits';
import { isNamespace, LABEL, labelsOf, metadataOf, rootOf } from '../kube';
import { entry, entrySpan } from '../nodes';
import { finding, fix, type Rule } from './rule';

/** Both namespace labels: `istio-injection` wins and `istio.io/rev` is ignored (istioctl IST0123). */
export const injectionLabelsConflict: Rule = {
  code: 'injection-labels-conflict',
  severity: 'warning',
  summary: 'Namespace has both istio-injection and istio.io/rev (istio-injection wins)',
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root) return [];
    const labels = labelsOf(root);
    const injection = entry(labels, LABEL.injection);
    const revision = entry(labels, LABEL.revision);
    const metadata = metadataOf(root);
    if (!injection || !revision || !metadata) return [];
    return [
      finding(
        ctx,
        this,
        entrySpan(revision),
        'This namespace has both istio-injection and istio.io/rev: istio-injection wins and istio.io/rev is ignored. Keep one.',
        [
          fix('Remove istio.io/rev (keep istio-injection)', removeEntry(ctx.file, metadata, 'labels', LABEL.revision)),
          fix('Remove istio-injection (keep istio.io/rev)', removeEntry(ctx.file, metadata, 'labels', LABEL.injection)),
        ],
      ),
    ];
  },
};
