import { resourceType } from '../analyzers/analyzer';
import { IgnoredNamespaces } from '../istio/names';
import type { Labels } from '../istio/selector';
import { splitDocuments, type Chunk } from '../yaml/chunks';
import { annotationsOf, labelsOf, rootOf } from '../yaml/kube';
import { entries, type MapRef } from '../yaml/nodes';
import type { ParsedFile, ParsedManifest } from '../yaml/parse';
import { maskTemplates } from '../yaml/template';
import { text } from '../analyzers/values';

/**
 * The namespace a resource without one is analysed in: `istioctl analyze` files them under its default namespace,
 * `default` (pkg/config/analysis/local/istiod_analyze.go, `--namespace` unset).
 */
const DEFAULT_NAMESPACE = 'default';

/**
 * One resource of the workspace, as the cross-resource analyzers read it: its values, and spans within them. A
 * resource read as plain values (see src/workspace/plainResources.ts) has spans that stand for places in its
 * document; `located` gives the resource parsed with positions, and turns its spans into offsets of that parse.
 */
export interface WorkspaceResource {
  /** The file that defines it (the index's key). */
  readonly path: string;
  /** That file's text. */
  readonly text: string;
  readonly root: MapRef;
  /** `Kind` or `group/Kind`, as `Resource.type` of the single-resource analyzers. */
  readonly type: string;
  readonly kind: string;
  /** The namespace Istio files it under: its own, else `default`; a Namespace's is its name. */
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
  /** Where its document starts (findings about the whole resource go there when it has no `metadata.name` entry). */
  readonly start: number;
  /** The resource parsed with positions (its file parsed once, when first asked), and its spans as offsets of it. */
  located(): LocatedResource;
}

/** A resource parsed with positions: its spans are offsets of `file`'s text. */
export interface ParsedResource extends WorkspaceResource {
  readonly file: ParsedFile;
  readonly manifest: ParsedManifest;
}

export interface LocatedResource {
  readonly resource: ParsedResource;
  /** A span the analyzers gave for the resource, as offsets of `resource.file`. */
  span(span: readonly [number, number]): [number, number];
  /**
   * Where `resource.file` starts in the file, when it is one document of it parsed alone (offsets and lines are then
   * relative to that document: a finding made from it is moved by `shiftFinding`).
   */
  readonly from?: Pick<Chunk, 'start' | 'line'>;
}

/**
 * The namespace Istio files a resource under: a Namespace's is its name; else its own, or `default`. Undefined for a
 * namespace Istio ignores where files are read (istiod_analyze.go:277-287 leaves them out: no analyzer sees them).
 */
export function analysedNamespace(kind: string, name: string, namespace: string | undefined): string | undefined {
  const ns = kind === 'Namespace' ? name : (namespace ?? DEFAULT_NAMESPACE);
  return IgnoredNamespaces.has(ns) ? undefined : ns;
}

/**
 * The resources a parsed file defines: named documents without syntax errors, outside the namespaces Istio ignores.
 * `text`: the file's own text, when what was parsed is `textOfKinds` of it (the same length, lines and offsets).
 */
export function resourcesOf(path: string, parsed: ParsedFile, text = parsed.text): ParsedResource[] {
  const file = text === parsed.text ? parsed : { ...parsed, text };
  const out: ParsedResource[] = [];
  for (const manifest of file.manifests) {
    const type = resourceType(manifest);
    const root = rootOf(manifest);
    if (type === undefined || manifest.kind === undefined || !root || manifest.name === undefined || manifest.hasErrors) continue;
    const namespace = analysedNamespace(manifest.kind, manifest.name, manifest.namespace);
    if (namespace === undefined) continue;
    const start = manifest.root?.range?.[0] ?? manifest.span[0];
    const resource: ParsedResource = {
      path, text, file, manifest, root, type, kind: manifest.kind, namespace, name: manifest.name, labels: stringMap(labelsOf(root)), annotations: stringMap(annotationsOf(root)), start,
      located: () => ({ resource, span: ([from, to]) => [from, to] }),
    };
    out.push(resource);
  }
  return out;
}

/**
 * `text` with every document that is certainly of none of `kinds` turned into comment lines of the same length
 * (offsets, lines and the other documents' `---` stay as they are), so that parsing it costs little more than
 * reading those lines. A Helm template is looked at with its actions masked, as it is parsed.
 */
export function textOfKinds(text: string, kinds: ReadonlySet<string>): string {
  let changed = false;
  const parts = splitDocuments(text).map((chunk) => {
    if (mayBeOfKinds(chunk.text, kinds)) return chunk.text;
    changed = true;
    return commentedOut(chunk.text);
  });
  return changed ? parts.join('') : text;
}

/** Each line of a text turned into a comment of the same length. */
function commentedOut(text: string): string {
  return text.replace(/[^\n]+/g, (line) => '#'.padEnd(line.length, ' '));
}

/**
 * Whether a document may be of one of `kinds`: false only when its kind is certain (see `rootKinds`) and none of
 * them. A Helm template is looked at with its actions masked, as it is parsed.
 */
export function mayBeOfKinds(text: string, kinds: ReadonlySet<string>): boolean {
  // A text without Helm actions is its own mask.
  const read = rootKinds(maskTemplates(text).text);
  return read === undefined || read.some((kind) => kinds.has(kind));
}

/** A line at column 0 that is not blank, a comment or a `---` alone. */
const ROOT_LINE = /^(?![ \t\r\n#]|---[ \t]*(?:#.*)?\r?$).+/gm;
/** A key of a block mapping at column 0 (a plain word), and its value when it is the `kind`: a word, maybe quoted. */
const ROOT_KEY = /^[A-Za-z][\w./-]*:(?:[ \t]|\r?$)/;
const KIND_LINE = /^kind:[ \t]+(["']?)([A-Za-z][A-Za-z0-9]*)\1[ \t]*(?:#.*)?\r?$/;

/**
 * The `kind` of each document of a chunk, told from its lines at column 0, or undefined when they do not tell it for
 * certain. Certain: every such line is a plain key of a block mapping (so the root is one, and a line at column 0 can
 * be no scalar's continuation), and a `kind:` line has a word for its value. Nothing else can give the root a kind.
 */
function rootKinds(text: string): string[] | undefined {
  const kinds: string[] = [];
  for (const [line] of text.matchAll(ROOT_LINE)) {
    if (!ROOT_KEY.test(line)) return undefined;
    if (!line.startsWith('kind:')) continue;
    const kind = KIND_LINE.exec(line);
    if (!kind) return undefined;
    kinds.push(kind[2]);
  }
  return kinds;
}

/** A mapping of strings (labels, annotations, selectors) as Kubernetes reads it; entries that are not scalars are left out. */
export function stringMap(ref: MapRef | undefined): Labels {
  const out: Record<string, string> = {};
  for (const e of entries(ref)) {
    const value = text(e.value);
    if (value !== undefined) out[e.key] = value;
  }
  return out;
}

/** `namespace/name`, Istio's resource.FullName.String(). */
export function fullName(r: Pick<WorkspaceResource, 'namespace' | 'name'>): string {
  return `${r.namespace}/${r.name}`;
}
