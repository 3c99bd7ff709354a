import { Document } from 'yaml';
import { resourceType } from '../analyzers/analyzer';
import { Anchors, type MapRef } from '../yaml/nodes';
import { parseManifests } from '../yaml/parse';
import { Places } from '../yaml/places';
import { isEmptyDocument, splitDocuments, type Chunk } from '../yaml/chunks';
import { isTemplate, maskedPlainManifests, plainManifests, plainMapAt, plainStrings, type PlainManifest } from '../yaml/plain';
import { analysedNamespace, mayBeOfKinds, resourcesOf, textOfKinds, type LocatedResource, type ParsedResource, type WorkspaceResource } from './resource';

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
  // The parse of the document a finding is in, alone: its offsets and lines are the document's (`from`). A Helm
  // template is parsed whole: a conditional may span documents, and a fix is offered only outside one.
  const parsed = new Map<number, ParsedResource[]>();
  const whole = isTemplate(text);
  const parsedResources = (chunk: number) => {
    const key = whole ? -1 : chunk;
    let list = parsed.get(key);
    if (!list) {
      // A document parsed alone keeps the file's text as its resources' (not its file's: offsets are the document's).
      list = whole ? resourcesOf(path, parseManifests(textOfKinds(text, kinds)), text) : resourcesOf(path, parseManifests(chunks[chunk].text)).map((r) => ({ ...r, text }));
      parsed.set(key, list);
    }
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
    // Its yaml nodes are built when an analyzer first reads them: most resources are only looked up by name and labels.
    const places = new Places();
    const values = m.root;
    let root: MapRef | undefined;
    const rootRef = () => (root ??= { map: places.map(values), anchors: NO_ANCHORS, own: true });
    let located: LocatedResource | undefined;
    const locate = (): LocatedResource => {
      rootRef(); // its places, which the spans stand for
      const same = parsedResources(chunk).filter((r) => r.type === type && r.namespace === namespace && r.name === name)[occurrence];
      if (!same) throw new Error(`${path}: ${type} ${namespace}/${name}, read as plain values, is not in the file parsed with positions`);
      return { resource: same, span: ([from, to]) => [places.offset(from, same.root), places.offset(to, same.root)], ...(whole ? {} : { from: chunks[chunk] }) };
    };
    out.push({
      path, text, type, kind, namespace, name,
      get root() {
        return rootRef();
      },
      labels: plainStrings(plainMapAt(values, ['metadata', 'labels'])),
      annotations: plainStrings(plainMapAt(values, ['metadata', 'annotations'])),
      // The root is the document's first place: its start is placeholder 0.
      start: 0,
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
