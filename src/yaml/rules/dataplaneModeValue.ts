import { setEntry } from '../edits';
import { DataplaneModeAmbient, DataplaneModeLabel, DataplaneModeNone } from '../../istio/names';
import { isNamespace, labelsOf, podHolder, rootOf } from '../kube';
import { entry, entrySpan, nodeSpan, scalarValue, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';
import { plainLabel, plainPodHolder } from '../plain';

/** `istio.io/dataplane-mode` on a namespace or pod: only `ambient` and `none` mean anything. */
export const dataplaneModeValue: Rule = {
  code: 'dataplane-mode-value',
  severity: 'error',
  summary: 'Label istio.io/dataplane-mode must be "ambient" or "none"',
  mayReport(m) {
    const value = plainLabel(isNamespace(m) ? m.root : plainPodHolder(m), DataplaneModeLabel);
    return value !== undefined && value !== DataplaneModeAmbient && value !== DataplaneModeNone;
  },
  check(m, ctx) {
    const holder = isNamespace(m) ? rootOf(m) : podHolder(m);
    if (!holder) return [];
    const label = entry(labelsOf(holder), DataplaneModeLabel);
    if (!label) return [];
    const value = scalarValue(label.value);
    if (value === DataplaneModeAmbient || value === DataplaneModeNone) return [];
    const span = label.value && value !== null ? valueSpan(label) : entrySpan(label);
    const set = (to: string) => setEntry(ctx.file, holder, ['metadata', 'labels'], DataplaneModeLabel, to);
    return [
      finding(ctx, this, span, `istio.io/dataplane-mode: ${shown(ctx, nodeSpan(label.value, span[0]))} is not a data-plane mode: use "ambient" or "none".`, [
        fix('Set istio.io/dataplane-mode: ambient', set('ambient'), true),
        fix('Set istio.io/dataplane-mode: none', set('none')),
      ]),
    ];
  },
};
