/**
 * Helm templates are not YAML until rendered. To still check what we can, every `{{ ... }}` is
 * replaced by text of the same length (so offsets, lines and columns stay true): a line holding
 * only template actions becomes blank, an expression inside a value becomes underscores; line breaks, and the
 * indentation of the lines an action spans into, stay.
 * Findings that touch a masked span are dropped by the caller: the real value is unknown.
 *
 * Everything here is one pass over the text (it runs on every keystroke, on lines of any length).
 */

export interface MaskedText {
  readonly text: string;
  /** [start, end) offsets of the original template expressions, in order and not overlapping. */
  readonly masked: ReadonlyArray<readonly [number, number]>;
}

/** Each `{{` up to the first `}}` after it, left to right; a `{{` never closed ends the search. */
function actions(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const start = text.indexOf('{{', from);
    if (start === -1) break;
    const close = text.indexOf('}}', start + 2);
    // No `}}` after this `{{`: there is none after any later one either.
    if (close === -1) break;
    out.push([start, close + 2]);
    from = close + 2;
  }
  return out;
}

const NEWLINE = 10;
const RETURN = 13;
const SPACE = 32;

export function maskTemplates(text: string): MaskedText {
  if (!text.includes('{{')) return { text, masked: [] };
  const masked = actions(text);
  if (masked.length === 0) return { text, masked };
  const blank = blankAround(text, masked);
  const parts: string[] = [];
  let copied = 0;
  masked.forEach(([start, end], i) => {
    parts.push(text.slice(copied, start), fill(text, start, end, blank[i] ? ' ' : '_'));
    copied = end;
  });
  parts.push(text.slice(copied));
  return { text: parts.join(''), masked };
}

/** A character other than whitespace and line terminators (what `String.prototype.trim` removes). */
const NOT_BLANK = /\S/;

/**
 * For each action, whether the text around it on its first and last line, other actions left out, is blank: then it
 * is masked with spaces. Each gap between two actions is looked at by the regex engine at most twice (from the action
 * before it and from the one after): linear in the text, as a loop over every character was, at a fraction of its cost.
 */
function blankAround(text: string, masked: ReadonlyArray<readonly [number, number]>): boolean[] {
  const gapBlank = (from: number, to: number) => from >= to || !NOT_BLANK.test(text.slice(from, to));
  // Back to the line's start: the gap after the previous action, and, when that action starts on the same line (it
  // ends on it: no line break is between them), what is before it there.
  const before: boolean[] = [];
  const starts = new LineBreaks(text);
  masked.forEach(([start], i) => {
    const lineStart = starts.lastBefore(start) + 1;
    const previous = masked[i - 1];
    if (!previous || previous[1] <= lineStart) before.push(gapBlank(lineStart, start));
    else before.push(gapBlank(previous[1], start) && (previous[0] < lineStart || before[i - 1]));
  });
  // On to the line's end, from the last action back: the gap before the next action, and what is after it there when
  // it ends on the same line.
  const ends = new LineBreaks(text);
  const lineEnds = masked.map(([, end]) => ends.firstFrom(end));
  const after = new Array<boolean>(masked.length);
  for (let i = masked.length - 1; i >= 0; i--) {
    const end = masked[i][1];
    const lineEnd = lineEnds[i];
    const next = masked[i + 1];
    if (!next || next[0] >= lineEnd) after[i] = gapBlank(end, lineEnd);
    else after[i] = gapBlank(end, next[0]) && (next[1] > lineEnd || after[i + 1]);
  }
  return masked.map((_, i) => before[i] && after[i]);
}

/** Offsets of the line breaks (`\n`) of a text, asked for in increasing order. */
class LineBreaks {
  private previous = -1;
  private next: number;

  constructor(private readonly text: string) {
    this.next = this.find(0);
  }

  /** The last line break before `offset`, or -1. */
  lastBefore(offset: number): number {
    while (this.next < offset) this.advance();
    return this.previous;
  }

  /** The first line break at or after `offset`, or the text's length. */
  firstFrom(offset: number): number {
    while (this.next < offset) this.advance();
    return this.next;
  }

  private advance(): void {
    this.previous = this.next;
    this.next = this.find(this.next + 1);
  }

  private find(from: number): number {
    const i = this.text.indexOf('\n', from);
    return i === -1 ? this.text.length : i;
  }
}

/**
 * text[start, end) with every character replaced by `by`, but line breaks and the indentation after them: a line that
 * an action spans into keeps its indentation (a Grafana legend `{{ pod }}` folded inside a quoted scalar, an `include`
 * over two lines), so its YAML stays what it was around the action.
 */
function fill(text: string, start: number, end: number, by: string): string {
  let out = '';
  let run = start;
  for (let k = start; k < end; k++) {
    const code = text.charCodeAt(k);
    if (code !== NEWLINE && code !== RETURN) continue;
    out += by.repeat(k - run) + text[k];
    run = k + 1;
    if (code !== NEWLINE) continue;
    while (run < end && text.charCodeAt(run) === SPACE) run++;
    out += ' '.repeat(run - k - 1);
    k = run - 1;
  }
  return out + by.repeat(end - run);
}

/** Whether [start, end) overlaps a masked span (binary search: the spans are in order). */
export function touchesMasked(masked: MaskedText['masked'], start: number, end: number): boolean {
  // The first span that ends after `start`; it is the only one that may begin before `end`.
  let low = 0;
  let high = masked.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (masked[mid][1] <= start) low = mid + 1;
    else high = mid;
  }
  return low < masked.length && masked[low][0] < end;
}
