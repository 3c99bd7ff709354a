// Benchmark of the live mesh on a big cluster (issue 3, item 5). Populates the cluster of KUBECONFIG with
// BENCH_NAMESPACES namespaces × BENCH_PODS pods (kwok fakes the pods), then measures in one run:
//   baseline  one raw list of all pods through client-node (CoreV1Api), and `kubectl get pods -A` if found
//   first     store start → every collection listed → the whole namespace level built
//   change    namespace label patch → the namespace model shows it
//   memory    heap and RSS of a fresh process that holds only the synced live mesh (after GC), as the
//             extension host would; the main process has the raw lists of the baseline in its heap
// Figures are printed, not asserted. Run: npm run bench -- mesh.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { ClusterClient } from '../src/cluster/client';
import { LiveMesh } from '../src/mesh/live';
import { silentLogger } from '../src/util/log';
import { benchSize, populate } from './populate';
import { recordResult } from './results.mjs';

const size = benchSize({ namespaces: 200, pods: 5000 });
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const ms = (t0: number) => Math.round(performance.now() - t0);

function findKubectl(): string | undefined {
  const root = join(homedir(), '.cache', 'istio-mesh', 'testbed');
  if (!existsSync(root)) return undefined;
  for (const dir of readdirSync(root)) {
    for (const candidate of [join(root, dir, 'kubectl'), join(root, dir, 'bin', 'kubectl'), join(root, dir, '_output', 'bin', 'kubectl')]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

function timeKubectl(kubectl: string, kubeconfig: string): Promise<number> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => execFile(kubectl, ['--kubeconfig', kubeconfig, 'get', 'pods', '-A', '--no-headers'], { maxBuffer: 256 * 1024 * 1024 }, (err) => (err ? reject(err) : resolve(ms(t0)))));
}

/** The child process of the memory figure: sync the live mesh, collect garbage, print process memory as JSON. */
async function memoryOnly(client: ClusterClient): Promise<void> {
  gc();
  const before = process.memoryUsage();
  const live = new LiveMesh(client, silentLogger, { debounceMs: 20, maxWaitMs: 100 });
  live.start();
  await live.whenSynced();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  console.log(JSON.stringify({ rss, heapUsed, rssBefore: before.rss, heapBefore: before.heapUsed, pods: [...live.store.values('pods')].length }));
  await live.stop();
}

function measureMemory(): { rss: number; heapUsed: number; rssBefore: number; heapBefore: number; pods: number } {
  // Without --enable-source-maps: the bundle's inline source map would otherwise be held in memory too.
  const execArgv = process.execArgv.filter((a) => a !== '--enable-source-maps');
  const out = execFileSync(process.execPath, [...execArgv, process.argv[1]!], {
    env: { ...process.env, BENCH_MESH_MEMORY_ONLY: '1' }, encoding: 'utf8', maxBuffer: 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

async function main(): Promise<void> {
  const kubeconfig = process.env.KUBECONFIG;
  if (!kubeconfig) throw new Error('Set KUBECONFIG to the testbed (node testbed/testbed.mjs env).');
  const client = await ClusterClient.connect({ settingPath: kubeconfig.split(':')[0], context: process.env.ISTIO_MESH_TESTBED_CONTEXT });
  if (process.env.BENCH_MESH_MEMORY_ONLY) {
    await memoryOnly(client);
    client.dispose();
    return;
  }
  console.log(`bench: context ${client.context}; populating ${size.namespaces} namespaces × ${size.perNamespace} pods`);
  await populate(client, size);

  // Baseline: one raw list through client-node's typed API (what an extension without a cache would do).
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig.split(':')[0]);
  if (process.env.ISTIO_MESH_TESTBED_CONTEXT) kc.setCurrentContext(process.env.ISTIO_MESH_TESTBED_CONTEXT);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await core.listPodForAllNamespaces(); // warm up connections and caches on both sides
  const baselines: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const list = await core.listPodForAllNamespaces();
    baselines.push(ms(t0));
    if (i === 0) console.log(`bench: ${list.items.length} pods in the cluster`);
  }
  const baseline = Math.min(...baselines);
  const kubectl = findKubectl();
  const kubectlMs = kubectl ? await timeKubectl(kubectl, kubeconfig.split(':')[0]) : undefined;

  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const live = new LiveMesh(client, silentLogger, { debounceMs: 20, maxWaitMs: 100 });
  live.start();
  await live.whenSynced();
  const synced = ms(t0);
  const level = live.store.namespaces;
  const firstRender = ms(t0);
  const injectedBefore = level.filter((n) => n.injection.state === 'on').length;

  gc();
  const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;

  // A label change: patch, then wait for the store's change event to show it in the model.
  const target = 'bench-000';
  const t1 = performance.now();
  const seen = new Promise<void>((resolve) => {
    const sub = live.store.onDidChange(() => {
      if (live.store.namespace(target)?.injection.state === 'on') {
        sub.dispose();
        resolve();
      }
    });
  });
  await client.labelNamespace(target, { 'istio-injection': 'enabled' });
  await seen;
  const change = ms(t1);
  const restart = live.store.namespace(target)?.restartNeeded ?? 0;
  await client.labelNamespace(target, { 'istio-injection': null });

  console.log('');
  console.log(`namespaces ${level.length} (injected ${injectedBefore}), pods ${[...live.store.values('pods')].length}`);
  console.log(`baseline: one pod list via client-node   ${baseline} ms (best of 3: ${baselines.join(', ')})`);
  if (kubectlMs !== undefined) console.log(`baseline: kubectl get pods -A             ${kubectlMs} ms`);
  else console.log('baseline: kubectl not found in ~/.cache/istio-mesh/testbed');
  console.log(`store synced (8 lists)                   ${synced} ms`);
  console.log(`namespace level built                    ${firstRender} ms   ratio ${(firstRender / baseline).toFixed(2)}x of one list (target ≤ 2x)`);
  console.log(`label change → model                     ${change} ms   (target < 1000 ms; ${restart} pods flagged "needs restart")`);
  await live.stop();
  const memory = measureMemory();
  const mb = (bytes: number) => (bytes / 1048576).toFixed(0);
  console.log(`memory: store heap ${heapMb.toFixed(1)} MB; a process holding only the live mesh of ${memory.pods} pods: RSS ${mb(memory.rss)} MB, heap ${mb(memory.heapUsed)} MB, of which the live mesh added RSS ${mb(memory.rss - memory.rssBefore)} MB, heap ${mb(memory.heapUsed - memory.heapBefore)} MB (target < 150 MB)`);
  const s = (t: number) => `${(t / 1000).toFixed(2)} s`;
  const pods = memory.pods;
  console.log(`recorded for the README: ${recordResult('mesh', [
    { what: `${level.length} namespaces, ${pods.toLocaleString('en')} pods: namespace level built (plain Node)`, ours: s(firstRender), baseline: `one raw pod list: ${s(baseline)}${kubectlMs === undefined ? '' : `; \`kubectl get pods -A\`: ${s(kubectlMs)}`}` },
    { what: 'A namespace label change shown in the model', ours: `${change} ms`, baseline: '—' },
    { what: `Memory the live mesh adds for those ${pods.toLocaleString('en')} pods (a process of its own)`, ours: `${mb(memory.rss - memory.rssBefore)} MB RSS (${mb(memory.heapUsed - memory.heapBefore)} MB heap)`, baseline: '—' },
  ], { namespaces: level.length, pods, baselineMs: baseline, kubectlMs, syncedMs: synced, firstRenderMs: firstRender, changeMs: change, heapMb, memory })}`);
  client.dispose();
}

main().then(() => process.exit(0), (err) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
