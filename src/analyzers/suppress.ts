import { isScalar } from 'yaml';
import { replaceValue, setEntry } from '../yaml/edits';
import { annotationsOf } from '../yaml/kube';
import { entry, type MapRef } from '../yaml/nodes';
import type { ParsedFile } from '../yaml/parse';
import type { Finding, Fix } from '../yaml/types';
import type { IstCode } from './messages';
import { text } from './values';

/** The annotation `istioctl analyze` honours to leave a resource's messages out. */
const SUPPRESS_ANNOTATION = 'galley.istio.io/analyze-suppress';

/**
 * Whether a resource's annotation suppresses `code`: a comma-separated list of codes, or `*` for every code, each
 * item compared as written (pkg/config/analysis/local/istiod_analyze.go:564-571: no spaces trimmed).
 */
function suppressed(root: MapRef, code: IstCode): boolean {
  const value = text(entry(annotationsOf(root), SUPPRESS_ANNOTATION)?.value);
  return value !== undefined && value !== '' && value.split(',').some((c) => c === '*' || c === code);
}

const PLAIN = /^[A-Za-z0-9*][A-Za-z0-9,*]*$/;

/**
 * "Suppress ISTxxxx for this resource": adds the annotation, or appends the code to the one there (in the same
 * quoting style), as one minimal edit. Undefined where no safe edit does it.
 */
function suppressFix(file: ParsedFile, root: MapRef, code: IstCode): Fix | undefined {
  const existing = entry(annotationsOf(root), SUPPRESS_ANNOTATION);
  let edit;
  if (!existing) edit = setEntry(file, root, ['metadata', 'annotations'], SUPPRESS_ANNOTATION, code);
  else {
    const current = text(existing.value) ?? '';
    const next = current === '' ? code : `${current},${code}`;
    const node = existing.written;
    const quoted = isScalar(node) && node.type === 'QUOTE_SINGLE' ? `'${next.replace(/'/g, "''")}'` : JSON.stringify(next);
    // Plain stays plain, except in a flow mapping, where the comma would end the value (found by the property test).
    const plain = isScalar(node) && (node.type === 'PLAIN' || node.value === null) && PLAIN.test(next) && !existing.map.map.flow;
    edit = replaceValue(file, existing, plain ? next : quoted);
  }
  return edit ? { title: `Suppress ${code} for this resource`, edits: [edit] } : undefined;
}

/**
 * A rule's finding as Istio treats the IST code it carries: none when the resource suppresses that code, else the
 * finding with "Suppress ISTxxxx for this resource" after its own fixes. A finding without an IST code is kept as is.
 */
export function honourSuppression(file: ParsedFile, root: MapRef | undefined, finding: Finding): Finding[] {
  if (finding.istio === undefined || !root) return [finding];
  const kept = withSuppression(file, root, finding.istio, finding);
  return kept ? [kept] : [];
}

/** A finding of `code` on a resource: undefined when the resource suppresses the code, else with the fix that does. */
export function withSuppression(file: ParsedFile, root: MapRef, code: IstCode, finding: Finding): Finding | undefined {
  if (suppressed(root, code)) return undefined;
  const fix = suppressFix(file, root, code);
  return fix ? { ...finding, fixes: [...(finding.fixes ?? []), fix] } : finding;
}
