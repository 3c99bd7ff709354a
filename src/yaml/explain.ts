/**
 * "Will this pod get a sidecar, and why?" for the workloads, Pods and Namespaces of YAML files: the `explain` command
 * line, the editor's hovers and CodeLenses. The decision is the engine's (src/istio/injection.ts); this module finds
 * the pod template and the namespace's labels in the files, and says where they came from. Pure: no I/O.
 */
import type { Node } from 'yaml';
import {
  type InjectionDecision,
  type Labels,
  type MeshFacts,
  type NamespaceInput,
  type PodInput,
  assumeNamedRevisions,
  decideInjection,
  manifestMeshFacts,
  namespaceInjection,
} from '../istio/injection';
import { DataplaneModeLabel, InjectionLabel, NativeSidecarAnnotation, RevisionLabel, SidecarInjectAnnotation, SidecarInjectLabel } from '../istio/names';
import { code, namespaceVerdictLine, verdictEvidence, verdictLine } from '../istio/verdict';
import { annotationsOf, isNamespace, isPod, labelsOf, metadataOf, onHostNetwork, podHolder, rootOf } from './kube';
import { entries, entry, entrySpan, scalarValue, type Entry, type MapRef } from './nodes';
import type { ParsedFile, ParsedManifest } from './parse';
import { touchesMasked } from './template';

/** The kinds whose pods `explain` answers for: each has a pod template (CronJob one level deeper), or is a Pod. */
export const EXPLAINED_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod'];

/** [start, end) offsets in the file's text. */
export type Span = readonly [number, number];

interface Subject {
  readonly kind: string;
  readonly name: string;
  /** Where a hover answers: the `kind` and `metadata.name` entries, and the injection labels. */
  readonly anchors: readonly Span[];
  /** The start of the document's root mapping (a CodeLens goes on its line). */
  readonly start: number;
  /** Helm actions (`{{ }}`) write some of the labels or annotations read: what they render is unknown here. */
  readonly templated?: boolean;
}

export interface WorkloadDoc extends Subject {
  /** `metadata.namespace` as written; absent means the namespace kubectl applies it to. */
  readonly namespace: string | undefined;
  readonly pod: PodInput;
}

export interface NamespaceDoc extends Subject {
  readonly labels: Labels;
}

/** Labels and annotations the decision reads; merged in through `<<` they count too (as Kubernetes reads them). */
const INJECTION_KEYS = [InjectionLabel, RevisionLabel, DataplaneModeLabel, SidecarInjectLabel, NativeSidecarAnnotation];

/**
 * A label map as the decision reads it. A value that is not a string (a bare `true`) is taken as its text: the API
 * server rejects such a manifest, and the `inject-label-type` rule says so.
 */
function stringMap(ref: MapRef | undefined, masked: ParsedFile['masked']): Labels {
  const out: Record<string, string> = {};
  const text = (node: Node | undefined) => {
    const value = scalarValue(node);
    return value === null || value === undefined ? '' : String(value);
  };
  // An entry a Helm action writes is left out: its rendered key or value is unknown.
  const known = (e: Entry) => masked.length === 0 || !touchesMasked(masked, ...entrySpan(e));
  for (const e of entries(ref)) if (known(e)) out[e.key] = text(e.value);
  for (const key of INJECTION_KEYS) {
    const merged = out[key] === undefined ? entry(ref, key) : undefined;
    if (merged && known(merged)) out[key] = text(merged.value);
  }
  return out;
}

/** Whether Helm actions write into any of these maps (a masked `include` line leaves no entry behind). */
function templatedMaps(masked: ParsedFile['masked'], ...refs: (MapRef | undefined)[]): boolean {
  return masked.length > 0 && refs.some((ref) => {
    const range = ref?.map.range;
    return range ? touchesMasked(masked, range[0], range[1]) : false;
  });
}

/** The spans of the given keys' entries written in the map (a merged one at its `<<`). */
function keySpans(ref: MapRef | undefined, keys: readonly string[]): Span[] {
  return keys.flatMap((k) => {
    const e = entry(ref, k);
    return e ? [entrySpan(e)] : [];
  });
}

function subjectOf(m: ParsedManifest, root: MapRef, extra: Span[]): Subject | undefined {
  if (m.kind === undefined || m.name === undefined) return undefined;
  const anchors = [...keySpans(root, ['kind']), ...keySpans(metadataOf(root), ['name']), ...extra];
  return { kind: m.kind, name: m.name, anchors, start: root.map.range?.[0] ?? m.span[0] };
}

/** The workloads (and Pods) and the Namespaces of a file, each in order. */
export interface Subjects {
  readonly workloads: readonly WorkloadDoc[];
  readonly namespaces: readonly NamespaceDoc[];
}

