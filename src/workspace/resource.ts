import { resourceType } from '../analyzers/analyzer';
import { IgnoredNamespaces } from '../istio/names';
import type { Labels } from '../istio/selector';
import { splitDocuments } from '../yaml/chunks';
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

/** One resource of the workspace, as the cross-resource analyzers read it, with its document for exact ranges. */
export interface WorkspaceResource {
  /** The file that defines it (the index's key). */
  readonly path: string;
  readonly file: ParsedFile;
  readonly manifest: ParsedManifest;
  readonly root: MapRef;
  /** `Kind` or `group/Kind`, as `Resource.type` of the single-resource analyzers. */
  readonly type: string;
  readonly kind: string;
  /** The namespace Istio files it under: its own, else `default`; a Namespace's is its name. */
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly annotations: Labels;
}

/**
 * The resources a parsed file defines: named documents without syntax errors, outside the namespaces Istio ignores.
 * `text`: the file's own text, when what was parsed is `textOfKinds` of it (the same length, lines and offsets).
 */
export function resourcesOf(path: string, parsed: ParsedFile, text = parsed.text): WorkspaceResource[] {
  const file = text === parsed.text ? parsed : { ...parsed, text };
  const out: WorkspaceResource[] = [];
  for (const manifest of file.manifests) {
    const type = resourceType(manifest);
    const root = rootOf(manifest);
    if (type === undefined || manifest.kind === undefined || !root || manifest.name === undefined || manifest.hasErrors) continue;
    const namespace = manifest.kind === 'Namespace' ? manifest.name : (manifest.namespace ?? DEFAULT_NAMESPACE);
    // istiod_analyze.go:277-287 leaves these out where files are read: no analyzer sees them.
    if (IgnoredNamespaces.has(namespace)) continue;
    out.push({ path, file, manifest, root, type, kind: manifest.kind, namespace, name: manifest.name, labels: stringMap(labelsOf(root)), annotations: stringMap(annotationsOf(root)) });
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
    // A text without Helm actions is its own mask.
    const read = rootKinds(maskTemplates(chunk.text).text);
    if (read === undefined || read.some((kind) => kinds.has(kind))) return chunk.text;
    changed = true;
    return chunk.text.replace(/[^\n]+/g, (line) => '#'.padEnd(line.length, ' '));
  });
  return changed ? parts.join('') : text;
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
