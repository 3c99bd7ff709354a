import { isDeepStrictEqual } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { YamlChecker } from '../../../src/yaml/checker';
import { splitDocuments } from '../../../src/yaml/chunks';
import { applyEdits } from '../../../src/yaml/edits';
import { factsSignature, type ClusterFacts } from '../../../src/yaml/facts';
import { maskTemplates } from '../../../src/yaml/template';
import type { Finding, Fix, FindingCode, TextEdit } from '../../../src/yaml/types';

/**
 * What every quick fix must do, checked by applying it: (a) the file still parses, (b) the finding it was offered
 * for is gone, (c) no new finding appears, (d) every byte outside the edit's range is unchanged, and (e) the
 * documents mean the same apart from the Istio labels the fix is about.
 *
 * (c) is judged per document. A fix that turns injection on or off for a namespace or a pod also changes what the
 * file tells the other documents (which namespaces are injected, which pods ask for a sidecar): there, and only when
 * those facts changed, findings that follow from them (namespace-not-injected, inject-host-network) may appear. In
 * the document the fix edits, nothing may appear.
 */

/** Labels and annotations a fix may set, remove or move. */
/** Keys the fixes may set or remove; the analyzers' "Suppress ISTxxxx" fix adds galley.istio.io/analyze-suppress on purpose. */
const ISTIO_KEYS = ['istio-injection', 'istio.io/rev', 'istio.io/dataplane-mode', 'sidecar.istio.io/inject', 'galley.istio.io/analyze-suppress'];

/** Findings one document causes in another through the file's facts. */
const FACT_DRIVEN: readonly FindingCode[] = ['namespace-not-injected', 'inject-host-network', 'revision-unknown'];

export interface OracleResult {
  readonly problems: string[];
  /** Fixes applied, by finding code (and `enable-injection` for the code action). */
  readonly applied: Map<string, number>;
}

/** Syntax errors of a text as the checks parse it (Helm actions masked). */
export function parseErrors(text: string): string[] {
  const docs = parseAllDocuments(maskTemplates(text).text);
  return Array.isArray(docs) ? docs.flatMap((d) => d.errors.map((e) => e.message.split('\n')[0])) : [];
}

function documentCount(text: string): number {
  const docs = parseAllDocuments(maskTemplates(text).text);
  return Array.isArray(docs) ? docs.length : 0;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each document as Kubernetes reads it (aliases resolved, merge keys merged), without the Istio labels and annotations. */
function meaning(text: string): unknown[] {
  const docs = parseAllDocuments(maskTemplates(text).text, { merge: true });
  if (!Array.isArray(docs)) return [];
  return docs.map((d) => {
    const js: unknown = d.toJS({ maxAliasCount: -1 });
    if (!isObject(js)) return js;
    const template = isObject(js.spec) && isObject(js.spec.template) ? js.spec.template : undefined;
    for (const holder of [js, template]) {
      if (!holder) continue;
      const metadata = holder.metadata;
      if (metadata === null) delete holder.metadata;
      if (!isObject(metadata)) continue;
      for (const map of ['labels', 'annotations']) {
        const value = metadata[map];
        if (isObject(value)) for (const key of ISTIO_KEYS) delete value[key];
        if (value === null || (isObject(value) && Object.keys(value).length === 0)) delete metadata[map];
      }
      if (Object.keys(metadata).length === 0) delete holder.metadata;
    }
    return js;
  });
}

function documentOf(chunks: ReturnType<typeof splitDocuments>, line: number): number {
  let index = 0;
  chunks.forEach((c, i) => {
    if (c.line <= line) index = i;
  });
  return index;
}

function keyed(text: string, findings: readonly Finding[]): string[] {
  const chunks = splitDocuments(text);
  return findings.map((f) => `${documentOf(chunks, f.range.start.line)}|${f.code}|${f.message}`);
}

function counts(keys: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) out.set(k, (out.get(k) ?? 0) + 1);
  return out;
}

function span(edits: readonly TextEdit[]): [number, number] {
  return [Math.min(...edits.map((e) => e.start)), Math.max(...edits.map((e) => e.end))];
}

