import type { IncomingMessage } from 'node:http';
import { ClusterError, errorFromNetwork, errorFromStatus, type KubeStatus, type RequestTarget } from './errors';
import { apiVersionOf, Kinds, knownKind, qualifiedResource, resourcePath, splitApiVersion, type ResourceKind } from './kinds';
import { loadKubeconfig, type ContextInfo, type KubeconfigSource, type LoadedKubeconfig } from './kubeconfig';
import { Transport } from './transport';
import type { KubeList, KubeObject, WatchEvent } from './types';

/** The field manager of every write, so `kubectl` and server-side apply show who owns which field. */
const fieldManager = 'istio-mesh';

/** Patch flavours and their Content-Type (the same values as client-node's `PatchStrategy`). */
const patchContentTypes = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;
export type PatchType = Exclude<keyof typeof patchContentTypes, 'apply'>;

/** One RFC 6902 operation, for `patch(..., 'json')`. */
export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'test' | 'move' | 'copy';
  path: string;
  value?: unknown;
  from?: string;
}

export interface ListOptions<T> {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Page size (kubectl uses 500); 0 asks for everything in one answer. */
  pageSize?: number;
  /** Ask for `PartialObjectMetadata` only (for kinds with big bodies, e.g. CRDs). */
  metadataOnly?: boolean;
  /** Applied to every item as it is parsed, e.g. to drop fields a cache does not need. */
  transform?: (item: KubeObject) => T;
  signal?: AbortSignal;
}

export interface WatchOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  /** Server-side timeout of the watch; the server closes it cleanly then. */
  timeoutSeconds?: number;
  metadataOnly?: boolean;
  signal?: AbortSignal;
}

export interface WriteOptions {
  dryRun?: boolean;
  fieldManager?: string;
  signal?: AbortSignal;
}

const partialMetadataListAccept = 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io,application/json';
const partialMetadataAccept = 'application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io,application/json';

/**
 * The one client of the extension: every read, list, watch and write to a cluster goes through it.
 * Bound to one kubeconfig context; switching context means a new client. Errors are always `ClusterError`.
 */
export class ClusterClient {
  private readonly transport: Transport;
  private readonly discovery = new Map<string, Promise<ResourceKind[]>>();

  /** Loads the kubeconfig (see `loadKubeconfig`) and binds a client to its current or the given context. */
  static async connect(source: KubeconfigSource = {}): Promise<ClusterClient> {
    return new ClusterClient(await loadKubeconfig(source));
  }

  constructor(readonly kubeconfig: LoadedKubeconfig) {
    this.transport = new Transport(kubeconfig.access, kubeconfig.currentContext);
  }

  get context(): string {
    return this.kubeconfig.currentContext;
  }
  get contextInfo(): ContextInfo | undefined {
    return this.kubeconfig.contexts.find((c) => c.name === this.context);
  }
  get server(): string {
    return this.transport.server;
  }
  /** The context's namespace, or `default`. */
  get namespace(): string {
    return this.contextInfo?.namespace || 'default';
  }

  async get<T extends KubeObject>(kind: ResourceKind, name: string, namespace?: string, signal?: AbortSignal): Promise<T> {
    const target = { verb: 'get', resource: qualifiedResource(kind), namespace, name };
    return this.json<T>({ method: 'GET', path: resourcePath(kind, namespace, name), target, signal });
  }

