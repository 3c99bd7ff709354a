import { setEntry } from '../edits';
import { DEFAULT_CONTROL_PLANE_NAMESPACE } from '../facts';
import { isNamespace, LABEL, labelsOf, rootOf, SYSTEM_NAMESPACES } from '../kube';
import { entry, entrySpan, nodeSpan, scalarValue, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';

const OFF_WORDS = new Set(['false', 'no', 'off', 'disable', 'n']);

/** `istio-injection` does something only with the exact values `enabled` and `disabled`. */
export const injectionLabelValue: Rule = {
  code: 'injection-label-value',
  severity: 'error',
  summary: 'Namespace label istio-injection must be "enabled" or "disabled"',
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root) return [];
    const label = entry(labelsOf(root), LABEL.injection);
    if (!label) return [];
    const value = scalarValue(label.value);
    if (value === 'enabled' || value === 'disabled') return [];
    const span = label.value && value !== null ? valueSpan(label) : entrySpan(label);
    const meantOff = OFF_WORDS.has(String(value).toLowerCase());
    // Enabling injection where Istio never injects would only trade this finding for system-namespace-injection.
    const system = m.name !== undefined && (SYSTEM_NAMESPACES.includes(m.name) || m.name === (ctx.cluster.controlPlaneNamespace ?? DEFAULT_CONTROL_PLANE_NAMESPACE));
    const set = (to: string) => setEntry(ctx.file, root, ['metadata', 'labels'], LABEL.injection, to);
    return [
      finding(
        ctx,
        this,
        span,
        `istio-injection: ${shown(ctx, nodeSpan(label.value, span[0]))} does nothing: only "enabled" turns sidecar injection on, and "disabled" turns it off.`,
        [system ? undefined : fix('Set istio-injection: enabled', set('enabled'), !meantOff), fix('Set istio-injection: disabled', set('disabled'), meantOff || system)],
      ),
    ];
  },
};
