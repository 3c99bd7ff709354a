import { setEntry } from '../edits';
import { isNamespace, LABEL, labelsOf } from '../kube';
import { entry, entrySpan, nodeSpan, scalarValue } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';

const OFF_WORDS = new Set(['false', 'no', 'off', 'disable', 'n']);

/** `istio-injection` does something only with the exact values `enabled` and `disabled`. */
export const injectionLabelValue: Rule = {
  code: 'injection-label-value',
  severity: 'error',
  summary: 'Namespace label istio-injection must be "enabled" or "disabled"',
  check(m, ctx) {
    if (!isNamespace(m) || !m.root) return [];
    const label = entry(labelsOf(m.root), LABEL.injection);
    if (!label) return [];
    const value = scalarValue(label.value);
    if (value === 'enabled' || value === 'disabled') return [];
    const span = label.value && scalarValue(label.value) !== null ? nodeSpan(label.value, 0) : entrySpan(label);
    const meantOff = OFF_WORDS.has(String(value).toLowerCase());
    const set = (to: string) => setEntry(ctx.file, m.root!, ['metadata', 'labels'], LABEL.injection, to);
    return [
      finding(
        ctx,
        this,
        span,
        `istio-injection: ${shown(ctx, nodeSpan(label.value, span[0]))} does nothing: only "enabled" turns sidecar injection on, and "disabled" turns it off.`,
        [fix('Set istio-injection: enabled', set('enabled'), !meantOff), fix('Set istio-injection: disabled', set('disabled'), meantOff)],
      ),
    ];
  },
};
