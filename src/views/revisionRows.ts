// Which revision rows under "Control plane" a pod or namespace change redraws. Pure (no `vscode`), so tests count them.
import type { ControlPlane, NamespaceModel, Revision } from '../mesh/model';
import { type NamespaceUsageCache, type RevisionUse, revisionUsage } from '../mesh/revisionUsage';

/** What a revision row shows: istiod's Deployment (absent for a removed revision that still has pods) and who uses it. */
export interface RevisionRow {
  readonly revision: string;
  readonly istiod?: Revision;
  readonly use: RevisionUse;
}

/** The rows in the control plane's order: each installed revision, then each removed one whose proxies still run. */
export function revisionRowsOf(cp: ControlPlane, namespaces: readonly NamespaceModel[], cache?: NamespaceUsageCache): RevisionRow[] {
  return revisionUsage(cp, namespaces, cache).map((use) => ({ revision: use.revision, istiod: cp.revisions.find((r) => r.revision === use.revision), use }));
}

export interface RevisionNodeFactory<RV> {
  make(row: RevisionRow): RV;
  set(node: RV, row: RevisionRow): void;
}

/**
 * One node object per revision row, kept across changes (VS Code redraws a row given the very object it received).
 * A change redraws the rows whose face (what they and their namespace rows show) changed; a revision that came or
 * went redraws the control plane instead. Until VS Code listed the rows, nothing is compared.
 */
export class RevisionRows<RV> {
  private readonly entries = new Map<string, { node: RV; face: string }>();
  private shown = false;

  constructor(private readonly factory: RevisionNodeFactory<RV>) {}

  /** The rows, for the control plane's children. */
  rows(rows: readonly RevisionRow[]): RV[] {
    this.shown = true;
    const seen = new Set<string>();
    const nodes = rows.map((row) => {
      seen.add(row.revision);
      const face = rowFace(row);
      let entry = this.entries.get(row.revision);
      if (!entry) this.entries.set(row.revision, (entry = { node: this.factory.make(row), face }));
      else {
        this.factory.set(entry.node, row);
        entry.face = face;
      }
      return entry.node;
    });
    for (const revision of [...this.entries.keys()]) if (!seen.has(revision)) this.entries.delete(revision);
    return nodes;
  }

  /** Whether VS Code listed the rows: only then is a change worth computing. */
  get listed(): boolean {
    return this.shown;
  }

  /** The rows to redraw for the usage now: those that look different, or `parent` when a revision came or went. */
  redraw(rows: readonly RevisionRow[]): RV[] | 'parent' {
    if (!this.shown) return [];
    if (rows.length !== this.entries.size || rows.some((r) => !this.entries.has(r.revision))) return 'parent';
    const changed: RV[] = [];
    for (const row of rows) {
      const entry = this.entries.get(row.revision)!;
      this.factory.set(entry.node, row);
      const face = rowFace(row);
      if (face === entry.face) continue;
      entry.face = face;
      changed.push(entry.node);
    }
    return changed;
  }

  /** Another cluster: nothing was shown. */
  clear(): void {
    this.entries.clear();
    this.shown = false;
  }
}

function rowFace(row: RevisionRow): string {
  return JSON.stringify([row.istiod, row.use]);
}
