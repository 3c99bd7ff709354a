import { Document, isScalar, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { resourceType } from '../analyzers/analyzer';
import { isRecord } from '../util/objects';
import { annotationsOf, labelsOf } from '../yaml/kube';
import { Anchors, type MapRef } from '../yaml/nodes';
import { parseManifests } from '../yaml/parse';
import { isEmptyDocument, splitDocuments, type Chunk } from '../yaml/chunks';
import { isTemplate, maskedPlainManifests, plainManifests, type PlainManifest } from '../yaml/plain';
import { analysedNamespace, commentedOut, mayBeOfKinds, resourcesOf, stringMap, textOfKinds, type LocatedResource, type ParsedResource, type WorkspaceResource } from './resource';

/** No document read as plain values has an anchor or an alias (see `plainManifests`). */
const NO_ANCHORS = new Anchors(new Document());

/**
 * The resources of `types` a file defines, read as plain values; undefined when its documents are not certain to read
 * so (see `plainManifests`: anchors, tags…), and the caller parses it with positions.
 *
 * Parsing with positions was most of what analysing a file cost, and few files have a finding. So the analyzers read
 * these resources through yaml nodes built from the values, whose ranges hold placeholders in place of offsets: each
 * number stands for the start or the end of the node (or of an entry's key) at a path of the document. The spans the
 * analyzers give are made of them, and `located` turns them into offsets once the file is parsed with positions,
 * which happens only for a resource with a finding.
 */
export function plainResourcesOf(path: string, text: string, types: ReadonlySet<string>, kinds: ReadonlySet<string>): WorkspaceResource[] | undefined {
  const chunks = splitDocuments(text);
  const manifests = plainDocuments(chunks, kinds);
  if (!manifests) return undefined;
  // The parse of the document a finding is in: the others turned into comments, so that only it is parsed. A Helm
  // template is parsed whole: a conditional may span documents, and a fix is offered only outside one.
  const parsed = new Map<number, ParsedResource[]>();
  const whole = isTemplate(text);
  const parsedResources = (chunk: number) => {
    const key = whole ? -1 : chunk;
    let list = parsed.get(key);
    if (!list) parsed.set(key, (list = resourcesOf(path, parseManifests(whole ? textOfKinds(text, kinds) : onlyChunk(chunks, chunk)), text)));
    return list;
  };
  const seen = new Map<string, number>();
  const out: WorkspaceResource[] = [];
  for (const { chunk, manifest: m } of manifests) {
    const type = resourceType(m);
    const { kind, name } = m;
    if (type === undefined || !types.has(type) || kind === undefined || name === undefined || !m.root) continue;
    const namespace = analysedNamespace(kind, name, m.namespace);
    if (namespace === undefined) continue;
    // The parse lists the resources in the same order: this is the n-th of its type, namespace and name.
    const key = `${whole ? -1 : chunk}\0${type}\0${namespace}\0${name}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const places = new Places();
    const root: MapRef = { map: places.map(m.root), anchors: NO_ANCHORS, own: true };
    let located: LocatedResource | undefined;
    const locate = (): LocatedResource => {
      const same = parsedResources(chunk).filter((r) => r.type === type && r.namespace === namespace && r.name === name)[occurrence];
      if (!same) throw new Error(`${path}: ${type} ${namespace}/${name}, read as plain values, is not in the file parsed with positions`);
      return { resource: same, span: ([from, to]) => [places.offset(from, same.root), places.offset(to, same.root)] };
    };
    out.push({
      path, text, root, type, kind, namespace, name,
      labels: stringMap(labelsOf(root)),
      annotations: stringMap(annotationsOf(root)),
      // The root is the document's first place.
      start: root.map.range?.[0] ?? 0,
      located: () => (located ??= locate()),
    });
  }
  return out;
}

/**
 * The documents of the text that may be of `kinds`, as plain values, read document by document (a text ending in
 * `---`, with an empty document, is read as the others), Helm templates with their actions masked as the parse masks
 * them; undefined when one of them is not certain to read so.
 */
function plainDocuments(chunks: readonly Chunk[], kinds: ReadonlySet<string>): { chunk: number; manifest: PlainManifest }[] | undefined {
  const out: { chunk: number; manifest: PlainManifest }[] = [];
  for (let chunk = 0; chunk < chunks.length; chunk++) {
    const { text } = chunks[chunk];
    if (isEmptyDocument(text) || !mayBeOfKinds(text, kinds)) continue;
    const manifests = isTemplate(text) ? maskedPlainManifests(text) : plainManifests(text);
    if (!manifests) return undefined;
    for (const manifest of manifests) out.push({ chunk, manifest });
  }
  return out;
}

/** The text with every chunk but one turned into comment lines of the same length (offsets and lines kept). */
function onlyChunk(chunks: readonly Chunk[], keep: number): string {
  return chunks.map((c, i) => (i === keep ? c.text : commentedOut(c.text))).join('');
}

/**
 * The placeholders of one document: place `i` stands for the start (`2i`) or the end (`2i + 1`) of the node (or of
 * the entry's key) it names by its parent's place and one step, a key or an index (place 0 is the root).
 */
class Places {
  private readonly steps: (string | number)[] = [];
  private readonly parents: number[] = [];
  private readonly keys: boolean[] = [];

  map(value: Record<string, unknown>, parent = -1, step: string | number = ''): YAMLMap {
    const map = new YAMLMap();
    const at = this.add(parent, step, false);
    map.range = range(at);
    for (const [k, v] of Object.entries(value)) {
      const key = new Scalar(k);
      key.range = range(this.add(at, k, true));
      map.items.push(new Pair(key, this.node(v, at, k)));
    }
    return map;
  }

  /** The offset a placeholder stands for in the same document parsed with positions (`root`). */
  offset(placeholder: number, root: MapRef): number {
    const place = placeholder >> 1;
    if (place >= this.steps.length) throw new Error(`${placeholder} is no placeholder of this document`);
    const path: (string | number)[] = [];
    for (let p = place; p > 0; p = this.parents[p]) path.unshift(this.steps[p]);
    let at: unknown = root.map;
    let key: Scalar | undefined;
    for (const step of path) {
      if (typeof step === 'number') at = at instanceof YAMLSeq ? at.items[step] : undefined;
      else {
        const pair = at instanceof YAMLMap ? (at.items as Pair[]).find((p) => isScalar(p.key) && p.key.value === step) : undefined;
        key = pair?.key as Scalar | undefined;
        at = pair?.value;
      }
    }
    const node = this.keys[place] ? key : (at as Node | undefined);
    const found = node?.range;
    if (!found) throw new Error(`no place at ${path.join('.')} in the document parsed with positions`);
    return placeholder & 1 ? found[1] : found[0];
  }

  private node(value: unknown, parent: number, step: string | number): Node {
    if (isRecord(value)) return this.map(value, parent, step);
    const at = this.add(parent, step, false);
    if (Array.isArray(value)) {
      const seq = new YAMLSeq();
      seq.range = range(at);
      value.forEach((item, i) => seq.items.push(this.node(item, at, i)));
      return seq;
    }
    const scalar = new Scalar(value);
    scalar.range = range(at);
    return scalar;
  }

  private add(parent: number, step: string | number, key: boolean): number {
    this.parents.push(parent);
    this.keys.push(key);
    return this.steps.push(step) - 1;
  }
}

/** The placeholders of place `i`: its start and its end. */
function range(i: number): [number, number, number] {
  return [2 * i, 2 * i + 1, 2 * i + 1];
}
