import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { main, type CliIo } from '../../../src/yaml/cli';
import { applyEdits } from '../../../src/yaml/edits';
import { lintText, type LintOptions } from '../../../src/yaml/lint';
import type { Finding, FindingCode } from '../../../src/yaml/types';

/** Joins lines with newlines (and a final one), so YAML in tests keeps its indentation readable. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

export function findings(text: string, options?: LintOptions): Finding[] {
  return lintText(text, options).findings;
}

export function findingsOf(text: string, code: FindingCode, options?: LintOptions): Finding[] {
  return findings(text, options).filter((f) => f.code === code);
}

/** The text after applying the fix titled `title` (default: the preferred or first) of the only finding with `code`. */
export function fixed(text: string, code: FindingCode, title?: string, options?: LintOptions): string {
  const list = findingsOf(text, code, options);
  assert.equal(list.length, 1, `expected one ${code} finding, got ${list.length}`);
  const fixes = list[0].fixes ?? [];
  const fix = title ? fixes.find((f) => f.title === title) : (fixes.find((f) => f.preferred) ?? fixes[0]);
  assert.ok(fix, `no fix ${title ?? ''} among: ${fixes.map((f) => f.title).join(' | ')}`);
  return applyEdits(text, fix.edits);
}

/** `[line, character, endLine, endCharacter]` 0-based, compact to assert. */
export function where(f: Finding): [number, number, number, number] {
  return [f.range.start.line, f.range.start.character, f.range.end.line, f.range.end.character];
}

/** Runs the command line in-process, with stdout and stderr captured. */
export function runCli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return captured((io) => main(argv, io));
}

/** Runs a command-line entry in-process with its stdout and stderr captured. */
export async function captured(run: (io: CliIo) => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
  const sink = () => {
    let text = '';
    return { stream: new Writable({ write(chunk, _e, done) { text += String(chunk); done(); } }), text: () => text };
  };
  const out = sink();
  const err = sink();
  const code = await run({ stdout: out.stream, stderr: err.stream });
  return { code, stdout: out.text(), stderr: err.text() };
}
