/**
 * The progress of a local cluster that is still being built and started, as `npm start` reports it: it names a
 * status file in `ISTIO_MESH_LOCAL_CLUSTER_STATUS` and rewrites it at each step ("building kube-apiserver", 3 of 15).
 * While the file says "starting" the view shows that step instead of "no cluster", and connects by itself once it
 * says "ready". Without the variable nothing is watched.
 */
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export interface LocalClusterStatus {
  readonly state: 'starting' | 'ready' | 'failed';
  /** The current step ("building kube-apiserver") or, when failed, why. */
  readonly text: string;
  readonly step?: number;
  readonly total?: number;
}

const LocalClusterStatusVariable = 'ISTIO_MESH_LOCAL_CLUSTER_STATUS';

/** The status in a file's text; undefined for anything else (a half-written or foreign file). */
export function parseLocalClusterStatus(text: string): LocalClusterStatus | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { state, text: step, step: index, total } = value as Record<string, unknown>;
  if ((state !== 'starting' && state !== 'ready' && state !== 'failed') || typeof step !== 'string') return undefined;
  const count = (n: unknown) => (typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : undefined);
  return { state, text: step, step: count(index), total: count(total) };
}

/** One line for the view: "Local cluster starting — building kube-apiserver (3/15)…". */
export function describeLocalCluster(status: LocalClusterStatus): string {
  if (status.state === 'failed') return `The local cluster failed to start: ${status.text}`;
  if (status.state === 'ready') return 'The local cluster is up.';
  const count = status.step !== undefined && status.total ? ` (${status.step}/${status.total})` : '';
  return `Local cluster starting — ${status.text}${count}…`;
}

/** Follows the status file (its folder is watched: the writer replaces the file by renaming). */
export class LocalClusterWatch {
  private status: LocalClusterStatus | undefined;
  private readonly watcher: FSWatcher | undefined;
  private readonly listeners = new Set<(status: LocalClusterStatus | undefined) => void>();

  constructor(private readonly file: string) {
    this.status = this.read();
    try {
      this.watcher = watch(dirname(file), { persistent: false }, (_event, name) => {
        if (name === null || name === basename(file)) this.reload();
      });
    } catch {
      this.watcher = undefined; // the folder is gone: there is no local cluster to follow
    }
  }

  get current(): LocalClusterStatus | undefined {
    return this.status;
  }

  onDidChange(listener: (status: LocalClusterStatus | undefined) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.watcher?.close();
    this.listeners.clear();
  }

  private read(): LocalClusterStatus | undefined {
    try {
      return parseLocalClusterStatus(readFileSync(this.file, 'utf8'));
    } catch {
      return undefined;
    }
  }

  private reload(): void {
    const next = this.read();
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    for (const listener of this.listeners) listener(next);
  }
}

/** The watch `npm start` asked for, when it did. */
export function localClusterFromEnv(env: NodeJS.ProcessEnv): LocalClusterWatch | undefined {
  const file = env[LocalClusterStatusVariable];
  return file ? new LocalClusterWatch(file) : undefined;
}
