/**
 * Upgrades by kube context, kept in a key-value store that outlives the window (VS Code's `globalState`), so the
 * progress view and the Resume / Roll Back commands find the flow again after a reload. Also the one place that
 * knows which flow is running now, so Cancel can stop it.
 */
import { Emitter } from '../util/events';
import { restoreUpgrade, type UpgradeState } from './state';

/** The part of VS Code's Memento used here. */
export interface KeyValueStore {
  get(key: string): unknown;
  update(key: string, value: unknown): PromiseLike<void>;
}

const keyOf = (context: string) => `istio.upgrade/${context}`;

export class UpgradeStates {
  private readonly changes = new Emitter<string>();
  private readonly running = new Map<string, AbortController>();
  /** Fires with the context whose upgrade changed. */
  readonly onDidChange = this.changes.event;

  constructor(private readonly store: KeyValueStore) {}

  /** The context's flow; a step this window is running shows as running, not as interrupted by a reload. */
  get(context: string): UpgradeState | undefined {
    return restoreUpgrade(this.store.get(keyOf(context)), { live: this.running.has(context) });
  }

  async set(state: UpgradeState): Promise<void> {
    await this.store.update(keyOf(state.context), state);
    this.changes.fire(state.context);
  }

  async clear(context: string): Promise<void> {
    await this.store.update(keyOf(context), undefined);
    this.changes.fire(context);
  }

  /** Marks a run of the context's flow; the signal aborts when `cancel` is called. One run per context at a time. */
  begin(context: string): AbortController | undefined {
    if (this.running.has(context)) return undefined;
    const controller = new AbortController();
    this.running.set(context, controller);
    this.changes.fire(context);
    return controller;
  }

  end(context: string, controller: AbortController): void {
    if (this.running.get(context) === controller) this.running.delete(context);
    this.changes.fire(context);
  }

  isRunning(context: string): boolean {
    return this.running.has(context);
  }

  /** Stops the running step, if any; true when one was running. */
  cancel(context: string): boolean {
    const controller = this.running.get(context);
    controller?.abort();
    return controller !== undefined;
  }

  dispose(): void {
    for (const c of this.running.values()) c.abort();
    this.changes.dispose();
  }
}
