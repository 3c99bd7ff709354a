import { analyzeManifest } from '../analyzers';
import type { ClusterFacts, WorkspaceFacts } from './facts';
import { withSafeFixes } from './helmEdits';
import { isNamespace, LABEL, labelsOf, podAsksForSidecar, podHolder, rootOf } from './kube';
import { entry, scalarValue } from './nodes';
import { parseManifests, rangeOf, type ParsedFile } from './parse';
import { rules, type RuleContext } from './rules';
import { touchesMasked } from './template';
import type { Finding, Range } from './types';

export interface LintOptions {
  readonly cluster?: ClusterFacts;
  readonly workspace?: WorkspaceFacts;
  /** Larger texts are not checked; one notice says so. Default: 2,000,000 characters. */
  readonly maxFileSize?: number;
}

export interface LintResult {
  readonly findings: Finding[];
  /** The parsed file, for code actions and schema validation; absent when the file was not parsed. */
  readonly file: ParsedFile | undefined;
}

export const DEFAULT_MAX_FILE_SIZE = 2_000_000;

/** Runs the Istio rules over every Kubernetes document of a YAML text. Pure: no I/O, no clock. */
export function lintText(text: string, options: LintOptions = {}): LintResult {
  const max = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  if (text.length > max) {
    const start = { line: 0, character: 0 };
    return {
      file: undefined,
      findings: [{ range: { start, end: start }, code: 'file-too-large', severity: 'info', message: `Istio checks skipped: this file has ${text.length} characters, more than istio.yaml.maxFileSize (${max}).` }],
    };
  }
  const file = parseManifests(text);
  return { file, findings: lintParsed(file, options) };
}

export function lintParsed(file: ParsedFile, options: LintOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const deep = tooDeepFinding(file);
  const syntax = syntaxFinding(file);
  if (syntax) {
    // A Helm template may not be YAML even with its actions masked: say nothing rather than something wrong.
    if (file.templated) return deep ? [deep] : [];
    findings.push(syntax);
  }
  if (deep) findings.push(deep);
  const facts = fileFacts(file);
  const asking = union(facts.namespacesAskingForSidecars, options.workspace?.namespacesAskingForSidecars);
  const injected = union(facts.injectedNamespaces, options.workspace?.injectedNamespaces);
  const ctx: RuleContext = { file, cluster: options.cluster ?? {}, namespacesAskingForSidecars: asking, injectedNamespaces: injected };
  for (const manifest of file.manifests) {
    if (manifest.kind === undefined || manifest.hasErrors) continue;
    // In a Helm template, fixes are only offered where the edit cannot change what the template's actions render.
    const start = manifest.root?.range?.[0] ?? manifest.span[0];
    for (const rule of rules) findings.push(...rule.check(manifest, ctx).map((f) => withSafeFixes(file, f, start)));
    findings.push(...analyzeManifest(file, manifest));
  }
  return file.templated ? findings.filter((f) => f === deep || !touchesMasked(file.masked, offsetOf(file, f.range.start), offsetOf(file, f.range.end))) : findings;
}

/** The notice of a document nested too deep to be parsed (see `MAX_NESTING`). */
function tooDeepFinding(file: ParsedFile): Finding | undefined {
  if (!file.tooDeep) return undefined;
  const { start, end, message } = file.tooDeep;
  return { range: rangeOf(file, start, end), code: 'nesting-too-deep', severity: 'info', message };
}

/** The file's first syntax error as a finding (the one a file gets, never a cascade). */
export function syntaxFinding(file: ParsedFile): Finding | undefined {
  if (!file.syntaxError) return undefined;
  const { start, end, message } = file.syntaxError;
  return { range: rangeOf(file, start, end), code: 'yaml-syntax', severity: 'error', message };
}

/**
 * `others` itself when it already holds `own`: the checker passes the facts of the whole file to
 * each of its documents, and copying them per document would cost documents × namespaces.
 */
function union(own: ReadonlySet<string>, others: ReadonlySet<string> | undefined): ReadonlySet<string> {
  if (others && [...own].every((n) => others.has(n))) return others;
  return new Set([...own, ...(others ?? [])]);
}

export interface FileFacts {
  /** Namespaces named by workloads of this file whose pods ask for a sidecar. */
  readonly namespacesAskingForSidecars: ReadonlySet<string>;
  /** Namespaces this file labels for injection. */
  readonly injectedNamespaces: ReadonlySet<string>;
}

/** What one file tells about the others: the editor collects these over the workspace's open files. */
export function fileFacts(file: ParsedFile): FileFacts {
  const asking = new Set<string>();
  const injected = new Set<string>();
  for (const m of file.manifests) {
    if (m.kind === undefined) continue;
    if (isNamespace(m) && m.name !== undefined) {
      const labels = labelsOf(rootOf(m));
      if (scalarValue(entry(labels, LABEL.injection)?.value) === 'enabled' || entry(labels, LABEL.revision)) injected.add(m.name);
    } else if (m.namespace !== undefined && podAsksForSidecar(podHolder(m))) {
      asking.add(m.namespace);
    }
  }
  return { namespacesAskingForSidecars: asking, injectedNamespaces: injected };
}

function offsetOf(file: ParsedFile, position: Range['start']): number {
  return (file.lineCounter.lineStarts[position.line] ?? 0) + position.character;
}
