import { ClusterError } from '../../../src/cluster/errors';
import type { UnstructuredObject } from '../../../src/cluster/types';
import type { InstallCluster, ListQuery } from '../../../src/install/installCluster';

/** The label selector forms the install flow sends: `k`, `k=v` and `k in (a,b)`, comma-separated. */
function selectorTerms(selector: string): string[] {
  return selector.match(/[^,(]+(\([^)]*\))?/g)?.map((t) => t.trim()) ?? [];
}

function matches(term: string, labels: Record<string, string>): boolean {
  const set = /^(\S+)\s+in\s+\(([^)]*)\)$/.exec(term);
  if (set) return set[2].split(',').map((v) => v.trim()).includes(labels[set[1]]);
  const [k, v] = term.split('=');
  return v === undefined ? k in labels : labels[k] === v;
}

/** An in-memory cluster that records writes; enough to drive the flow's decisions. */
export class MemoryCluster implements InstallCluster {
  constructor(readonly context: string = 'memory') {}
  objects: UnstructuredObject[] = [];
  applied: string[] = [];
  deleted: string[] = [];
  denied = new Set<string>();
  /** Kinds whose list answers 403. */
  forbiddenLists = new Set<string>();
  /** Deleted objects the "garbage collector" still holds: reads left before each is gone (Infinity: stuck). */
  terminating = new Map<UnstructuredObject, number>();
  /** Marks objects as deleted as istioctl does: still there, with a deletionTimestamp, for `reads` more gets. */
  deleteLater(objects: readonly UnstructuredObject[], reads: number) {
    for (const o of objects) {
      o.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
      this.terminating.set(o, reads);
    }
  }
  gitVersion = 'v1.34.1';
  async version() {
    return { gitVersion: this.gitVersion };
  }
  async canI(_verb: string, r: { group?: string; resource: string }) {
    return !this.denied.has(r.resource);
  }
  async apply(object: UnstructuredObject) {
    this.applied.push(`${object.kind}/${object.metadata.name}`);
    this.objects = this.objects.filter((o) => !(o.kind === object.kind && o.metadata.name === object.metadata.name));
    this.objects.push(object);
  }
  async list(_apiVersion: string, kind: string, query: ListQuery = {}) {
    if (this.forbiddenLists.has(kind)) throw new ClusterError('forbidden', `You may not list ${kind} (cluster-wide).`, { status: 403 });
    return this.objects.filter((o) => {
      if (o.kind !== kind) return false;
      if (query.namespace && o.metadata.namespace !== query.namespace) return false;
      if (!query.labelSelector) return true;
      return selectorTerms(query.labelSelector).every((term) => matches(term, o.metadata.labels ?? {}));
    });
  }
  async get(_apiVersion: string, kind: string, name: string) {
    const found = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    const left = found && this.terminating.get(found);
    if (found && left !== undefined) {
      if (left <= 0) {
        this.objects = this.objects.filter((o) => o !== found);
        this.terminating.delete(found);
        return undefined;
      }
      this.terminating.set(found, left - 1);
    }
    return found;
  }
  async delete(_apiVersion: string, kind: string, name: string) {
    const before = this.objects.length;
    this.objects = this.objects.filter((o) => !(o.kind === kind && o.metadata.name === name));
    this.deleted.push(`${kind}/${name}`);
    return this.objects.length < before;
  }
}
