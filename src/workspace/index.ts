import { parseManifests } from '../yaml/parse';
import { TYPES } from './analyzer';
import { plainResourcesOf } from './plainResources';
import { resourcesOf, textOfKinds, type WorkspaceResource } from './resource';

/** Every type a cross-resource analyzer asks the index for, and their kinds. */
export const READ_TYPES: ReadonlySet<string> = new Set(Object.values(TYPES));
export const READ_KINDS: ReadonlySet<string> = new Set([...READ_TYPES].map((type) => type.slice(type.indexOf('/') + 1)));

/**
 * The resources of the workspace's YAML files, kept per file. Setting one file reads that file only; the others
 * keep theirs, so re-analysis after an edit costs one read plus the analyzers' walk over the index. A file is read as
 * plain values where that is certain, and parsed with positions only for a finding (see `plainResourcesOf`); else it
 * is parsed, leaving out the documents certainly of a kind no analyzer reads (see `textOfKinds`).
 */
export class WorkspaceIndex {
  private readonly byFile = new Map<string, readonly WorkspaceResource[]>();
  private byType: Map<string, WorkspaceResource[]> | undefined;

  /** `plain: false` parses every file with positions (the tests compare the two ways). */
  constructor(private readonly options: { readonly plain?: boolean } = {}) {}

  /** Reads `text` as the file `path` (added or changed). */
  setFile(path: string, text: string): void {
    const plain = this.options.plain === false ? undefined : plainResourcesOf(path, text, READ_TYPES, READ_KINDS);
    this.byFile.set(path, plain ?? resourcesOf(path, parseManifests(textOfKinds(text, READ_KINDS)), text).filter((r) => READ_TYPES.has(r.type)));
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
