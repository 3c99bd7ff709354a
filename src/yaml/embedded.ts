import { isScalar, type Node } from 'yaml';
import { parseManifests, type ParsedFile } from './parse';
import type { TextEdit } from './types';

/**
 * YAML written inside a string of a YAML file (the `istio` ConfigMap's `data.mesh`), parsed on its own, with the
 * way back from its offsets to the file's. The way back is exact only for a literal block scalar (`|`, `|-`, `|+`)
 * whose indentation is told by its first line: every line of the inner text is then the outer line with the block's
 * indentation cut off. That is checked, not assumed: the lines cut so must give back the scalar's value, or there is
 * no way back (a quoted or folded string, an indentation indicator, tabs...) and findings go on the key instead.
 */
export interface EmbeddedYaml {
  /** The inner text, parsed as a file of its own. */
  readonly file: ParsedFile;
  /** The outer offset of an inner one, when the mapping is exact; undefined otherwise. */
  toOuter(offset: number): number | undefined;
  /** An inner edit made in the outer text (its line breaks followed by the block's indentation); undefined when not exact. */
  edit(edit: TextEdit): TextEdit | undefined;
}

/** The YAML text of a scalar value, with the way back to the outer text when there is an exact one. */
export function embeddedYaml(outer: string, node: Node | undefined): EmbeddedYaml | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const lines = node.type === 'BLOCK_LITERAL' ? literalLines(outer, node) : undefined;
  const inner = lines ? lines.map((l) => l.text).join('\n') : node.value;
  const file = parseManifests(inner);
  if (!lines) return { file, toOuter: () => undefined, edit: () => undefined };
  const starts: number[] = [];
  let at = 0;
  for (const l of lines) {
    starts.push(at);
    at += l.text.length + 1;
  }
  const nl = outer.includes('\r\n') ? '\r\n' : '\n';
  const indent = lines.find((l) => l.text !== '')?.cut ?? 0;
  const lineOf = (offset: number): number => {
    let line = starts.length - 1;
    while (line > 0 && starts[line] > offset) line--;
    return line;
  };
  const toOuter = (offset: number): number | undefined => {
    if (offset < 0 || offset > inner.length) return undefined;
    const line = lineOf(offset);
    return lines[line].start + lines[line].cut + (offset - starts[line]);
  };
  const pad = ' '.repeat(indent);
  /** Where the outer line after the block's last content line starts (its line break included). */
  const afterLast = (): number => {
    const last = lines[lines.length - 1];
    const br = outer.indexOf('\n', last.start);
    return br < 0 ? outer.length : br + 1;
  };
  return {
    file,
    toOuter,
    edit(e) {
      // Whole lines (a key removed with its line, lines inserted before one) go with their indentation, so no
      // indentation is left on a line of its own.
      const atLineStart = (o: number) => starts[lineOf(o)] === o;
      if (atLineStart(e.start) && (atLineStart(e.end) || e.end === inner.length) && (e.newText === '' || e.newText.endsWith('\n'))) {
        const end = atLineStart(e.end) && e.end < inner.length ? lines[lineOf(e.end)].start : afterLast();
        const newText = e.newText.split('\n').slice(0, -1).map((l) => (l === '' ? '' : pad + l) + nl).join('');
        return { start: lines[lineOf(e.start)].start, end, newText };
      }
      const start = toOuter(e.start);
      const end = toOuter(e.end);
      if (start === undefined || end === undefined) return undefined;
      return { start, end, newText: e.newText.replace(/\r?\n/g, nl + pad) };
    },
  };
}

interface Line {
  /** Offset of the outer line. */
  readonly start: number;
  /** How many characters of indentation the block takes off this line (fewer on a short blank line). */
  readonly cut: number;
  /** The line as the block scalar's content has it. */
  readonly text: string;
}

/** The content lines of a literal block scalar with its indentation cut off, when they give back its value exactly. */
function literalLines(outer: string, node: Node): Line[] | undefined {
  const [from, to] = node.range ?? [0, 0];
  const headerEnd = outer.indexOf('\n', from);
  // `|2`: an indentation indicator. Not worth following; the key takes the findings.
  if (headerEnd < 0 || headerEnd >= to || /\d/.test(outer.slice(from, headerEnd).replace(/#.*$/, ''))) return undefined;
  const raw: Array<{ start: number; text: string }> = [];
  for (let start = headerEnd + 1; start < to; ) {
    const nlAt = outer.indexOf('\n', start);
    const end = nlAt < 0 || nlAt > to ? to : nlAt;
    raw.push({ start, text: outer.slice(start, end).replace(/\r$/, '') });
    start = end + 1;
  }
  const first = raw.find((l) => l.text.trim() !== '');
  if (!first) return undefined;
  const indent = /^ */.exec(first.text)![0].length;
  const lines = raw.map((l): Line => {
    const cut = Math.min(indent, /^ */.exec(l.text)![0].length);
    return { start: l.start, cut, text: l.text.slice(cut) };
  });
  // Content lines are indented by at least the block's indentation; only blank lines may be shorter.
  if (lines.some((l) => l.cut < indent && l.text !== '')) return undefined;
  const trimmed = (s: string) => s.replace(/\n+$/, '');
  const value = String((node as { value: unknown }).value);
  while (lines.length > 0 && lines[lines.length - 1].text === '') lines.pop();
  return trimmed(lines.map((l) => l.text).join('\n')) === trimmed(value) ? lines : undefined;
}
