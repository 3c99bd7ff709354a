import { analyzeManifest, mayBeAnalyzedPlain } from '../analyzers';
import { honourSuppression } from '../analyzers/suppress';
import { decideFromManifests, podAsksForSidecar, type Labels, type PodInput } from '../istio/injection';
import { InjectionEnabled, InjectionLabel } from '../istio/names';
import { withOwnFacts, type ClusterFacts, type WorkspaceFacts } from './facts';
import { withSafeFixes } from './helmEdits';
import { namespaceInputOf, plainNamespaceInputOf, plainPodInputOf, podInputOf } from './injection';
import { isNamespace, podHolder, rootOf } from './kube';
import { parseManifests, rangeOf, type ParsedFile } from './parse';
import { plainPodHolder, type PlainManifest } from './plain';
import { rules, type RuleContext, type ScreenContext } from './rules';
import { removedFieldRule } from './rules/removedField';
import { touchesMasked } from './template';
import type { Finding, Range } from './types';

export interface LintOptions {
  readonly cluster?: ClusterFacts;
  readonly workspace?: WorkspaceFacts;
  /** The file is a Helm values file of Istio's charts (see src/yaml/helmValues.ts). */
  readonly istioValues?: boolean;
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
  // The file's own Namespace documents win over the workspace's (the same object being edited). The checker passes
  // the facts of the whole file to each of its documents: they are reused, not copied per document.
  const { namespacesAskingForSidecars: asking, namespaceLabels } = withOwnFacts(options.workspace, [fileFacts(file)]);
  const ctx: RuleContext = { file, cluster: options.cluster ?? {}, namespacesAskingForSidecars: asking, namespaceLabels, istioValues: options.istioValues };
  for (const manifest of file.manifests) {
    if (manifest.hasErrors) continue;
    // A document without a kind is a Helm values file's, when the file is one of Istio's: only its settings are checked.
    if (manifest.kind === undefined) {
      if (options.istioValues) findings.push(...removedFieldRule.check(manifest, ctx));
      continue;
    }
    // In a Helm template, fixes are only offered where the edit cannot change what the template's actions render.
    const start = manifest.root?.range?.[0] ?? manifest.span[0];
    // A rule's finding with an IST code is suppressed by the resource's galley.istio.io/analyze-suppress, as an analyzer's is.
    const root = rootOf(manifest);
    const ruled = rules.flatMap((rule) => rule.check(manifest, ctx).flatMap((f) => honourSuppression(file, root, f)).map((f) => withSafeFixes(file, f, start)));
    // Each IST code has one owner per annotation (sidecar.istio.io/inject: the rules; others: the analyzers), so
    // the two lists never say the same thing twice.
    findings.push(...ruled, ...analyzeManifest(file, manifest));
  }
  return file.templated ? findings.filter((f) => f === deep || !touchesMasked(file.masked, offsetOf(file, f.range.start), offsetOf(file, f.range.end))) : findings;
}

/**
 * Whether `lintParsed` may report anything on documents read as plain values (see src/yaml/plain.ts), given the facts
 * it would run with (the file's own included): false only where it certainly reports nothing, so that the ranged
 * parse can be left out. Such documents have no syntax error and are no Helm templates.
 */
export function mayReportPlain(docs: readonly PlainManifest[], ctx: ScreenContext): boolean {
  // A document without a kind is checked only in a values file of Istio's charts, and only by removed-field.
  return docs.some((m) => (m.kind === undefined ? ctx.istioValues === true && removedFieldRule.mayReport(m, ctx) : rules.some((rule) => rule.mayReport(m, ctx)) || mayBeAnalyzedPlain(m)));
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

export interface FileFacts {
  /** Namespaces named by workloads of this file that ask for a sidecar they get only where the namespace is labelled. */
  readonly namespacesAskingForSidecars: ReadonlySet<string>;
  /** The injection labels of this file's Namespace documents, by name. */
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
}

/**
 * What one file tells about the others: the editor collects these over the workspace's open files. A Helm template
 * that is not YAML with its actions masked tells nothing (its findings are left out too, see `lintParsed`).
 */
export function fileFacts(file: ParsedFile): FileFacts {
  if (file.templated && file.syntaxError) return factsOf([]);
  return factsOf(file.manifests.map((m): FactsInput => {
    if (m.kind === undefined) return undefined;
    if (isNamespace(m) && m.name !== undefined) return { namespace: m.name, labels: () => namespaceInputOf(m).labels ?? {} };
    const holder = podHolder(m);
    return m.namespace === undefined || !holder ? undefined : { podNamespace: m.namespace, pod: () => podInputOf(holder) };
  }));
}

/** `fileFacts` of documents read as plain values (see src/yaml/plain.ts): the same facts, without the ranged parse. */
export function plainFacts(docs: readonly PlainManifest[]): FileFacts {
  return factsOf(docs.map((m): FactsInput => {
    if (m.kind === undefined) return undefined;
    if (isNamespace(m) && m.name !== undefined) return { namespace: m.name, labels: () => plainNamespaceInputOf(m).labels ?? {} };
    const holder = plainPodHolder(m);
    return m.namespace === undefined || !holder ? undefined : { podNamespace: m.namespace, pod: () => plainPodInputOf(holder) };
  }));
}

/** What a document tells the facts: a Namespace's name and labels, or the namespace of pods and what they ask. */
type FactsInput =
  | { readonly namespace: string; readonly labels: () => Labels }
  | { readonly podNamespace: string; readonly pod: () => PodInput }
  | undefined;

function factsOf(inputs: readonly FactsInput[]): FileFacts {
  const asking = new Set<string>();
  const namespaceLabels = new Map<string, Labels>();
  for (const input of inputs) {
    if (!input) continue;
    if ('namespace' in input) {
      namespaceLabels.set(input.namespace, input.labels());
      continue;
    }
    // The pod asks, gets nothing in its namespace without labels, and would get one with istio-injection=enabled.
    const pod = input.pod();
    const name = input.podNamespace;
    if (!podAsksForSidecar(pod) || decideFromManifests({ name }, pod).injected) continue;
    if (decideFromManifests({ name, labels: { [InjectionLabel]: InjectionEnabled } }, pod).injected) asking.add(name);
  }
  return { namespacesAskingForSidecars: asking, namespaceLabels };
}

function offsetOf(file: ParsedFile, position: Range['start']): number {
  return (file.lineCounter.lineStarts[position.line] ?? 0) + position.character;
}
