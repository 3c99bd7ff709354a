import { splitDocuments } from './chunks';
import { subjectsOf, type NamespaceDoc, type Span, type Subjects, type WorkloadDoc } from './explain';
import { parseManifests } from './parse';

/**
 * The subjects of a text document by document, each document's kept while its text is unchanged: hovers and
 * CodeLenses ask on every edit, and after an edit only the edited document is parsed again (as the YAML checks do,
 * see `splitDocuments`). Offsets are the file's. Results equal `subjectsOf(parseManifests(text))` (a property test
 * checks it).
 */
export class SubjectCache {
  private readonly files = new Map<string, Map<string, Subjects>>();

  subjects(key: string, text: string): Subjects {
    const last = this.files.get(key);
    const next = new Map<string, Subjects>();
    const workloads: WorkloadDoc[] = [];
    const namespaces: NamespaceDoc[] = [];
    for (const chunk of splitDocuments(text)) {
      const own = next.get(chunk.text) ?? last?.get(chunk.text) ?? subjectsOf(parseManifests(chunk.text));
      next.set(chunk.text, own);
      workloads.push(...own.workloads.map((w) => shifted(w, chunk.start)));
      namespaces.push(...own.namespaces.map((n) => shifted(n, chunk.start)));
    }
    this.files.set(key, next);
    return { workloads, namespaces };
  }

  forget(key: string): void {
    this.files.delete(key);
  }
}

function shifted<T extends { readonly anchors: readonly Span[]; readonly start: number }>(subject: T, by: number): T {
  if (by === 0) return subject;
  return { ...subject, start: subject.start + by, anchors: subject.anchors.map(([s, e]) => [s + by, e + by] as const) };
}
