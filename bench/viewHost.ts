// The half of the view benchmark (bench/view.ts) that runs inside VS Code's extension host, loaded as the
// `extensionTestsPath` module: what only the extension host can see. It answers the driver on the loopback port
// BENCH_VIEW_PORT until the driver says it is done:
//   GET  /memory  the host's memory after two full garbage collections
//   POST /phase   starts a phase: CPU time, event-loop delay and the tree refreshes (once the extension is active) count from here
//   GET  /phase   the phase so far: CPU ms, wall ms, longest stall, every `onDidChangeTreeData` with its nodes
//   GET  /synced  answers once the extension's live mesh has listed everything
//   POST /done    ends the run
import * as http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { Services } from '../src/services';

const extensionId = 'istio-mesh.istio-mesh';

/** One `onDidChangeTreeData`: when, and the rows it named (`tree`: the whole tree). */
interface Refresh { at: number; rows: string[] }

/** A row's name for the report, read from the node's own fields (the bundle's class names are minified). */
function describe(node: unknown): string {
  const n = node as { workload?: { namespace: string; name: string }; model?: { name: string }; cp?: unknown; children?: unknown };
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
  let phase = { cpu: process.cpuUsage(), wall: performance.now(), refreshes: [] as Refresh[] };
  let subscribed: vscode.Disposable | undefined;
  /** The extension's services once it is active (its view was opened), counting its tree's refreshes from then. */
  const services = (): Services | undefined => {
    const extension = vscode.extensions.getExtension<Services>(extensionId);
    if (!extension?.isActive) return undefined;
    const exports = extension.exports;
    subscribed ??= exports.meshTree.onDidChangeTreeData((change) => {
      const rows = change === undefined ? ['tree'] : (Array.isArray(change) ? change : [change]).map(describe);
      phase.refreshes.push({ at: Date.now(), rows });
    });
    return exports;
  };

  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const routes: Record<string, () => unknown> = {
    'GET /memory': () => {
      gc();
      gc();
      return process.memoryUsage();
    },
    'POST /phase': () => {
      services();
      stalls.reset();
      phase = { cpu: process.cpuUsage(), wall: performance.now(), refreshes: [] };
      return {};
    },
    'GET /phase': () => {
      const cpu = process.cpuUsage(phase.cpu);
      return {
        cpuMs: (cpu.user + cpu.system) / 1000,
        wallMs: performance.now() - phase.wall,
        maxStallMs: stalls.max / 1e6,
        p99StallMs: stalls.percentile(99) / 1e6,
        refreshes: phase.refreshes,
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
    const route = routes[`${req.method} ${req.url}`];
    Promise.resolve()
      .then(() => (route ? route() : Promise.reject(new Error(`no route ${req.method} ${req.url}`))))
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
    stalls.disable();
    server.close();
  }
}
