// Which rows of the Mesh tree a change redraws. Pure (no `vscode`), so the tests count the redraws.
import type { WorkloadRollout } from '../injection/rollout';
import type { RolloutTracker } from '../injection/tracker';
import { workloadKey } from '../injection/workloads';
import type { NamespaceModel, WorkloadModel } from '../mesh/model';
import type { Pace } from './changeWindow';
import { rolloutView } from './nodes/rollout';

/**
 * A namespace whose count of pods to restart went down this recently is restarting: a count of `nearEnd` or less then
 * means its end is a pod or two away. (A count that stays there, pods nobody restarts, defers nothing after this long;
 * an old pod may take its grace period, tens of seconds, to go.)
 */
const restartingMs = 30_000;
const nearEnd = 2;

/** Makes the tree's node objects and gives them their next model; the tree hands VS Code these same objects again. */
export interface MeshNodeFactory<NS, WL> {
  namespace(model: NamespaceModel): NS;
  setNamespace(node: NS, model: NamespaceModel): void;
  workload(model: WorkloadModel): WL;
  setWorkload(node: WL, model: WorkloadModel): void;
}

/** The rows to redraw: `all` the whole tree, else the group of namespaces or single rows (with what is under them). */
export type Redraw<NS, WL> = 'all' | { group: boolean; namespaces: NS[]; workloads: WL[] };

/** A workload row as VS Code last drew it. */
interface WorkloadEntry<WL> {
  node: WL;
  shown: WorkloadModel;
  shownRollout: WorkloadRollout | undefined;
  /** VS Code asked for its pods since it was last redrawn: they may be on screen. */
  childrenShown: boolean;
}

/** A namespace row as VS Code last drew it (`shown` undefined: not drawn yet). */
interface NamespaceEntry<NS, WL> {
  node: NS;
  shown: NamespaceModel | undefined;
  shownRollingOut: boolean;
  /** The model whose workload rows and other pods VS Code last listed under it. */
  rows: NamespaceModel | undefined;
  childrenShown: boolean;
  workloads: Map<string, WorkloadEntry<WL>>;
}

/**
 * One node object per namespace and workload, kept across changes: VS Code redraws a row when given the very object
 * it received, and keeps its expansion. It remembers the model each row was drawn from; for a change it compares what
 * the row shows (its "face") then and now: only rows that look different are redrawn, and rows under a collapsed node
 * are neither compared nor rebuilt. Faces are computed only for the rows a change touches, never while drawing.
 */
export class MeshNodes<NS, WL> {
  private readonly entries = new Map<string, NamespaceEntry<NS, WL>>();
  private readonly byWorkloadNode = new Map<WL, WorkloadEntry<WL>>();
  private groupFace: string | undefined;
  /** The drawn namespaces with pods to restart: how many, and when that count last went down (see `pace`). */
  private readonly restarts = new Map<string, { left: number; fellAt: number }>();

  constructor(private readonly factory: MeshNodeFactory<NS, WL>, private readonly rollouts: RolloutTracker) {}

  /** The namespace rows, for the group's children. */
  namespaces(models: readonly NamespaceModel[]): NS[] {
    const seen = new Set<string>();
    const nodes = models.map((m) => {
      seen.add(m.name);
      const entry = this.namespaceEntry(m);
      entry.shown = m;
      entry.shownRollingOut = this.rollouts.isRollingOut(m.name);
      return entry.node;
    });
    for (const name of this.entries.keys()) if (!seen.has(name)) this.forget(name);
    this.groupFace = groupFace(models);
    return nodes;
  }

  /** The node of a namespace, the one the tree shows (for commands). */
  namespace(model: NamespaceModel): NS {
    return this.namespaceEntry(model).node;
  }

