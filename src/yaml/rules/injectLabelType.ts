import { isScalar, type Scalar } from 'yaml';
import { replaceValue } from '../edits';
import { SidecarInjectLabel } from '../../istio/names';
import { podInputOf } from '../injection';
import { annotationsOf, labelsOf, podHolder } from '../kube';
import { clipped } from '../limits';
import { entry, isNonStringScalar, nodeSpan, valueSpan } from '../nodes';
import type { ParsedFile } from '../parse';
import { finding, fix, type Rule } from './rule';
import { plainAnnotation, plainLabel, plainPodHolder } from '../plain';

const TRUE_WORDS = /^(y|yes|true|on)$/i;
const FALSE_WORDS = /^(n|no|false|off)$/i;

/** The quoted string a bare value was meant to be: YAML 1.1 booleans become "true"/"false". */
export function quotedInjectValue(source: string): string {
  if (TRUE_WORDS.test(source)) return '"true"';
  if (FALSE_WORDS.test(source)) return '"false"';
  return `"${source.replace(/["\\]/g, '\\$&')}"`;
}

/** The word a non-string value was written as: its plain text, or the boolean a tag made of it (`!!bool "true"`). */
export function nonStringWord(file: ParsedFile, node: Scalar): string {
  if (typeof node.value === 'boolean') return String(node.value);
  const [s, e] = nodeSpan(node, 0);
  return node.type === 'PLAIN' ? file.text.slice(s, e) : String(node.value);
}

/** Label and annotation values are strings: a bare `true` makes the API server reject the object. */
export const injectLabelType: Rule = {
  code: 'inject-label-type',
  severity: 'error',
  summary: 'sidecar.istio.io/inject must be a quoted string ("true"/"false"), not a bare boolean or number',
  mayReport(m) {
    // A string can still be reported when it was written bare (`yes`, YAML 1.1's boolean): only a quoted "true" or
    // "false" is known to be fine without the text.
    const holder = plainPodHolder(m);
    const reported = (v: unknown) => v !== undefined && v !== 'true' && v !== 'false';
    return reported(plainLabel(holder, SidecarInjectLabel)) || reported(plainAnnotation(holder, SidecarInjectLabel));
  },
  check(m, ctx) {
    const holder = podHolder(m);
    if (!holder) return [];
    const out = [];
    for (const [map, what] of [[labelsOf(holder), 'Label'], [annotationsOf(holder), 'Annotation']] as const) {
      const e = entry(map, SidecarInjectLabel);
      if (!e?.value || !isNonStringScalar(e.value) || !isScalar(e.value)) continue;
      const source = nonStringWord(ctx.file, e.value);
      const quoted = quotedInjectValue(source);
      // A label quoted into anything but "true"/"false" would only trade this error for inject-label-value.
      // Nor a new "true" on a host-network pod, which would only trade this error for inject-host-network.
      const fixable = (what === 'Annotation' || quoted === '"true"' || quoted === '"false"') && !(quoted === '"true"' && podInputOf(holder).hostNetwork);
      out.push(
        finding(ctx, this, valueSpan(e), `${what} values must be strings: write sidecar.istio.io/inject: ${clipped(quoted)}, not a bare ${clipped(source)}. The API server rejects the object otherwise.`, [
          fixable ? fix(`Quote it: ${clipped(quoted)}`, replaceValue(ctx.file, e, quoted), true) : undefined,
        ]),
      );
    }
    return out;
  },
};
