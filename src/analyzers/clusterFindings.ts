/**
 * Where `istioctl analyze`'s messages about cluster objects go in a workspace file: the objects a YAML text defines,
 * the findings on their names, and the offline analyzers' findings winning over the same code on the same object
 * (they come with quick fixes and follow the text as it is typed).
 */
import { metadataOf, rootOf } from '../yaml/kube';
import { entry, valueSpan } from '../yaml/nodes';
import { parseManifests, rangeOf } from '../yaml/parse';
import type { Finding, Position, Range } from '../yaml/types';
import { objectKey, type ClusterMessage, type ObjectRef } from './clusterAnalysis';

/** An object a file defines: its name as the cluster would know it, the range of its name, the range of its document. */
export interface LocatedObject {
  readonly ref: ObjectRef;
  /** `metadata.name`'s value: where the finding goes. */
  readonly range: Range;
  readonly document: Range;
}

/**
 * The objects of a YAML text. A document without `metadata.namespace` is where `kubectl apply` would put it: the
 * context's namespace (`defaultNamespace`); for a cluster-scoped kind the namespace is ignored when matching.
 */
export function locateObjects(text: string, defaultNamespace: string): LocatedObject[] {
  const file = parseManifests(text);
  return file.manifests.flatMap((m): LocatedObject[] => {
    if (m.kind === undefined || m.name === undefined) return [];
    const name = entry(metadataOf(rootOf(m)), 'name');
    const [start, end] = name ? valueSpan(name) : m.span;
    return [{
      ref: { kind: m.kind, namespace: m.namespace ?? defaultNamespace, name: m.name },
      range: rangeOf(file, start, end),
      document: rangeOf(file, m.span[0], m.span[1]),
    }];
  });
}

/** istioctl names a cluster-scoped object without a namespace; a file may still give it one (ignored by the API). */
function sameObject(message: ObjectRef, located: ObjectRef): boolean {
  return message.kind === located.kind && message.name === located.name && (message.namespace === '' || message.namespace === located.namespace);
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

function inside(p: Position, r: Range): boolean {
  return !before(p, r.start) && before(p, r.end);
}

/** An offline finding that says what `code` says, on the object whose document is `document`. */
function reportedOffline(code: string, document: Range, offline: readonly Finding[]): boolean {
  return offline.some((f) => (f.code === code || f.istio === code) && inside(f.range.start, document));
}

export interface FileFindings {
  /** The cluster's messages about objects of the file, each on the object's name. */
  readonly findings: Finding[];
  /** The messages left out because an offline analyzer reports the same code on the same object of the file. */
  readonly reportedOffline: ClusterMessage[];
}

/**
 * The cluster's messages about objects this file defines, each on the object's name, minus those an offline analyzer
 * already reports on the same object (the offline finding stays: it has the quick fixes). A message about an object
 * the file defines twice goes on the first.
 */
export function clusterFindingsForFile(messages: readonly ClusterMessage[], objects: readonly LocatedObject[], offline: readonly Finding[]): FileFindings {
  const result: FileFindings = { findings: [], reportedOffline: [] };
  for (const message of messages) {
    const about = message.object;
    const located = about && objects.find((o) => sameObject(about, o.ref));
    if (!located) continue;
    if (reportedOffline(message.code, located.document, offline)) result.reportedOffline.push(message);
    else result.findings.push({ range: located.range, code: message.code, severity: message.severity, message: message.message });
  }
  return result;
}

/** The objects the messages are about, each once, in the order of their first message. */
export function messagedObjects(messages: readonly ClusterMessage[]): ObjectRef[] {
  const seen = new Map<string, ObjectRef>();
  for (const m of messages) if (m.object && !seen.has(objectKey(m.object))) seen.set(objectKey(m.object), m.object);
  return [...seen.values()];
}

/** The messages about one object. */
export function messagesAbout(messages: readonly ClusterMessage[], ref: ObjectRef): ClusterMessage[] {
  const key = objectKey(ref);
  return messages.filter((m) => m.object !== undefined && objectKey(m.object) === key);
}
