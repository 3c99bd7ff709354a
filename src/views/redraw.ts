// Which rows of the Mesh tree a change redraws. Pure (no `vscode`), so the tests count the redraws.
import type { RolloutTracker } from '../injection/tracker';
import { workloadKey } from '../injection/workloads';
import type { NamespaceModel, WorkloadModel } from '../mesh/model';
import { rolloutView } from './nodes/rollout';

/** Makes the tree's node objects and gives them their next model; the tree hands VS Code these same objects again. */
export interface MeshNodeFactory<NS, WL> {
  namespace(model: NamespaceModel): NS;
  setNamespace(node: NS, model: NamespaceModel): void;
  workload(model: WorkloadModel): WL;
  setWorkload(node: WL, model: WorkloadModel): void;
}

/** The rows to redraw: `all` the whole tree, else the group of namespaces or single rows (with what is under them). */
export type Redraw<NS, WL> = 'all' | { group: boolean; namespaces: NS[]; workloads: WL[] };

interface WorkloadEntry<WL> {
  node: WL;
  face: string;
  pods: string;
  /** VS Code asked for its pods since it was last redrawn: they may be on screen. */
  childrenShown: boolean;
}

interface NamespaceEntry<NS, WL> {
  node: NS;
  face: string;
  /** The keys of its workloads and its other pods, in order: a new or gone row redraws the namespace. */
  rows: string;
  childrenShown: boolean;
  workloads: Map<string, WorkloadEntry<WL>>;
}

/**
 * One node object per namespace and workload, kept across changes: VS Code redraws a row when given the very object
 * it received, and keeps its expansion. For a change it compares what each row shows (its "face") with what it showed:
 * only rows that look different are redrawn, and rows under a collapsed node are neither compared nor rebuilt.
 */
export class MeshNodes<NS, WL> {
  private readonly entries = new Map<string, NamespaceEntry<NS, WL>>();
  private readonly byWorkloadNode = new Map<WL, WorkloadEntry<WL>>();
  private groupFace: string | undefined;

  constructor(private readonly factory: MeshNodeFactory<NS, WL>, private readonly rollouts: RolloutTracker) {}

  /** The namespace rows, for the group's children. */
  namespaces(models: readonly NamespaceModel[]): NS[] {
    const seen = new Set<string>();
    const nodes = models.map((m) => {
      seen.add(m.name);
      return this.namespaceEntry(m, true).node;
    });
    for (const name of this.entries.keys()) if (!seen.has(name)) this.forget(name);
    this.groupFace = groupFace(models);
    return nodes;
  }

  /** The node of a namespace, the one the tree shows (for commands). */
  namespace(model: NamespaceModel): NS {
    return this.namespaceEntry(model, false).node;
  }

  /** The workload rows of a namespace, for its children. */
  workloads(model: NamespaceModel): WL[] {
    const entry = this.namespaceEntry(model, false);
    entry.childrenShown = true;
    entry.rows = rowsKey(model);
    const seen = new Set<string>();
    const nodes = model.workloads.map((w) => {
      const key = workloadKey(w);
      seen.add(key);
      let wl = entry.workloads.get(key);
      if (!wl) {
        wl = { node: this.factory.workload(w), face: '', pods: '', childrenShown: false };
        entry.workloads.set(key, wl);
        this.byWorkloadNode.set(wl.node, wl);
      } else this.factory.setWorkload(wl.node, w);
      wl.face = this.workloadFace(w);
      wl.pods = podsKey(w);
      return wl.node;
    });
    for (const [key, wl] of entry.workloads) {
      if (seen.has(key)) continue;
      entry.workloads.delete(key);
      this.byWorkloadNode.delete(wl.node);
    }
    return nodes;
  }

  /** VS Code asked for a workload's pods. */
  podsShown(node: WL): void {
    const wl = this.byWorkloadNode.get(node);
    if (wl) wl.childrenShown = true;
  }

  /** Forgets every node (another cluster): the next change redraws everything. */
  clear(): void {
    this.entries.clear();
    this.byWorkloadNode.clear();
    this.groupFace = undefined;
  }