  /** Lists every page; the result's resourceVersion is the one to watch from. */
  async list<T extends KubeObject = KubeObject>(kind: ResourceKind, options: ListOptions<T> = {}): Promise<KubeList<T>> {
    const target = { verb: 'list', resource: qualifiedResource(kind), namespace: options.namespace };
    const items: T[] = [];
    const pageSize = options.pageSize ?? 500;
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const query = new URLSearchParams();
      if (options.labelSelector) query.set('labelSelector', options.labelSelector);
      if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
      if (pageSize > 0) query.set('limit', String(pageSize));
      if (continueToken) query.set('continue', continueToken);
      const path = `${resourcePath(kind, options.namespace)}${query.size ? `?${query}` : ''}`;
      const page = await this.json<{ items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } }>({
        method: 'GET', path, target, signal: options.signal, accept: options.metadataOnly ? partialMetadataListAccept : undefined,
      });
      for (const item of page.items ?? []) {
        // List items carry no kind; restore it so objects look the same as from get and watch.
        item.apiVersion ??= apiVersionOf(kind);
        item.kind = options.metadataOnly ? item.kind ?? 'PartialObjectMetadata' : kind.kind;
        items.push(options.transform ? options.transform(item) : (item as T));
      }
      continueToken = page.metadata?.continue || undefined;
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
    } while (continueToken);
    return { items, resourceVersion };
  }

  /**
   * Watches a collection and calls `onEvent` for each event (BOOKMARK included) until the server ends the
   * watch (resolves) or it fails (rejects with ClusterError; status 410 means the resourceVersion is too old:
   * list again). Aborting `signal` resolves. Reconnecting is the caller's job (see `Reflector`).
   */
  async watch<T extends KubeObject = KubeObject>(kind: ResourceKind, options: WatchOptions, onEvent: (event: WatchEvent<T>) => void): Promise<void> {
    const target = { verb: 'watch', resource: qualifiedResource(kind), namespace: options.namespace };
    const query = new URLSearchParams({ watch: 'true', allowWatchBookmarks: 'true' });
    if (options.resourceVersion) query.set('resourceVersion', options.resourceVersion);
    if (options.labelSelector) query.set('labelSelector', options.labelSelector);
    if (options.fieldSelector) query.set('fieldSelector', options.fieldSelector);
    const timeoutSeconds = options.timeoutSeconds ?? 300;
    query.set('timeoutSeconds', String(timeoutSeconds));
    if (options.signal?.aborted) return;
    let res: IncomingMessage;
    try {
      res = await this.transport.stream({
        method: 'GET', path: `${resourcePath(kind, options.namespace)}?${query}`, target, signal: options.signal,
        accept: options.metadataOnly ? partialMetadataAccept : undefined,
      });
    } catch (err) {
      if (options.signal?.aborted) return;
      throw err;
    }
    // The server sends bookmarks about once a minute; silence well beyond the timeout means a dead connection.
    await consumeWatchStream<T>(res, (timeoutSeconds + 60) * 1000, onEvent, options.signal, this.server, target);
  }

  /** Patches one object. `merge` suits labels/annotations (null deletes a key); `json` takes RFC 6902 operations. */
  async patch<T extends KubeObject>(kind: ResourceKind, name: string, namespace: string | undefined, patch: object | JsonPatchOperation[], type: PatchType, options: WriteOptions = {}): Promise<T> {
    const query = writeQuery(options, type === 'json' || type === 'merge' || type === 'strategic' ? options.fieldManager ?? fieldManager : undefined);
    const target = { verb: 'patch', resource: qualifiedResource(kind), namespace, name };
    return this.json<T>({
      method: 'PATCH', path: `${resourcePath(kind, namespace, name)}${query}`, body: JSON.stringify(patch),
      contentType: patchContentTypes[type], target, signal: options.signal,
    });
  }

  /** Sets (string) or removes (null) labels of a namespace with a merge patch. */
  async labelNamespace(name: string, labels: Record<string, string | null>, options: WriteOptions = {}): Promise<KubeObject> {
    return this.patch(Kinds.Namespace, name, undefined, { metadata: { labels } }, 'merge', options);
  }

  /** Server-side apply of one object (field manager `istio-mesh`); `force` takes over fields owned by others. */
  async apply<T extends KubeObject>(object: T, options: WriteOptions & { force?: boolean } = {}): Promise<T> {
    const kind = await this.resolveKind(object.apiVersion ?? 'v1', object.kind ?? '');
    const namespace = kind.namespaced ? object.metadata.namespace ?? this.namespace : undefined;
    const query = new URLSearchParams({ fieldManager: options.fieldManager ?? fieldManager });
    if (options.force) query.set('force', 'true');
    if (options.dryRun) query.set('dryRun', 'All');
    const target = { verb: 'patch', resource: qualifiedResource(kind), namespace, name: object.metadata.name };
    return this.json<T>({
      method: 'PATCH', path: `${resourcePath(kind, namespace, object.metadata.name)}?${query}`, body: JSON.stringify(object),
      contentType: patchContentTypes.apply, target, signal: options.signal,
    });
  }

  async create<T extends KubeObject>(object: T, options: WriteOptions = {}): Promise<T> {
    const kind = await this.resolveKind(object.apiVersion ?? 'v1', object.kind ?? '');
    const namespace = kind.namespaced ? object.metadata.namespace ?? this.namespace : undefined;
    const target = { verb: 'create', resource: qualifiedResource(kind), namespace, name: object.metadata.name };
    // The server assigns resourceVersion and refuses a create that carries one; an object read back or built from
    // a template may have it, and it means nothing for a new object.
    const body = { ...object, metadata: { ...object.metadata, resourceVersion: undefined } };
    return this.json<T>({
      method: 'POST', path: `${resourcePath(kind, namespace)}${writeQuery(options, options.fieldManager ?? fieldManager)}`, body: JSON.stringify(body),
      contentType: 'application/json', target, signal: options.signal,
    });
  }

  /** Deletes one object; resolves `false` when it did not exist. */
  async delete(kind: ResourceKind, name: string, namespace?: string, options: WriteOptions & { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {}): Promise<boolean> {
    const target = { verb: 'delete', resource: qualifiedResource(kind), namespace, name };
    const body = options.propagationPolicy ? JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy }) : undefined;
    try {
      await this.transport.request({
        method: 'DELETE', path: `${resourcePath(kind, namespace, name)}${writeQuery(options)}`, body,
        contentType: body ? 'application/json' : undefined, target, signal: options.signal,
      });
      return true;
    } catch (err) {
      if (err instanceof ClusterError && err.kind === 'notFound') return false;
      throw err;
    }
  }

  /** Deletes an object given as a manifest (kind resolved with discovery). */
  async deleteObject(object: KubeObject, options: WriteOptions & { propagationPolicy?: 'Foreground' | 'Background' | 'Orphan' } = {}): Promise<boolean> {
    const kind = await this.resolveKind(object.apiVersion ?? 'v1', object.kind ?? '');
    return this.delete(kind, object.metadata.name, kind.namespaced ? object.metadata.namespace ?? this.namespace : undefined, options);
  }

  /** Finds the resource of a kind: the built-in table first, then API discovery (cached per group/version). */
  async resolveKind(apiVersion: string, kindName: string): Promise<ResourceKind> {
    const known = knownKind(apiVersion, kindName);
    if (known) return known;
    let resources = this.discovery.get(apiVersion);
    if (!resources) {
      resources = this.discover(apiVersion);
      this.discovery.set(apiVersion, resources);
      resources.catch(() => this.discovery.delete(apiVersion));
    }
    const found = (await resources).find((r) => r.kind === kindName);
    if (!found) {
      throw new ClusterError('notFound', `The cluster does not know the kind ${kindName} (${apiVersion}). Are its CRDs installed?`, { target: { verb: 'get', resource: apiVersion } });
    }
    return found;
  }

  /** Forgets discovery results, e.g. after CRDs were installed. */
  clearDiscovery(): void {
    this.discovery.clear();
  }

  /** SelfSubjectAccessReview: may the current user do `verb` on `resource` (plural, with group)? */
  async canI(verb: string, resource: { group?: string; resource: string }, namespace?: string): Promise<boolean> {
    const review = {
      apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, group: resource.group ?? '', resource: resource.resource, namespace } },
    };
    const answer = await this.json<{ status?: { allowed?: boolean } }>({
      method: 'POST', path: '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', body: JSON.stringify(review),
      contentType: 'application/json', target: { verb: 'create', resource: 'selfsubjectaccessreviews.authorization.k8s.io' },
    });
    return answer.status?.allowed === true;
  }

  /**
   * GET `path` of a pod's port through the API server's proxy (`pods/<name>:<port>/proxy`): a debug endpoint of a
   * control-plane pod without a port-forward. Needs RBAC `get pods/proxy`; the answer is parsed as JSON.
   */
  async podProxyJson<T>(namespace: string, pod: string, port: number, path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>(podProxy(namespace, pod, port, path, signal));
  }

  /** The same, the answer as text (istiod's Prometheus metrics). */
  async podProxyText(namespace: string, pod: string, port: number, path: string, signal?: AbortSignal): Promise<string> {
    return (await this.transport.request(podProxy(namespace, pod, port, path, signal))).body.toString('utf8');
  }

  /** The API server's version (`/version`); also a cheap reachability check. */
  async version(signal?: AbortSignal): Promise<{ major: string; minor: string; gitVersion: string }> {
    return this.json({ method: 'GET', path: '/version', target: { verb: 'get', resource: 'version' }, signal });
  }

  dispose(): void {
    this.transport.dispose();
  }

  private async discover(apiVersion: string): Promise<ResourceKind[]> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    const list = await this.json<{ resources?: { name: string; kind: string; namespaced: boolean }[] }>({
      method: 'GET', path, target: { verb: 'get', resource: `${apiVersion} API` },
    });
    return (list.resources ?? [])
      .filter((r) => !r.name.includes('/'))
      .map((r) => ({ group, version, kind: r.kind, plural: r.name, namespaced: r.namespaced }));
  }

  private async json<T>(options: Parameters<Transport['request']>[0]): Promise<T> {
    const { body } = await this.transport.request(options);
    try {
      return JSON.parse(body.toString('utf8')) as T;
    } catch (err) {
      throw new ClusterError('unknown', `The API server sent an answer that is not JSON for ${options.path}.`, { target: options.target, cause: err });
    }
  }
}

