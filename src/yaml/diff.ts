import type { TextEdit } from './types';

/**
 * A unified diff of two texts, line by line (Myers' O(ND) algorithm), as `diff -u` prints it: `--- name` and
 * `+++ name` headers, hunks with 3 lines of context, `\ No newline at end of file` where a text ends without one.
 * Line endings are kept as they are (a CRLF file's lines end with `\r`), so `patch -p0` applies it byte for byte.
 */

type Op = { readonly kind: ' ' | '-' | '+'; readonly line: string };

interface Lines {
  readonly lines: string[];
  /** The last line has no line break after it. */
  readonly noFinalNewline: boolean;
}

function splitLines(text: string): Lines {
  if (text === '') return { lines: [], noFinalNewline: false };
  const lines = text.split('\n');
  const noFinalNewline = lines[lines.length - 1] !== '';
  if (!noFinalNewline) lines.pop();
  return { lines, noFinalNewline };
}

/** The shortest edit script from `a` to `b` (common prefix and suffix first, Myers for the middle). */
function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ops: Op[] = a.slice(0, head).map((line) => ({ kind: ' ', line }));
  ops.push(...myers(a.slice(head, a.length - tail), b.slice(head, b.length - tail)));
  ops.push(...a.slice(a.length - tail).map((line): Op => ({ kind: ' ', line })));
  return ops;
}

function myers(a: readonly string[], b: readonly string[]): Op[] {
  const n = a.length;
  const m = b.length;
  const max = n + m;
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] holds v[k] for k in [-d, d] as it was before step d.
  const trace: Int32Array[] = [];
  let found = -1;
  for (let d = 0; d <= max && found < 0; d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) {
        found = d;
        break;
      }
    }
  }
  const ops: Op[] = [];
  let x = n;
  let y = m;
  for (let d = found; d > 0; d--) {
    const before = trace[d];
    const at = (k: number) => before[k + d];
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const prevK = down ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    for (; x > prevX && y > prevY; x--, y--) ops.push({ kind: ' ', line: a[x - 1] });
    if (down) ops.push({ kind: '+', line: b[--y] });
    else ops.push({ kind: '-', line: a[--x] });
  }
  for (; x > 0 && y > 0; x--, y--) ops.push({ kind: ' ', line: a[x - 1] });
  return ops.reverse();
}

/** `diff -u` of two texts, or '' when they are equal. */
export function unifiedDiff(before: string, after: string, name: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  // A last line that loses or gains its line break differs from itself: mark it so.
  const lastA = a.noFinalNewline ? a.lines.length - 1 : -1;
  const lastB = b.noFinalNewline ? b.lines.length - 1 : -1;
  const ops = diffLines(a.lines.map((l, i) => (i === lastA ? `${l}\u0000` : l)), b.lines.map((l, i) => (i === lastB ? `${l}\u0000` : l)));
  const out = [`--- ${name}`, `+++ ${name}`];
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  let i = 0;
  while (i < changed.length) {
    let j = i;
    while (j + 1 < changed.length && changed[j + 1] - changed[j] <= 2 * context) j++;
    const from = Math.max(0, changed[i] - context);
    const to = Math.min(ops.length, changed[j] + context + 1);
    let oldLine = 0;
    let newLine = 0;
    for (let k = 0; k < from; k++) {
      if (ops[k].kind !== '+') oldLine++;
      if (ops[k].kind !== '-') newLine++;
    }
    const hunk = ops.slice(from, to);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    out.push(`@@ -${oldCount ? oldLine + 1 : oldLine},${oldCount} +${newCount ? newLine + 1 : newLine},${newCount} @@`);
    for (const op of hunk) {
      const last = op.line.endsWith('\u0000');
      out.push(op.kind + (last ? op.line.slice(0, -1) : op.line));
      if (last) out.push('\\ No newline at end of file');
    }
    i = j + 1;
  }
  return out.join('\n') + '\n';
}

/** The lines of a text, each with its line break (`\r\n` or `\n`); the last one without, when the text ends so. */
function linesWithBreaks(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * Edits that turn `before` into `after`, one per run of changed lines, in text order and not touching one another:
 * `applyEdits(before, lineEdits(before, after)) === after`. For a change made in steps (each step checked again),
 * given to the editor as one workspace edit that leaves every unchanged line alone.
 */
export function lineEdits(before: string, after: string): TextEdit[] {
  const edits: TextEdit[] = [];
  let offset = 0;
  let current: { start: number; end: number; newText: string } | undefined;
  for (const op of diffLines(linesWithBreaks(before), linesWithBreaks(after))) {
    if (op.kind === ' ') {
      if (current) edits.push(current);
      current = undefined;
      offset += op.line.length;
      continue;
    }
    current ??= { start: offset, end: offset, newText: '' };
    if (op.kind === '-') current.end = offset += op.line.length;
    else current.newText += op.line;
  }
  if (current) edits.push(current);
  return edits;
}