/** The workloads, Pods and Namespaces of a parsed file, in order. */
export function subjectsOf(file: ParsedFile): Subjects {
  const workloads: WorkloadDoc[] = [];
  const namespaces: NamespaceDoc[] = [];
  for (const m of file.manifests) {
    const root = rootOf(m);
    if (!root || m.hasErrors) continue;
    if (isNamespace(m)) {
      const labels = labelsOf(root);
      const subject = subjectOf(m, root, keySpans(labels, [InjectionLabel, RevisionLabel, DataplaneModeLabel]));
      if (subject) namespaces.push({ ...subject, labels: stringMap(labels, file.masked), ...(templatedMaps(file.masked, labels) ? { templated: true } : {}) });
    } else if (m.kind !== undefined && EXPLAINED_KINDS.includes(m.kind) && (m.kind !== 'Pod' || isPod(m))) {
      const holder = podHolder(m, root);
      const labels = labelsOf(holder);
      const annotations = annotationsOf(holder);
      const subject = subjectOf(m, root, [...keySpans(labels, [SidecarInjectLabel, RevisionLabel, DataplaneModeLabel]), ...keySpans(annotations, [SidecarInjectAnnotation])]);
      if (!subject) continue;
      const pod: PodInput = { labels: stringMap(labels, file.masked), annotations: stringMap(annotations, file.masked), hostNetwork: onHostNetwork(holder) };
      workloads.push({ ...subject, namespace: m.namespace, pod, ...(templatedMaps(file.masked, labels, annotations) ? { templated: true } : {}) });
    }
  }
  return { workloads, namespaces };
}

/** A Namespace document somewhere in the files, for the workloads of other files. */
export interface KnownNamespace {
  readonly name: string;
  readonly labels: Labels;
  /** A path or URI, with `/` (or `\`) between folders. */
  readonly file: string;
}

/** Where the namespace's labels came from, in words, and the labels (none when not found). */
export interface NamespaceSource {
  readonly labels: Labels;
  readonly found: boolean;
  readonly where: string;
}

