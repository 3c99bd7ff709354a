import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { coveredKinds } from './kinds';
import type { YamlLanguageService } from './languageService';
import type { WorkerData, WorkerReply, WorkerRequest } from './protocol';

/** The worker thread of yaml-language-server stopped or failed; the request it was serving is lost. */
export class YamlWorkerError extends Error {
  override readonly name = 'YamlWorkerError';
}

/** Requests without their id (each gets one when sent). */
type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

/**
 * yaml-language-server in a worker thread of this process (still no separate server): the same
 * interface as `createYamlLanguageService`, each call a message. The caller's thread stays free
 * while a file is validated, so the Istio rules run at the same time. A worker that dies fails
 * its pending calls with a `YamlWorkerError`; the next call starts a new one with the current
 * schema. The worker never keeps a process alive while it has nothing to do.
 *
 * A call not answered within `timeoutMs` (a document yaml-language-server loops on) stops the worker the same
 * way, so one file cannot hold up the checks of every other.
 *
 * `workerScript`: the bundled worker entry (dist/yamlWorker.js, built from worker.ts).
 */
export function createWorkerYamlLanguageService(schemaJson: string, workerScript: string, { timeoutMs = 30_000 } = {}): YamlLanguageService {
  if (!existsSync(workerScript)) throw new YamlWorkerError(`yaml-language-server worker not found: ${workerScript} (run npm run build)`);
  let schema = schemaJson;
  let kinds = coveredKinds(schemaJson);
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();

  const fail = (from: Worker, err: Error) => {
    if (worker !== from) return;
    worker = undefined;
    for (const p of pending.values()) p.reject(err);
    pending.clear();
  };
  const start = (): Worker => {
    const w = new Worker(workerScript, { workerData: { schemaJson: schema } satisfies WorkerData });
    w.unref();
    w.on('message', (reply: WorkerReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      pending.delete(reply.id);
      if (pending.size === 0) w.unref();
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(reply.message));
    });
    w.on('error', (err) => fail(w, new YamlWorkerError(`yaml-language-server worker failed: ${err.message}`)));
    w.on('exit', (code) => fail(w, new YamlWorkerError(`yaml-language-server worker stopped (exit code ${code})`)));
    return w;
  };
  const send = <T>(request: Request): Promise<T> => {
    worker ??= start();
    const w = worker;
    const id = ++nextId;
    return new Promise<T>((resolve, reject) => {
      // Referenced while a call waits, so a command-line run does not end before its answer.
      if (pending.size === 0) w.ref();
      const timer = setTimeout(() => {
        fail(w, new YamlWorkerError(`yaml-language-server did not answer within ${timeoutMs / 1000} s and was stopped; the next call starts it again`));
        void w.terminate();
      }, timeoutMs);
      timer.unref();
      const settle = <V>(then: (value: V) => void) => (value: V) => {
        clearTimeout(timer);
        then(value);
      };
      pending.set(id, { resolve: settle(resolve as (value: unknown) => void), reject: settle(reject) });
      w.postMessage({ ...request, id } as WorkerRequest);
    });
  };

  return {
    validate: (uri, text) => send({ op: 'validate', uri, text }),
    // Positions are copied field by field: the editor's are class instances whose getters a message would drop.
    hover: (uri, text, { line, character }) => send({ op: 'hover', uri, text, position: { line, character } }),
    complete: (uri, text, { line, character }) => send({ op: 'complete', uri, text, position: { line, character } }),
    covers: (apiVersion, kind) => kinds.has(`${apiVersion} ${kind}`),
    setSchema(json) {
      schema = json;
      kinds = coveredKinds(json);
      // A running worker switches now; a new one starts with `schema`.
      if (worker) void send({ op: 'setSchema', schemaJson: json }).catch(() => undefined);
    },
    dispose() {
      const w = worker;
      worker = undefined;
      if (w) {
        for (const p of pending.values()) p.reject(new YamlWorkerError('yaml-language-server worker disposed'));
        pending.clear();
        void w.terminate();
      }
    },
  };
}
