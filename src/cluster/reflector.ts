import { delay } from '../util/wait';
import { Backoff } from './backoff';
import type { ClusterClient } from './client';
import { ClusterError, errorFromNetwork } from './errors';
import type { ResourceKind } from './kinds';
import type { KubeObject, WatchEvent } from './types';

export interface ReflectorOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  metadataOnly?: boolean;
  /** Keep only what the cache needs (applied to listed and watched objects). */
  transform?: (object: KubeObject) => T;
  pageSize?: number;
  /** Server-side watch timeout; the watch is reopened from the last resourceVersion afterwards. */
  watchTimeoutSeconds?: number;
  backoff?: Backoff;
}

export interface ReflectorHandlers<T> {
  /** A full list: replaces everything known of this collection (first sync, and after 410 Gone). */
  onList(items: T[]): void;
  onEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', object: T): void;
  /** A list or watch failed; the reflector retries after `retryInMs`. */
  onError(error: ClusterError, retryInMs: number): void;
}

/**
 * Keeps one collection in sync, as client-go's reflector does: list, then watch from the list's
 * resourceVersion, follow bookmarks, reopen the watch where it ended, list again on 410 Gone, and back off
 * with jitter while the server cannot be reached. No polling.
 */
export class Reflector<T = KubeObject> {
  private readonly abort = new AbortController();
  private resourceVersion: string | undefined;
  private running: Promise<void> | undefined;
  private wake: AbortController | undefined;
  private readonly backoff: Backoff;

  constructor(
    private readonly client: ClusterClient,
    readonly kind: ResourceKind,
    private readonly handlers: ReflectorHandlers<T>,
    private readonly options: ReflectorOptions<T> = {},
  ) {
    this.backoff = options.backoff ?? new Backoff();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Lists again now (refresh), cutting a pending backoff short. */
  relist(): void {
    this.resourceVersion = undefined;
    this.backoff.reset();
    this.wake?.abort();
  }

  /** Stops for good; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }

  get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      this.wake = new AbortController();
      const attempt = AbortSignal.any([signal, this.wake.signal]);
      try {
        if (this.resourceVersion === undefined) await this.list(attempt);
        const opened = Date.now();
        const sawEvents = await this.watch(attempt);
        // The server ended the watch (its timeout): reopen from where it stopped. A watch that ends at once
        // without events (a proxy closing idle streams) must not turn into a busy loop.
        if (!attempt.aborted && !sawEvents && Date.now() - opened < 1000) await delay(this.backoff.next(), attempt);
      } catch (err) {
        if (signal.aborted) break;
        if (attempt.aborted) continue; // relist() cut this attempt short
        const error = err instanceof ClusterError ? err : errorFromNetwork(err, this.client.server);
        if (error.status === 410) {
          // Our resourceVersion is older than the server keeps: list again at once.
          this.resourceVersion = undefined;
          continue;
        }
        const wait = this.backoff.next();
        this.handlers.onError(error, wait);
        await delay(wait, attempt);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const list = await this.client.list<T & KubeObject>(this.kind, {
      namespace: this.options.namespace, labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector,
      metadataOnly: this.options.metadataOnly, pageSize: this.options.pageSize, signal,
      transform: this.options.transform as ((o: KubeObject) => T & KubeObject) | undefined,
    });
    if (signal.aborted) return;
    this.resourceVersion = list.resourceVersion;
    this.backoff.reset();
    this.handlers.onList(list.items);
  }

  /** Resolves whether any event (bookmarks included) arrived. */
  private async watch(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return false;
    let sawEvents = false;
    const transform = this.options.transform;
    await this.client.watch(this.kind, {
      namespace: this.options.namespace, labelSelector: this.options.labelSelector, fieldSelector: this.options.fieldSelector,
      metadataOnly: this.options.metadataOnly, resourceVersion: this.resourceVersion, timeoutSeconds: this.options.watchTimeoutSeconds, signal,
    }, (event: WatchEvent) => {
      sawEvents = true;
      const rv = event.object?.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
      if (event.type === 'BOOKMARK') return;
      this.backoff.reset();
      if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') {
        this.handlers.onEvent(event.type, transform ? transform(event.object) : (event.object as T));
      }
    });
    return sawEvents;
  }
}
