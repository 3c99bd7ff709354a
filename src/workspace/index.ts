import { parseManifests } from '../yaml/parse';
import { TYPES } from './analyzer';
import { resourcesOf, textOfKinds, type WorkspaceResource } from './resource';

/** The kind of every type a cross-resource analyzer asks the index for. */
const READ_KINDS: ReadonlySet<string> = new Set(Object.values(TYPES).map((type) => type.slice(type.indexOf('/') + 1)));

/**
 * The resources of the workspace's YAML files, kept per file. Setting one file parses that file only; the others
 * keep their parsed documents, so re-analysis after an edit costs one parse plus the analyzers' walk over the index.
 * A document certainly of a kind no analyzer reads is not parsed (see `textOfKinds`).
 */
export class WorkspaceIndex {
  private readonly byFile = new Map<string, readonly WorkspaceResource[]>();
  private byType: Map<string, WorkspaceResource[]> | undefined;

  /** Parses `text` as the file `path` (added or changed). */
  setFile(path: string, text: string): void {
    this.byFile.set(path, resourcesOf(path, parseManifests(textOfKinds(text, READ_KINDS)), text));
    this.byType = undefined;
  }

  deleteFile(path: string): boolean {
    const had = this.byFile.delete(path);
    if (had) this.byType = undefined;
    return had;
  }

  /** Every file indexed, YAML or not Kubernetes at all. */
  files(): string[] {
    return [...this.byFile.keys()];
  }

  resourcesIn(path: string): readonly WorkspaceResource[] {
    return this.byFile.get(path) ?? [];
  }

  /** The resources of one type (`networking.istio.io/VirtualService`, `Service`), in file order. */
  ofType(type: string): readonly WorkspaceResource[] {
    if (!this.byType) {
      this.byType = new Map();
      for (const list of this.byFile.values()) {
        for (const r of list) {
          const same = this.byType.get(r.type);
          if (same) same.push(r);
          else this.byType.set(r.type, [r]);
        }
      }
    }
    return this.byType.get(type) ?? [];
  }
}
