import { setEntry } from '../edits';
import { LABEL, labelsOf, onHostNetwork, podAsksForSidecar, podHolder } from '../kube';
import { entry, isNonStringScalar, scalarValue, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';

const OFF_WORDS = /^(n|no|off|false|disabled?)$/i;
/** What the injection webhook reads as "inject" (case-insensitive). */
const READ_AS_YES = /^(y|yes|true|on)$/i;

/** The pod label's documented values are the strings "true" and "false". */
export const injectLabelValue: Rule = {
  code: 'inject-label-value',
  severity: 'warning',
  summary: 'sidecar.istio.io/inject must be "true" or "false"',
  check(m, ctx) {
    const holder = podHolder(m);
    if (!holder) return [];
    const label = entry(labelsOf(holder), LABEL.inject);
    const value = scalarValue(label?.value);
    // Non-strings are inject-label-type's finding; an empty value means "default" to the webhook.
    if (!label?.value || typeof value !== 'string' || isNonStringScalar(label.value) || value === '') return [];
    if (value === 'true' || value === 'false') return [];
    const span = valueSpan(label);
    const set = (to: string) => setEntry(ctx.file, holder, ['metadata', 'labels'], LABEL.inject, to);
    const off = OFF_WORDS.test(value);
    // A host-network pod is never injected: asking for a sidecar there only raises inject-host-network.
    const canAsk = podAsksForSidecar(holder) || !onHostNetwork(holder);
    const effect = READ_AS_YES.test(value) ? 'the injector happens to read it as "true", but' : 'the injector reads it as "no sidecar", and';
    return [
      finding(ctx, this, span, `sidecar.istio.io/inject: ${shown(ctx, span)} is not a valid value: ${effect} the documented values are "true" and "false".`, [
        canAsk ? fix('Set sidecar.istio.io/inject: "true"', set('"true"'), !off) : undefined,
        fix('Set sidecar.istio.io/inject: "false"', set('"false"'), off || !canAsk),
      ]),
    ];
  },
};
