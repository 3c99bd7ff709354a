import { isScalar } from 'yaml';
import { replaceValue } from '../edits';
import { annotationsOf, LABEL, labelsOf, podHolder } from '../kube';
import { entry, isNonStringScalar, nodeSpan } from '../nodes';
import { finding, fix, type Rule } from './rule';

const TRUE_WORDS = /^(y|yes|true|on)$/i;
const FALSE_WORDS = /^(n|no|false|off)$/i;

/** The quoted string a bare value was meant to be: YAML 1.1 booleans become "true"/"false". */
export function quotedInjectValue(source: string): string {
  if (TRUE_WORDS.test(source)) return '"true"';
  if (FALSE_WORDS.test(source)) return '"false"';
  return `"${source.replace(/["\\]/g, '\\$&')}"`;
}

/** Label and annotation values are strings: a bare `true` makes the API server reject the object. */
export const injectLabelType: Rule = {
  code: 'inject-label-type',
  severity: 'error',
  summary: 'sidecar.istio.io/inject must be a quoted string ("true"/"false"), not a bare boolean or number',
  check(m, ctx) {
    const holder = podHolder(m);
    if (!holder) return [];
    const out = [];
    for (const [map, what] of [[labelsOf(holder), 'Label'], [annotationsOf(holder), 'Annotation']] as const) {
      const e = entry(map, LABEL.inject);
      if (!e?.value || !isNonStringScalar(e.value) || !isScalar(e.value)) continue;
      const span = nodeSpan(e.value, 0);
      const source = ctx.file.text.slice(span[0], span[1]);
      const quoted = quotedInjectValue(source);
      out.push(
        finding(ctx, this, span, `${what} values must be strings: write sidecar.istio.io/inject: ${quoted}, not a bare ${source}. The API server rejects the object otherwise.`, [
          fix(`Quote it: ${quoted}`, replaceValue(ctx.file, e.value, quoted), true),
        ]),
      );
    }
    return out;
  },
};
