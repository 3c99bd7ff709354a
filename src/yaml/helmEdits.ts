import type { ParsedFile } from './parse';
import type { Finding, TextEdit } from './types';

/**
 * Quick fixes in Helm templates. The rules see the template with its `{{ }}` actions masked, but an edit lands in the
 * template itself: next to an action, or inside an `{{ if }}`/`{{ range }}` block the document itself is not in, the
 * edit could change what renders, or only apply when the condition holds. Such edits are not offered.
 */

type Template = Pick<ParsedFile, 'text' | 'masked'>;

/** Actions that open a block closed by `{{ end }}`. */
const OPENS = /^\{\{-?\s*(?:if|range|with|define|block)\b/;
const ENDS = /^\{\{-?\s*end\b/;

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineEnd(text: string, offset: number): number {
  const i = text.indexOf('\n', offset);
  return i === -1 ? text.length : i;
}

/** Starts of the blocks open at `offset`, innermost last. */
function openBlocks(file: Template, offset: number): number[] {
  const open: number[] = [];
  for (const [s, e] of file.masked) {
    if (s >= offset) break;
    const action = file.text.slice(s, e);
    if (OPENS.test(action)) open.push(s);
    else if (ENDS.test(action)) open.pop();
  }
  return open;
}

/**
 * Whether `edit` may be made to a template whose document starts at `documentStart`: no action on the edited lines or
 * the lines next to them, and inside exactly the blocks the document itself is in.
 */
export function safeInTemplate(file: Template, edit: TextEdit, documentStart = 0): boolean {
  if (file.masked.length === 0) return true;
  const text = file.text;
  const first = lineStart(text, edit.start);
  const from = first === 0 ? 0 : lineStart(text, first - 1);
  // A line inserted at a line start goes between two lines: those two are its neighbours.
  const between = edit.start === edit.end && edit.start === first;
  const last = lineEnd(text, edit.end);
  const to = between ? last : last >= text.length ? text.length : lineEnd(text, last + 1);
  if (file.masked.some(([s, e]) => s <= to && e >= from)) return false;
  const around = openBlocks(file, documentStart).join();
  return openBlocks(file, edit.start).join() === around && openBlocks(file, edit.end).join() === around;
}

/** The finding without the fixes that are not safe in the template. */
export function withSafeFixes(file: Template, finding: Finding, documentStart: number): Finding {
  if (!finding.fixes || file.masked.length === 0) return finding;
  const fixes = finding.fixes.filter((f) => f.edits.every((e) => safeInTemplate(file, e, documentStart)));
  if (fixes.length === finding.fixes.length) return finding;
  return { range: finding.range, code: finding.code, severity: finding.severity, message: finding.message, ...(fixes.length ? { fixes } : {}) };
}
