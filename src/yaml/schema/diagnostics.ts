import type { Diagnostic } from 'yaml-language-server';
import type { Finding, Severity } from '../types';

/**
 * yaml-language-server's diagnostics as findings. Schema violations are errors (the API server
 * rejects them: istioctl's IST0106); a schema complaint on the spot of an Istio finding is
 * dropped, since the Istio finding says more and offers a fix.
 */
export function schemaFindings(diagnostics: readonly Diagnostic[], istio: readonly Finding[], lineDelta: number): Finding[] {
  const taken = new Set(istio.map((f) => `${f.range.start.line}:${f.range.start.character}`));
  const out: Finding[] = [];
  for (const d of diagnostics) {
    const start = { line: d.range.start.line + lineDelta, character: d.range.start.character };
    const end = { line: d.range.end.line + lineDelta, character: d.range.end.character };
    if (taken.has(`${start.line}:${start.character}`)) continue;
    out.push({ range: { start, end }, code: 'schema', severity: severity(d), message: d.message });
  }
  return out;
}

function severity(d: Diagnostic): Severity {
  // LSP: 1 error, 2 warning, 3 information, 4 hint. yaml-language-server reports schema violations as warnings.
  if (d.severity === 3 || d.severity === 4) return 'info';
  return 'error';
}
