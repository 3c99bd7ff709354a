import { decideFromManifests, multipleInjectionLabels } from '../../istio/injection';
import { InjectionDisabled, InjectionEnabled, InjectionLabel } from '../../istio/names';
import { setEntry } from '../edits';
import { manifestFactsOf, namespaceInputOf } from '../injection';
import { isNamespace, labelsOf, rootOf } from '../kube';
import { entry, entrySpan, nodeSpan, scalarValue, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';
import { plainLabel } from '../plain';

const OFF_WORDS = new Set(['false', 'no', 'off', 'disable', 'n']);

/** `istio-injection` does something only with the exact values `enabled` and `disabled`. */
export const injectionLabelValue: Rule = {
  code: 'injection-label-value',
  severity: 'error',
  summary: 'Namespace label istio-injection must be "enabled" or "disabled"',
  mayReport(m) {
    if (!isNamespace(m)) return false;
    const value = plainLabel(m.root, InjectionLabel);
    return value !== undefined && value !== InjectionEnabled && value !== InjectionDisabled;
  },
  check(m, ctx) {
    const root = rootOf(m);
    if (!isNamespace(m) || !root) return [];
    const label = entry(labelsOf(root), InjectionLabel);
    if (!label) return [];
    const value = scalarValue(label.value);
    if (value === InjectionEnabled || value === InjectionDisabled) return [];
    const span = label.value && value !== null ? valueSpan(label) : entrySpan(label);
    const meantOff = OFF_WORDS.has(String(value).toLowerCase());
    // Enabling injection where istiod never injects would only trade this finding for system-namespace-injection.
    const enabled = { name: m.name ?? '', labels: { [InjectionLabel]: InjectionEnabled } };
    // Nor is "enabled" offered where it would make IST0123's conflict with istio.io/rev or dataplane-mode.
    const noEnable = decideFromManifests(enabled, {}, manifestFactsOf(ctx.cluster)).reason.code === 'ignoredNamespace'
      || multipleInjectionLabels({ name: enabled.name, labels: { ...namespaceInputOf(m).labels, ...enabled.labels } }).length > 1;
    const set = (to: string) => setEntry(ctx.file, root, ['metadata', 'labels'], InjectionLabel, to);
    return [
      finding(
        ctx,
        this,
        span,
        `istio-injection: ${shown(ctx, nodeSpan(label.value, span[0]))} is neither "enabled" nor "disabled": only "enabled" turns sidecar injection on, and any other value turns it off, as "disabled" says plainly.`,
        [noEnable ? undefined : fix('Set istio-injection: enabled', set(InjectionEnabled), !meantOff), fix('Set istio-injection: disabled', set(InjectionDisabled), meantOff || noEnable)],
      ),
    ];
  },
};
