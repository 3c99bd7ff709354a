import type { Diagnostic } from 'yaml-language-server';
import { clippedMessage } from '../limits';
import type { Finding, Severity } from '../types';

/**
 * yaml-language-server's diagnostics as findings. Schema violations are errors (the API server
 * rejects them: istioctl's IST0106); a schema complaint on the spot of an Istio finding is
 * dropped, since the Istio finding says more and offers a fix.
 */
export function schemaFindings(diagnostics: readonly Diagnostic[], istio: readonly Finding[], lineDelta: number, syntaxFromService = false): Finding[] {
  const taken = new Set(istio.map((f) => `${f.range.start.line}:${f.range.start.character}`));
  const move = (p: Diagnostic['range']['start']) => ({ line: p.line + lineDelta, character: p.character });
  if (syntaxFromService) {
    // A document we did not parse: its first syntax error is the one finding, as for the others.
    const syntax = diagnostics.find(isSyntaxError);
    if (syntax) return [{ range: { start: move(syntax.range.start), end: move(syntax.range.end) }, code: 'yaml-syntax', severity: 'error', message: clippedMessage(syntax.message) }];
  }
  const out: Finding[] = [];
  for (const d of diagnostics) {
    const start = move(d.range.start);
    if (taken.has(`${start.line}:${start.character}`)) continue;
    out.push({ range: { start, end: move(d.range.end) }, code: 'schema', severity: severity(d), message: clippedMessage(withoutNull(d.message)) });
  }
  return out;
}

/**
 * The message without `null` among the expected types or values. The schemas accept null wherever a field may
 * be absent (the API server treats both alike, see `orNull`): saying so in every message would only distract.
 */
export function withoutNull(message: string): string {
  const types = /^Incorrect type\. Expected one of (.+)\.$/.exec(message) ?? /^Incorrect type\. Expected "(.+)"\.$/.exec(message);
  if (types) {
    const list = types[1].split(types[0].includes('one of') ? ', ' : ' | ').filter((t) => t !== 'null');
    if (list.length === 0) return message;
    return list.length === 1 ? `Incorrect type. Expected "${list[0]}".` : `Incorrect type. Expected one of ${list.join(', ')}.`;
  }
  const values = /^Value is not accepted\. Valid values: (.+)\.$/.exec(message);
  if (values) return `Value is not accepted. Valid values: ${values[1].split(', ').filter((v) => v !== 'null').join(', ')}.`;
  return message;
}

/** yaml-language-server tags the parser's own problems `YAML`; schema problems name their schema. */
export function isSyntaxError(d: Diagnostic): boolean {
  return d.source === 'YAML' && d.severity === 1;
}

function severity(d: Diagnostic): Severity {
  // LSP: 1 error, 2 warning, 3 information, 4 hint. yaml-language-server reports schema
  // violations as warnings, which the API server would reject: errors here. The parser's own
  // warnings stay warnings.
  if (d.severity === 3 || d.severity === 4) return 'info';
  return d.source === 'YAML' && d.severity === 2 ? 'warning' : 'error';
}
