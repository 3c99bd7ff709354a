/**
 * Helm templates are not YAML until rendered. To still check what we can, every `{{ ... }}` is
 * replaced by text of the same length (so offsets, lines and columns stay true): a line holding
 * only template actions becomes blank, an expression inside a value becomes underscores.
 * Findings that touch a masked span are dropped by the caller: the real value is unknown.
 */

export interface MaskedText {
  readonly text: string;
  /** [start, end) offsets of the original template expressions. */
  readonly masked: ReadonlyArray<readonly [number, number]>;
}

const ACTION = /\{\{[\s\S]*?\}\}/g;

export function maskTemplates(text: string): MaskedText {
  if (!text.includes('{{')) return { text, masked: [] };
  const masked: Array<[number, number]> = [];
  const chars = text.split('');
  for (const match of text.matchAll(ACTION)) {
    const start = match.index;
    const end = start + match[0].length;
    masked.push([start, end]);
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEndIndex = text.indexOf('\n', end);
    const lineEnd = lineEndIndex === -1 ? text.length : lineEndIndex;
    const rest = (text.slice(lineStart, start) + text.slice(end, lineEnd)).replace(ACTION, '');
    const fill = rest.trim() === '' ? ' ' : '_';
    for (let i = start; i < end; i++) if (chars[i] !== '\n' && chars[i] !== '\r') chars[i] = fill;
  }
  return { text: chars.join(''), masked };
}

export function touchesMasked(masked: MaskedText['masked'], start: number, end: number): boolean {
  return masked.some(([s, e]) => start < e && s < end);
}
