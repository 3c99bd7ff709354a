import { Document, LineCounter } from 'yaml';
import { lintParsed, type LintOptions } from './lint';
import type { ParsedFile, ParsedManifest } from './parse';
import { Places } from './places';
import type { PlainManifest } from './plain';

/**
 * Whether `lintParsed` may find anything on documents read as plain values (see src/yaml/plain.ts), told by running
 * it on yaml nodes built from those values, whose ranges are placeholders (see `Places`): false only when it finds
 * nothing there, and then it finds nothing on the same documents parsed with positions either, which is left out.
 *
 * The rules and analyzers decide from values. Where they read more, this errs towards finding: every scalar counts
 * as written bare (`yes` is YAML 1.1's boolean, `"yes"` a string), the text is empty (a rule that reads it, to show a
 * value or make a fix, gets nothing or throws: a throw counts as a finding), and a Helm template's findings on its
 * masked actions are not filtered out. test/unit/yaml/screen.property.test.ts and fastPath.test.ts hold the command
 * line to the ranged parse with it; plainLint.test.ts shows each way it errs.
 */
export function mayFindPlain(docs: readonly PlainManifest[], options: LintOptions): boolean {
  try {
    return lintParsed(placeholderFile(docs), options).length > 0;
  } catch {
    return true;
  }
}

/** A file of the documents, as `parseManifests` gives it, with placeholders for offsets and an empty text. */
function placeholderFile(docs: readonly PlainManifest[]): ParsedFile {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  const manifests = docs.map((m, index): ParsedManifest => {
    const root = m.root ? new Places(true).map(m.root) : undefined;
    const doc = new Document(null) as Document.Parsed;
    doc.contents = (root ?? null) as Document.Parsed['contents'];
    const span: [number, number] = root?.range ? [root.range[0], root.range[2]] : [0, 0];
    return { index, doc, root, apiVersion: m.apiVersion, kind: m.kind, name: m.name, namespace: m.namespace, span, hasErrors: false };
  });
  return { text: '', parsedText: '', masked: [], lineCounter, manifests, syntaxError: undefined, tooDeep: undefined, templated: false };
}
