import { splitDocuments } from '../chunks';
import { mayNestTooDeep, parseManifests } from '../parse';

/**
 * What yaml-language-server is given for a hover or a completion at `line`: the document holding that line, with
 * every other document blanked (its line breaks kept, so positions hold). A hover or a completion concerns one
 * document only (anchors, and the kind that picks the schema, are the document's own), and yaml-language-server
 * parses all it is given on each request: a document nested too deep elsewhere in the file no longer costs every
 * request its parse. Undefined when the document itself nests deeper than the checks' cap (`MAX_NESTING`; told as the
checks tell it: a pass over the lines, then, only where that cannot rule it out, the parser's tokens):
 * yaml-language-server composes nodes recursively and on 2 MB of `[` runs for seconds and gigabytes, or out of
 * stack, so such a document gets no hover and no completion, as it gets no schema validation.
 */
export function featureText(text: string, line: number): string | undefined {
  const chunks = splitDocuments(text);
  let at = 0;
  while (at + 1 < chunks.length && chunks[at + 1].line <= line) at++;
  if (mayNestTooDeep(chunks[at].text) && parseManifests(chunks[at].text).tooDeep) return undefined;
  if (chunks.length === 1) return text;
  return chunks.map((c, i) => (i === at ? c.text : c.text.replace(/[^\n]+/g, ''))).join('');
}
