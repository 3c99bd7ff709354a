import type { Finding } from '../yaml/types';

/**
 * The findings without those whose code the user ignores workspace-wide (`istio.analysis.ignoredCodes`, `lint
 * --ignore-code`): an analyzer's code, or the IST code a rule's finding carries. Codes are compared without case or
 * surrounding spaces, so `ist0118 ` in settings.json still works.
 */
export function withoutIgnored(findings: Finding[], ignored: readonly string[]): Finding[] {
  if (ignored.length === 0) return findings;
  const codes = ignoredCodeSet(ignored);
  return findings.filter((f) => !codes.has(f.code.toUpperCase()) && !(f.istio !== undefined && codes.has(f.istio.toUpperCase())));
}

/** The ignored codes as they are compared: upper case, without surrounding spaces. */
export function ignoredCodeSet(ignored: readonly string[]): ReadonlySet<string> {
  return new Set(ignored.map((c) => c.trim().toUpperCase()));
}
