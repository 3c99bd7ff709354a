// The half of the view benchmark (bench/view.ts) that runs inside VS Code's extension host, loaded as the
// `extensionTestsPath` module: what only the extension host can see. It answers the driver on the loopback port
// BENCH_VIEW_PORT until the driver says it is done:
//   GET  /memory  the host's memory after two full garbage collections
//   POST /phase   starts a phase: CPU time, event-loop delay and the tree refreshes (once the extension is active) count from here
//                 (`?activating=1`: the extension is about to be activated, its tree is traced from the moment it is)
//   GET  /phase   the phase so far: CPU ms, wall ms, longest stall, every `onDidChangeTreeData` with its nodes
//                 (`?name=N`: its profile, see below, goes to FILE.N)
//   GET  /synced  answers once the extension's live mesh has listed everything
//   POST /done    ends the run
// With BENCH_VIEW_PROFILE set (a file path), each phase is CPU-profiled (`.cpuprofile`, for Chrome's DevTools or
// scripts/profile-tasks.mjs) into FILE, or FILE.N for a phase read with a name: the driver names the restart before
// the extension is active `before-activation`, and click → first level → synced (activation included) `first-level`.
import { writeFileSync } from 'node:fs';
import * as http from 'node:http';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { Services } from '../src/services';

const extensionId = 'istio-mesh.istio-mesh';

/** One `onDidChangeTreeData`: when, and the rows it named (`tree`: the whole tree). */
interface Refresh { at: number; rows: string[] }
/** A change of the extension's session: its state and how many namespaces its store holds then. */
interface SessionEvent { at: number; state: string; namespaces: number }
/** One call of VS Code into the tree: `getChildren` of a row (from its call to its answer), `getTreeItem` of a row. */
interface TreeCall { at: number; doneAt: number; call: 'children' | 'item'; row: string; description?: string }

/** A row's name for the report, read from the node's own fields (the bundle's class names are minified). */
function describe(node: unknown): string {
  if (node === undefined) return 'root';
  const n = node as { workload?: { namespace: string; name: string }; model?: { name: string }; cp?: unknown; pod?: { name: string } };
  if (n.pod) return `pod ${n.pod.name}`;
  if (n.workload) return `workload ${n.workload.namespace}/${n.workload.name}`;
  if (n.model) return `namespace ${n.model.name}`;
  if (n.cp) return 'control plane';
  return 'namespaces group';
}

export async function run(): Promise<void> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const stalls = monitorEventLoopDelay({ resolution: 5 });
  stalls.enable();
  let phase = { cpu: process.cpuUsage(), wall: performance.now(), refreshes: [] as Refresh[], calls: [] as TreeCall[], events: [] as SessionEvent[] };
  let subscribed: vscode.Disposable | undefined;
  let sessionEvents: vscode.Disposable | undefined;
  const profiler = profile(process.env.BENCH_VIEW_PROFILE);
  /** The extension's services once it is active (its view was opened), counting its tree's refreshes from then. */
  const services = (): Services | undefined => {
    const extension = vscode.extensions.getExtension<Services>(extensionId);
    if (!extension?.isActive) return undefined;
    const exports = extension.exports;
    // Counted from the raw objects: reading `store.namespaces` would build every namespace model on each change.
    sessionEvents ??= exports.mesh.onDidChange(() => phase.events.push({ at: Date.now(), state: exports.mesh.state, namespaces: [...exports.mesh.store?.values('namespaces') ?? []].length }));
    subscribed ??= exports.meshTree.onDidChangeTreeData((change) => {
      const rows = change === undefined ? ['tree'] : (Array.isArray(change) ? change : [change]).map(describe);
      phase.refreshes.push({ at: Date.now(), rows });
    });
    if (!traced.has(exports.meshTree)) trace(exports.meshTree, (call) => phase.calls.push(call));
    return exports;
  };

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const routes: Record<string, (query: URLSearchParams) => unknown> = {
    'GET /memory': () => {
      gc();
      gc();
      return process.memoryUsage();
    },
    'POST /phase': async (query) => {
      // Before the click the extension is not active yet: its tree is traced from the moment it is. (Not polled in a
      // phase that measures the host without it.)
      if (query.has('activating') && !services()) {
        const poll = setInterval(() => services() && clearInterval(poll), 2);
      }
      await profiler?.start();
      stalls.reset();
      phase = { cpu: process.cpuUsage(), wall: performance.now(), refreshes: [], calls: [], events: [] };
      return {};
    },
    'GET /phase': async (query) => {
      const cpu = process.cpuUsage(phase.cpu);
      await profiler?.stop(query.get('name') ?? undefined);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - phase.wall,
        maxStallMs: stalls.max / 1e6,
        p99StallMs: stalls.percentile(99) / 1e6,
        refreshes: phase.refreshes,
        calls: phase.calls,
        events: phase.events,
      };
    },
    'GET /synced': async () => {
      const active = services();
      if (!active) throw new Error(`${extensionId} is not active yet: open its view first`);
      await active.mesh.whenSynced();
      return {};
    },
    'POST /done': () => {
      finish();
      return {};
    },
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = routes[`${req.method} ${url.pathname}`];
    Promise.resolve()
      .then(() => (route ? route(url.searchParams) : Promise.reject(new Error(`no route ${req.method} ${req.url}`))))
      .then((body) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      }, (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(error instanceof Error ? error.message : String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(Number(process.env.BENCH_VIEW_PORT), '127.0.0.1', resolve));
  try {
    await finished;
  } finally {
    subscribed?.dispose();
    sessionEvents?.dispose();
    stalls.disable();
    server.close();
  }
}

const traced = new WeakSet<object>();

/** Records VS Code's calls into the tree provider (the bench's own wrapper around the instance's methods). */
function trace(tree: Services['meshTree'], record: (call: TreeCall) => void): void {
  traced.add(tree);
  const getChildren = tree.getChildren.bind(tree);
  const getTreeItem = tree.getTreeItem.bind(tree);
  tree.getChildren = async (node) => {
    const at = Date.now();
    const children = await getChildren(node);
    record({ at, doneAt: Date.now(), call: 'children', row: describe(node) });
    return children;
  };
  tree.getTreeItem = (node) => {
    const at = Date.now();
    const item = getTreeItem(node);
    const description = typeof item.description === 'string' ? item.description : undefined;
    record({ at, doneAt: Date.now(), call: 'item', row: describe(node), description });
    return item;
  };
}

/** A CPU profile of the extension host per phase, written when the phase is read: to `file`, or `file.<name>`. */
function profile(file: string | undefined) {
  if (!file) return undefined;
  const session = new Session();
  session.connect();
  const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) =>
    session.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  let running = false;
  return {
    start: async () => {
      await post('Profiler.enable');
      await post('Profiler.setSamplingInterval', { interval: 200 });
      await post('Profiler.start');
      running = true;
    },
    stop: async (name?: string) => {
      if (!running) return;
      running = false;
      const { profile } = await post('Profiler.stop') as { profile: unknown };
      writeFileSync(name ? `${file}.${name}` : file, JSON.stringify(profile));
    },
  };
}