const folderOf = (file: string) => file.slice(0, Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
const baseName = (file: string) => file.slice(folderOf(file).length);

/** The namespace's Namespace document: in the same file, else in the same folder, else in any other file. */
export function findNamespace(name: string, file: string, known: readonly KnownNamespace[]): NamespaceSource {
  const same = known.find((n) => n.name === name && n.file === file);
  if (same) return { labels: same.labels, found: true, where: 'the Namespace document in this file' };
  const folder = known.find((n) => n.name === name && folderOf(n.file) === folderOf(file));
  if (folder) return { labels: folder.labels, found: true, where: `the Namespace document in ${code(baseName(folder.file))} (same folder)` };
  const other = known.find((n) => n.name === name);
  if (other) return { labels: other.labels, found: true, where: `the Namespace document in ${code(other.file)}` };
  return { labels: {}, found: false, where: 'namespace not found in the files: assuming no labels' };
}

/** The cluster, when connected: its webhooks, and its namespaces' labels. */
export interface LiveCluster {
  readonly context: string;
  readonly mesh: MeshFacts;
  /** The live namespace's labels, undefined when the cluster has no such namespace. */
  namespaceLabels(name: string): Labels | undefined;
}

/** What the hover, the CodeLens, the tree and the command line show. */
export interface Explanation {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly decision: InjectionDecision;
  /** "will get a sidecar from istiod `x` (…)" / "will not: …". */
  readonly verdict: string;
  readonly evidence: readonly string[];
}

/** The namespace kubectl applies a manifest without `metadata.namespace` to, assumed offline. */
const DEFAULT_NAMESPACE = 'default';

/** The namespace's labels: live when connected and the cluster has it, else from the files. */
function namespaceFor(name: string, file: string, known: readonly KnownNamespace[], live: LiveCluster | undefined): NamespaceSource {
  const labels = live?.namespaceLabels(name);
  if (labels) return { labels, found: true, where: `live, from context ${code(live!.context)}` };
  const source = findNamespace(name, file, known);
  return live ? { ...source, where: `${source.where} (not in context ${code(live.context)})` } : source;
}

/** Mesh facts by the revisions the labels name: a file's workloads share a few, and building them costs more than deciding. */
export type FactsMemo = Map<string, MeshFacts>;

/**
 * The decision against the cluster's webhooks (assumed ones also serving the namespace's revision, as the Mesh view
 * does), or offline against the chart's for the default revision and the revisions the labels name (`decideFromManifests`).
 */
function decide(ns: NamespaceInput, pod: PodInput, live: LiveCluster | undefined, memo: FactsMemo): InjectionDecision {
  const named = live ? [ns.labels?.[RevisionLabel]] : [ns.labels?.[RevisionLabel], pod.labels?.[RevisionLabel]];
  const key = JSON.stringify(named);
  let mesh = memo.get(key);
  if (!mesh) {
    mesh = live ? assumeNamedRevisions(live.mesh, named) : manifestMeshFacts({}, named);
    memo.set(key, mesh);
  }
  return decideInjection(ns, pod, mesh);
}

/** The verdict for a workload's (or Pod's) pods. Pass one `memo` for the workloads of one file, with the same `live`. */
export function explainWorkload(w: WorkloadDoc, file: string, known: readonly KnownNamespace[], live?: LiveCluster, memo: FactsMemo = new Map()): Explanation {
  const namespace = w.namespace ?? DEFAULT_NAMESPACE;
  const source = namespaceFor(namespace, file, known, live);
  const decision = decide({ name: namespace, labels: source.labels }, w.pod, live, memo);
  const where = w.namespace === undefined ? `${source.where}; no metadata.namespace, so ${code(DEFAULT_NAMESPACE)} is assumed` : source.where;
  return { kind: w.kind, name: w.name, namespace, decision, verdict: verdictLine(decision), evidence: [...verdictEvidence(decision, { namespace: where }), ...templatedNote(w)] };
}

/** The verdict for a pod created in a Namespace document's namespace (with its own labels, live webhooks when connected). */
export function explainNamespace(n: NamespaceDoc, live?: LiveCluster): Explanation {
  const ns = { name: n.name, labels: n.labels };
  const mesh = live ? assumeNamedRevisions(live.mesh, [n.labels[RevisionLabel]]) : manifestMeshFacts({}, [n.labels[RevisionLabel]]);
  const injection = namespaceInjection(ns, mesh);
  return {
    kind: n.kind, name: n.name, namespace: n.name, decision: injection.plain,
    verdict: namespaceVerdictLine(injection),
    evidence: [...verdictEvidence(injection.plain, { namespace: 'this document' }), ...templatedNote(n)],
  };
}

function templatedNote(s: Subject): string[] {
  return s.templated ? ['⚠ Helm actions write some of these labels or annotations: what they render is unknown, and read here as absent.'] : [];
}

/** Every Namespace document of a file, for `KnownNamespace` lists. */
export function knownNamespaces(subjects: Pick<Subjects, 'namespaces'>, path: string): KnownNamespace[] {
  return subjects.namespaces.map((n) => ({ name: n.name, labels: n.labels, file: path }));
}

/** The subject of a verdict line: "Pods of Deployment `shop/web`", "Pod `shop/a`", "New pods in namespace `shop`". */
export function subjectText(e: Pick<Explanation, 'kind' | 'name' | 'namespace'>): string {
  if (e.kind === 'Namespace') return `New pods in namespace ${code(e.name)}`;
  if (e.kind === 'Pod') return `Pod ${code(`${e.namespace}/${e.name}`)}`;
  return `Pods of ${e.kind} ${code(`${e.namespace}/${e.name}`)}`;
}

/** A verdict with where it shows in its document. */
export interface PlacedExplanation extends Explanation {
  readonly anchors: readonly Span[];
  readonly start: number;
}

/** The verdict for the Namespace, workload or Pod whose `kind`, name or injection label holds `offset`. */
export function explainAt(subjects: Subjects, offset: number, path: string, known: readonly KnownNamespace[], live?: LiveCluster): PlacedExplanation | undefined {
  const { workloads, namespaces } = subjects;
  const hit = (s: Subject) => s.anchors.some(([start, end]) => start <= offset && offset <= end);
  const n = namespaces.find(hit);
  if (n) return { ...explainNamespace(n, live), anchors: n.anchors, start: n.start };
  const w = workloads.find(hit);
  return w && { ...explainWorkload(w, path, known, live), anchors: w.anchors, start: w.start };
}

/** The verdict of every workload and Pod of a file, for CodeLenses. */
export function explainWorkloads(subjects: Subjects, path: string, known: readonly KnownNamespace[], live?: LiveCluster): PlacedExplanation[] {
  const memo: FactsMemo = new Map();
  return subjects.workloads.map((w) => ({ ...explainWorkload(w, path, known, live, memo), anchors: w.anchors, start: w.start }));
}

/** The hover: the verdict in bold, the evidence as a list, and whether it was decided offline or against the cluster. */
export function verdictMarkdown(e: Explanation, live: LiveCluster | undefined): string {
  const [head, ...rest] = e.verdict.split(/^(will get a sidecar|will not)/).filter(Boolean);
  const mode = live ? `Connected to context ${code(live.context)}: live namespace labels and webhooks.` : 'Offline: decided from the YAML files and Istio\'s chart webhooks.';
  return [
    `**Istio sidecar** — ${subjectText(e)} **${head}**${rest.join('')}`,
    e.evidence.map((line) => `- ${line}`).join('\n'),
    `_${mode}_`,
  ].join('\n\n');
}

/** The CodeLens title: the verdict on one line, without Markdown. */
export function verdictLensTitle(e: Explanation): string {
  return `Istio: ${e.verdict.replace(/`/g, '')}`;
}