function facts(checker: YamlChecker, text: string): string {
  const f = checker.facts('file:///facts.yaml', text);
  return factsSignature(f, undefined);
}

/** Bytes outside [start, end) of `before` are the same in `after`. */
function outsideUnchanged(before: string, after: string, [start, end]: [number, number]): boolean {
  return after.startsWith(before.slice(0, start)) && after.endsWith(before.slice(end)) && after.length >= start + before.length - end;
}

/** Applies every fix of every finding of `text`, each alone, and reports what breaks (a)-(e). */
export async function checkEveryFix(text: string, cluster?: ClusterFacts): Promise<OracleResult> {
  const checker = new YamlChecker(async () => undefined);
  const problems: string[] = [];
  const applied = new Map<string, number>();
  const before = await checker.check('file:///before.yaml', text, { cluster });
  const beforeKeys = keyed(text, before);
  const beforeCounts = counts(beforeKeys);
  const beforeFacts = facts(checker, text);
  const beforeMeaning = meaning(text);
  const docs = documentCount(text);
  const chunks = splitDocuments(text);

  const verify = async (label: string, fix: Fix, doc: number, finding?: { key: string; code: FindingCode }): Promise<void> => {
    const edits = fix.edits;
    const after = applyEdits(text, edits);
    const where = span(edits);
    const say = (what: string): void => void problems.push(`${label} "${fix.title}" ${JSON.stringify(edits)}: ${what}\n--- after:\n${after}`);
    applied.set(finding?.code ?? label, (applied.get(finding?.code ?? label) ?? 0) + 1);
    // (d) and minimal: the edit stays in the finding's document, and nothing outside it changes.
    const chunk = chunks[doc];
    if (where[0] < chunk.start || where[1] > chunk.start + chunk.text.length) say('edits outside its document');
    if (!outsideUnchanged(text, after, where)) say('changes bytes outside its range');
    // (a)
    const errors = parseErrors(after);
    if (errors.length) {
      say(`does not parse: ${errors[0]}`);
      return;
    }
    if (documentCount(after) !== docs) {
      say('changes the number of documents');
      return;
    }
    // (e)
    if (!isDeepStrictEqual(meaning(after), beforeMeaning)) say('changes what the documents mean beyond the Istio labels');
    if (!finding) return;
    const found = await checker.check('file:///after.yaml', after, { cluster });
    const afterKeys = keyed(after, found);
    const afterCounts = counts(afterKeys);
    // (b)
    if ((afterCounts.get(finding.key) ?? 0) >= (beforeCounts.get(finding.key) ?? 0)) say('leaves its finding');
    // (c)
    const factsChanged = facts(checker, after) !== beforeFacts;
    for (const [key, n] of afterCounts) {
      if (n <= (beforeCounts.get(key) ?? 0)) continue;
      const [docOf, code] = key.split('|');
      if (factsChanged && Number(docOf) !== doc && FACT_DRIVEN.includes(code as FindingCode)) continue;
      // Istio is silent on the deprecated inject annotation only while the resource's own labels hold the inject
      // label (annotations.go:96-100): moving that label into the pod template rightly lets IST0135 speak.
      if (code === 'inject-annotation-deprecated' && label === 'inject-misplaced') continue;
      say(`adds a finding: ${key}`);
    }
  };

  for (let i = 0; i < before.length; i++) {
    const f = before[i];
    const doc = Number(beforeKeys[i].split('|')[0]);
    for (const fix of f.fixes ?? []) await verify(f.code, fix, doc, { key: beforeKeys[i], code: f.code });
  }
  // The "Enable Istio sidecar injection" code action on each Namespace document: (a), (d), (e).
  for (let doc = 0; doc < chunks.length; doc++) {
    const at = chunks[doc].text.indexOf('kind: Namespace');
    if (at < 0) continue;
    const fix = checker.enableInjectionAt(text, chunks[doc].start + at);
    if (fix) await verify('enable-injection', fix, doc);
  }
  return { problems, applied };
}