  /** The workload rows of a namespace, for its children. */
  workloads(model: NamespaceModel): WL[] {
    const entry = this.namespaceEntry(model);
    entry.childrenShown = true;
    entry.rows = model;
    const seen = new Set<string>();
    const nodes = model.workloads.map((w) => {
      const key = workloadKey(w);
      seen.add(key);
      const rollout = this.rollouts.get(w);
      let wl = entry.workloads.get(key);
      if (!wl) {
        wl = { node: this.factory.workload(w), shown: w, shownRollout: rollout, childrenShown: false };
        entry.workloads.set(key, wl);
        this.byWorkloadNode.set(wl.node, wl);
      } else {
        this.factory.setWorkload(wl.node, w);
        wl.shown = w;
        wl.shownRollout = rollout;
      }
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
    this.restarts.clear();
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
      const rollingOut = this.rollouts.isRollingOut(name);
      const looksTheSame = entry.shown !== undefined && entry.shownRollingOut === rollingOut
        && (entry.shown === model || namespaceFace(entry.shown) === namespaceFace(model));
      entry.shown = model;
      entry.shownRollingOut = rollingOut;
      if (!looksTheSame || (entry.childrenShown && entry.rows !== undefined && rowsKey(entry.rows) !== rowsKey(model))) {
        this.redrawn(entry);
        result.namespaces.push(entry.node);
      } else if (entry.childrenShown) {
        entry.rows = model;
        result.workloads.push(...this.changedWorkloads(entry, model));
      }
    }
    // The group's description counts the namespaces in the mesh: one that joined or left redraws the group.
    if (!result.group && result.namespaces.length > 0 && groupFace(list()) !== this.groupFace) result.group = true;
    return result.group ? { group: true, namespaces: [], workloads: [] } : result;
  }

  /**
   * How soon a change of these namespaces should be drawn (`at`: now, on the caller's clock).
   * - `urgent`: it ends work that a namespace row showed in progress (its last pod to restart gone, a followed restart
   *   done). That is the moment a user watching a restart waits for; it is drawn before the rest.
   * - `deferred`: a restart is a pod or two from its end in some namespace (its count of pods to restart went down
   *   lately and is at most 2): progress can wait, so the redraw that shows the end is not held behind it (see `Pace`).
   * - `steady`: the rest.
   * Reads the models of the namespaces changed, only those drawn.
   */
  pace(namespaces: ReadonlySet<string> | 'all', read: (name: string) => NamespaceModel | undefined, at: number): Pace {
    if (namespaces === 'all') return 'steady';
    let settles = false;
    for (const name of namespaces) {
      const entry = this.entries.get(name);
      const model = entry?.shown ? read(name) : undefined;
      if (!entry?.shown || !model) {
        this.restarts.delete(name);
        continue;
      }
      const rollingOut = this.rollouts.isRollingOut(name);
      if (inProgress(entry.shown, entry.shownRollingOut) && !inProgress(model, rollingOut)) settles = true;
      const left = rollingOut ? 0 : model.restartNeeded;
      const before = this.restarts.get(name);
      if (left === 0) this.restarts.delete(name);
      else this.restarts.set(name, { left, fellAt: before && left < before.left ? at : before?.fellAt ?? Number.NEGATIVE_INFINITY });
    }
    if (settles) return 'urgent';
    for (const { left, fellAt } of this.restarts.values()) if (left <= nearEnd && at - fellAt < restartingMs) return 'deferred';
    return 'steady';
  }

  private changedWorkloads(entry: NamespaceEntry<NS, WL>, model: NamespaceModel): WL[] {
    const changed: WL[] = [];
    for (const w of model.workloads) {
      const wl = entry.workloads.get(workloadKey(w))!;
      const rollout = this.rollouts.get(w);
      this.factory.setWorkload(wl.node, w);
      const same = (wl.shown === w && wl.shownRollout === rollout)
        || (workloadFace(wl.shown, wl.shownRollout) === workloadFace(w, rollout) && (!wl.childrenShown || podsKey(wl.shown) === podsKey(w)));
      wl.shown = w;
      wl.shownRollout = rollout;
      if (same) continue;
      wl.childrenShown = false;
      changed.push(wl.node);
    }
    return changed;
  }

  /** VS Code drops the children of a redrawn row and asks again if it is expanded. */
  private redrawn(entry: NamespaceEntry<NS, WL>): void {
    entry.childrenShown = false;
    entry.rows = undefined;
    for (const wl of entry.workloads.values()) wl.childrenShown = false;
  }

  private namespaceEntry(model: NamespaceModel): NamespaceEntry<NS, WL> {
    let entry = this.entries.get(model.name);
    if (!entry) {
      entry = { node: this.factory.namespace(model), shown: undefined, shownRollingOut: false, rows: undefined, childrenShown: false, workloads: new Map() };
      this.entries.set(model.name, entry);
    } else this.factory.setNamespace(entry.node, model);
    return entry;
  }

  private forget(name: string): void {
    for (const wl of this.entries.get(name)?.workloads.values() ?? []) this.byWorkloadNode.delete(wl.node);
    this.entries.delete(name);
  }
}

/** A namespace row shows work in progress: pods still to restart, or a restart being followed. */
function inProgress(m: NamespaceModel, rollingOut: boolean): boolean {
  return rollingOut || m.restartNeeded > 0;
}

/** What a namespace row shows of its model (its label, description, icon, menus and tooltip). */
function namespaceFace(m: NamespaceModel): string {
  return JSON.stringify([m.injection, m.terminating, m.podCount, m.sidecarPods, m.restartNeeded, m.versionMismatches, m.labels,
    m.workloads.length + m.otherPods.length > 0]);
}

/** What a workload row shows: its model but its pods, which are its children, and a followed restart. */
function workloadFace(w: WorkloadModel, rollout: WorkloadRollout | undefined): string {
  return JSON.stringify([{ ...w, pods: w.pods.length }, rolloutView(w, rollout)]);
}

function groupFace(models: readonly NamespaceModel[]): string {
  return JSON.stringify([models.map((m) => m.name), models.filter((m) => m.injection.plain.dataplane !== 'none').length]);
}

/** The rows under a namespace: a new or gone workload, or a change among its other pods, redraws the namespace. */
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