function writeQuery(options: WriteOptions, manager?: string): string {
  const query = new URLSearchParams();
  if (manager) query.set('fieldManager', manager);
  if (options.dryRun) query.set('dryRun', 'All');
  return query.size ? `?${query}` : '';
}

/**
 * How long watch events are handled at a time. A burst (a rollout of many pods: thousands of events of a few KB,
 * often many in one chunk) is handled in slices, the stream paused between them, so the extension host runs other
 * work in between instead of stalling for the whole burst.
 */
const EVENT_SLICE_MS = 8;

/** Reads newline-delimited watch events; resolves when the stream ends, rejects on ERROR events and stalls. */
function consumeWatchStream<T>(
  res: IncomingMessage, stallMs: number, onEvent: (event: WatchEvent<T>) => void,
  signal: AbortSignal | undefined, server: string, target: RequestTarget,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending = '';
    let settled = false;
    // The stream ended (or closed) while events were still to be handled: the watch ends once they are.
    let ended = false;
    let paused = false;
    let stallTimer: NodeJS.Timeout | undefined;
    const finish = (err?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(stallTimer);
      signal?.removeEventListener('abort', onAbort);
      res.destroy();
      if (err && !signal?.aborted) reject(err);
      else resolve();
    };
    const armStallTimer = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(() => finish(errorFromNetwork(Object.assign(new Error('watch stalled'), { code: 'ETIMEDOUT' }), server, target)), stallMs);
    };
    const onAbort = () => finish();
    signal?.addEventListener('abort', onAbort, { once: true });
    armStallTimer();
    // When the current slice started: several chunks may arrive in one turn of the event loop, and share its slice.
    let sliceStart: number | undefined;
    /** Handles the complete lines received, one slice at a time. */
    const handle = () => {
      if (sliceStart === undefined) {
        sliceStart = performance.now();
        setImmediate(() => (sliceStart = undefined));
      }
      let newline: number;
      while (!settled && (newline = pending.indexOf('\n')) >= 0) {
        if (performance.now() - sliceStart > EVENT_SLICE_MS) {
          paused = true;
          res.pause();
          setImmediate(() => {
            paused = false;
            res.resume();
            handle();
          });
          return;
        }
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line) continue;
        let event: WatchEvent<T>;
        try {
          event = JSON.parse(line) as WatchEvent<T>;
        } catch (err) {
          finish(new ClusterError('unknown', 'The API server sent a watch event that is not JSON.', { target, cause: err, detail: line.slice(0, 200) }));
          return;
        }
        if (event.type === 'ERROR') {
          const status = event.object as unknown as KubeStatus;
          finish(errorFromStatus(status.code ?? 500, status, target));
          return;
        }
        try {
          onEvent(event);
        } catch (err) {
          finish(err);
          return;
        }
      }
      if (ended) finish();
    };
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      armStallTimer();
      pending += chunk;
      if (!paused) handle();
    });
    const end = () => {
      ended = true;
      if (!paused) finish();
    };
    res.on('end', end);
    res.on('close', end);
    res.on('error', (err) => finish(errorFromNetwork(err, server, target)));
  });
}

/** A GET of `path` on a pod's port through the API server's proxy (RBAC `get pods/proxy`). */
function podProxy(namespace: string, pod: string, port: number, path: string, signal?: AbortSignal): Parameters<Transport['request']>[0] {
  const target = { verb: 'get', resource: 'pods/proxy', namespace, name: pod };
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}:${port}/proxy`;
  return { method: 'GET', path: `${base}${path}`, target, signal, idleTimeoutMs: 5000 };
}
