import type { Finding, Fix, Position } from './types';

/**
 * A multi-document file split at its `---` lines, so an edit re-checks only the document it
 * touched. A `---` at column 0 always starts a document in YAML (it even ends a block scalar), so
 * the split is exact; files with directives (`%YAML`) are kept whole.
 */
export interface Chunk {
  /** Offset and 0-based line of the chunk's first character in the file. */
  readonly start: number;
  readonly line: number;
  readonly text: string;
}

const MARKER = /^---(?=[ \t\r\n]|$)/;

export function splitDocuments(text: string): Chunk[] {
  if (/^%/m.test(text)) return [{ start: 0, line: 0, text }];
  const chunks: Chunk[] = [];
  let chunkStart = 0;
  let chunkLine = 0;
  let offset = 0;
  let line = 0;
  while (offset < text.length) {
    const end = text.indexOf('\n', offset);
    const next = end === -1 ? text.length : end + 1;
    if (offset > 0 && text.startsWith('---', offset) && MARKER.test(text.slice(offset, offset + 4))) {
      chunks.push({ start: chunkStart, line: chunkLine, text: text.slice(chunkStart, offset) });
      chunkStart = offset;
      chunkLine = line;
    }
    offset = next;
    line++;
  }
  chunks.push({ start: chunkStart, line: chunkLine, text: text.slice(chunkStart) });
  return chunks;
}

/**
 * A document of nothing but blank lines, comments and its markers (`---`, `...`): nothing to validate. Files of
 * thousands of them (`---` lines left by a generator) cost yaml-language-server seconds for nothing.
 */
export function isEmptyDocument(text: string): boolean {
  const blank = (k: number) => text[k] === ' ' || text[k] === '\t' || text[k] === '\r';
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    let k = start;
    if (text.startsWith('---', k) || text.startsWith('...', k)) {
      k += 3;
      if (k < end && !blank(k)) return false;
    }
    while (k < end && blank(k)) k++;
    if (k < end && text[k] !== '#') return false;
    start = end + 1;
  }
  return true;
}

/** A finding of a document parsed alone (its offsets and lines relative to it), moved to its place in the file. */
export function shiftFinding(f: Finding, chunk: Pick<Chunk, 'start' | 'line'>): Finding {
  if (chunk.start === 0) return f;
  const move = (p: Position) => ({ line: p.line + chunk.line, character: p.character });
  return { ...f, range: { start: move(f.range.start), end: move(f.range.end) }, ...(f.fixes ? { fixes: f.fixes.map((x) => shiftFix(x, chunk)) } : {}) };
}

/** The same for a fix: its edits are offsets. */
export function shiftFix(fix: Fix, chunk: Pick<Chunk, 'start' | 'line'>): Fix {
  if (chunk.start === 0) return fix;
  return { ...fix, edits: fix.edits.map((e) => ({ ...e, start: e.start + chunk.start, end: e.end + chunk.start })) };
}