  /**
   * The rows a change of these namespaces redraws; `read` gives a namespace's model now (built on demand by the store,
   * so a namespace nobody sees is not built). Nodes get their new models.
   */
  redraw(namespaces: ReadonlySet<string> | 'all', read: (name: string) => NamespaceModel | undefined, list: () => readonly NamespaceModel[]): Redraw<NS, WL> {
    if (namespaces === 'all') return 'all';
    const result = { group: false, namespaces: [] as NS[], workloads: [] as WL[] };
    if (this.groupFace === undefined) return result; // the namespaces were never shown
    for (const name of namespaces) {
      const entry = this.entries.get(name);
      const model = read(name);
      if (!entry || !model) {
        // A namespace came or went.
        result.group = true;
        continue;
      }
      this.factory.setNamespace(entry.node, model);
      const face = this.namespaceFace(model);
      if (face !== entry.face) {
        entry.face = face;
        this.redrawn(entry);
        result.namespaces.push(entry.node);
      } else if (entry.childrenShown) {
        if (rowsKey(model) !== entry.rows) {
          this.redrawn(entry);
          result.namespaces.push(entry.node);
        } else result.workloads.push(...this.changedWorkloads(entry, model));
      }
    }
    // The group's description counts the namespaces in the mesh: one that joined or left redraws the group.
    if (!result.group && result.namespaces.length > 0 && groupFace(list()) !== this.groupFace) result.group = true;
    return result.group ? { group: true, namespaces: [], workloads: [] } : result;
  }

  private changedWorkloads(entry: NamespaceEntry<NS, WL>, model: NamespaceModel): WL[] {
    const changed: WL[] = [];
    for (const w of model.workloads) {
      const wl = entry.workloads.get(workloadKey(w))!;
      this.factory.setWorkload(wl.node, w);
      const face = this.workloadFace(w);
      const pods = wl.childrenShown ? podsKey(w) : wl.pods;
      if (face === wl.face && pods === wl.pods) continue;
      wl.face = face;
      wl.pods = podsKey(w);
      wl.childrenShown = false;
      changed.push(wl.node);
    }
    return changed;
  }

  /** VS Code drops the children of a redrawn row and asks again if it is expanded. */
  private redrawn(entry: NamespaceEntry<NS, WL>): void {
    entry.childrenShown = false;
    for (const wl of entry.workloads.values()) wl.childrenShown = false;
  }

  /** The entry of a namespace; `shown`: its row is being drawn now, so what it shows is now what VS Code shows. */
  private namespaceEntry(model: NamespaceModel, shown: boolean): NamespaceEntry<NS, WL> {
    let entry = this.entries.get(model.name);
    if (!entry) {
      entry = { node: this.factory.namespace(model), face: '', rows: '', childrenShown: false, workloads: new Map() };
      this.entries.set(model.name, entry);
    } else this.factory.setNamespace(entry.node, model);
    if (shown) entry.face = this.namespaceFace(model);
    return entry;
  }

  private forget(name: string): void {
    for (const wl of this.entries.get(name)?.workloads.values() ?? []) this.byWorkloadNode.delete(wl.node);
    this.entries.delete(name);
  }

  private namespaceFace(m: NamespaceModel): string {
    return JSON.stringify([m.injection, m.terminating, m.podCount, m.sidecarPods, m.restartNeeded, m.versionMismatches, m.labels,
      m.workloads.length + m.otherPods.length > 0, this.rollouts.isRollingOut(m.name)]);
  }

  private workloadFace(w: WorkloadModel): string {
    return JSON.stringify([{ ...w, pods: w.pods.length }, rolloutView(w, this.rollouts.get(w))]);
  }
}

function groupFace(models: readonly NamespaceModel[]): string {
  return JSON.stringify([models.map((m) => m.name), models.filter((m) => m.injection.plain.dataplane !== 'none').length]);
}

function rowsKey(m: NamespaceModel): string {
  return JSON.stringify([m.workloads.map(workloadKey), m.otherPods]);
}

function podsKey(w: WorkloadModel): string {
  return JSON.stringify(w.pods);
}

/** What to redraw after a window of changes: the whole tree, the control plane, namespaces (each or all). */
export interface TreeChange {
  root: boolean;
  controlPlane: boolean;
  namespaces: ReadonlySet<string> | 'all';
}

export function mergeTreeChanges(a: TreeChange | undefined, b: TreeChange): TreeChange {
  if (!a) return b;
  const namespaces = a.namespaces === 'all' || b.namespaces === 'all' ? 'all' : new Set([...a.namespaces, ...b.namespaces]);
  return { root: a.root || b.root, controlPlane: a.controlPlane || b.controlPlane, namespaces };
}
