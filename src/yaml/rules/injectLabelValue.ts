import { SidecarInjectLabel } from '../../istio/names';
import { setEntry } from '../edits';
import { decidePods, podInputOf } from '../injection';
import { labelsOf, podHolder } from '../kube';
import { entry, isNonStringScalar, valueSpan } from '../nodes';
import { finding, fix, shown, type Rule } from './rule';
import { plainLabel, plainPodHolder } from '../plain';

/** Words a person writes meaning "no": the fix they most likely want is "false" (a guess at intent, not Istio's reading). */
const OFF_WORDS = /^(n|no|off|false|disabled?)$/i;

/**
 * The pod label is read by istiod only as exactly "true" or "false": any other value is the engine's
 * `invalidInjectValue` (istiod logs it and falls back to its default policy, inject.go:228-239).
 */
export const injectLabelValue: Rule = {
  code: 'inject-label-value',
  severity: 'warning',
  summary: 'sidecar.istio.io/inject must be "true" or "false"',
  mayReport(m) {
    const value = plainLabel(plainPodHolder(m), SidecarInjectLabel);
    return value !== undefined && value !== 'true' && value !== 'false';
  },
  check(m, ctx) {
    const holder = podHolder(m);
    const label = entry(labelsOf(holder), SidecarInjectLabel);
    // Non-strings are inject-label-type's finding.
    if (!holder || !label?.value || isNonStringScalar(label.value)) return [];
    if (!decidePods(m, ctx.namespaceLabels, ctx.cluster)?.warnings.includes('invalidInjectValue')) return [];
    const span = valueSpan(label);
    const set = (to: string) => setEntry(ctx.file, holder, ['metadata', 'labels'], SidecarInjectLabel, to);
    const pod = podInputOf(holder);
    const off = OFF_WORDS.test(pod.labels?.[SidecarInjectLabel] ?? '');
    // A host-network pod is never injected: asking for a sidecar there only raises inject-host-network.
    const canAsk = !pod.hostNetwork;
    return [
      finding(ctx, this, span, `sidecar.istio.io/inject: ${shown(ctx, span)} is not a valid value: istiod reads only "true" and "false" and treats anything else as unset, so these pods get a sidecar only where their namespace turns injection on.`, [
        canAsk ? fix('Set sidecar.istio.io/inject: "true"', set('"true"'), !off) : undefined,
        fix('Set sidecar.istio.io/inject: "false"', set('"false"'), off || !canAsk),
      ]),
    ];
  },
};
