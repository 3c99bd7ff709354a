// Benchmark of the Mesh view across clusters (issue 19, item 5): a two-cluster multi-primary testbed of its own, each
// cluster populated with BENCH_NAMESPACES namespaces × BENCH_PODS pods (default 100 × 2,500 per cluster; kwok fakes the
// pods), then in one run, per round:
//   baseline  the two clusters' raw pod lists in parallel through client-node (CoreV1Api), and one cluster's alone
//   two       the first render across both clusters as the view's sessions build it: a LiveMesh per context, every
//             collection listed, each cluster's namespace level built; then the Clusters level's facts (each
//             cluster's reads of istio-system) and the mesh checks over both
//   one       the same for one cluster alone (cluster 1 and 2 by turns), for the "linear in clusters" ratio
//   memory    heap and RSS a fresh process adds by holding the synced live meshes of both clusters (and of one), after GC
// Rounds alternate which side goes first. Targets (issue 19): two clusters ≤ 2x the two raw lists, and linear in clusters.
//
//   npm run bench -- mesh-clusters -- [--rounds 3]
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { ClusterClient } from '../src/cluster/client';
import { readClusterFacts } from '../src/mesh/clusterFactsReader';
import { LiveMesh } from '../src/mesh/live';
import { meshFindings } from '../src/mesh/meshChecks';
import { namespaceDifferences } from '../src/mesh/multiCluster';
import { silentLogger } from '../src/util/log';
import { median, runBench, seconds, withOwnTestbed } from './ownTestbed';
import { benchSize, populate } from './populate';
import { recordResult } from './results.mjs';

const size = benchSize({ namespaces: 100, pods: 2500 });
const memoryChild = 'BENCH_MESH_CLUSTERS_MEMORY';
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const mb = (bytes: number) => Math.round(bytes / 1048576);

interface Render {
  /** Store start → every collection of every context listed and each namespace level built. */
  levelsMs: number;
  /** … then each cluster's facts read and the mesh checks evaluated over them (the Clusters level's rows). */
  clustersMs: number;
  pods: number;
  namespaces: number;
  findings: number;
  /** The facts the clusters' reads left unknown, and why. */
  unknown: string[];
}

/** The live meshes of `clients`, started at once as the view's sessions start; each builds its level once synced. */
async function firstRender(clients: ClusterClient[]): Promise<Render> {
  const t0 = performance.now();
  let levelsMs = 0;
  const lives = clients.map((c) => new LiveMesh(c, silentLogger));
  const readings = await Promise.all(lives.map(async (live) => {
    live.start();
    await live.whenSynced();
    const level = live.store.namespaces;
    levelsMs = Math.max(levelsMs, performance.now() - t0);
    return readClusterFacts(live.client, level);
  }));
  const facts = readings.map((r) => r.facts);
  const findings = meshFindings(facts);
  namespaceDifferences(facts);
  const clustersMs = performance.now() - t0;
  const pods = lives.reduce((sum, l) => sum + [...l.store.values('pods')].length, 0);
  const namespaces = lives.reduce((sum, l) => sum + l.store.namespaces.length, 0);
  await Promise.all(lives.map((l) => l.stop()));
  return { levelsMs, clustersMs, pods, namespaces, findings: findings.length, unknown: readings.flatMap((r) => r.unknown) };
}

/** The baseline: each context's pods in one raw list through client-node, the lists in parallel. */
async function rawLists(cores: k8s.CoreV1Api[]): Promise<{ ms: number; pods: number }> {
  const t0 = performance.now();
  const lists = await Promise.all(cores.map((core) => core.listPodForAllNamespaces()));
  return { ms: performance.now() - t0, pods: lists.reduce((sum, l) => sum + l.items.length, 0) };
}

interface Memory { rss: number; heapUsed: number; rssBefore: number; heapBefore: number; pods: number }

/** The child process of the memory figure: sync the live meshes of the contexts named, collect garbage, print memory. */
async function memoryOnly(kubeconfig: string, contexts: string[]): Promise<void> {
  const clients = await Promise.all(contexts.map((context) => ClusterClient.connect({ settingPath: kubeconfig, context })));
  gc();
  const before = process.memoryUsage();
  const lives = clients.map((c) => new LiveMesh(c, silentLogger));
  await Promise.all(lives.map(async (live) => {
    live.start();
    await live.whenSynced();
    return live.store.namespaces;
  }));
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  const pods = lives.reduce((sum, l) => sum + [...l.store.values('pods')].length, 0);
  console.log(JSON.stringify({ rss, heapUsed, rssBefore: before.rss, heapBefore: before.heapUsed, pods } satisfies Memory));
  await Promise.all(lives.map((l) => l.stop()));
  for (const c of clients) c.dispose();
}

function measureMemory(kubeconfig: string, contexts: string[]): Memory {
  // Without --enable-source-maps: the bundle's inline source map would otherwise be held in memory too.
  const execArgv = process.execArgv.filter((a) => a !== '--enable-source-maps');
  const out = execFileSync(process.execPath, [...execArgv, process.argv[1]!], {
    env: { ...process.env, KUBECONFIG: kubeconfig, [memoryChild]: contexts.join(' ') }, encoding: 'utf8', maxBuffer: 1024 * 1024,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Memory;
}

async function bench(rounds: number): Promise<void> {
  await withOwnTestbed(['--clusters', '2', '--istio', 'multi-primary'], async ({ env }) => {
    const contexts = env.ISTIO_MESH_TESTBED_CONTEXTS.split(' ');
    const clients = await Promise.all(contexts.map((context) => ClusterClient.connect({ settingPath: env.KUBECONFIG, context })));
    try {
      console.log(`bench: contexts ${contexts.join(', ')}; populating each with ${size.namespaces} namespaces × ${size.perNamespace} pods`);
      await Promise.all(clients.map((c) => populate(c, size)));
      const cores = contexts.map((context) => {
        const kc = new k8s.KubeConfig();
        kc.loadFromFile(env.KUBECONFIG);
        kc.setCurrentContext(context);
        return kc.makeApiClient(k8s.CoreV1Api);
      });
      await rawLists(cores); // warm up connections and caches on both sides
      const results: { baselineTwo: number; baselineOne: number; two: Render; one: Render; load: number }[] = [];
      for (let round = 1; round <= rounds; round++) {
        const alone = (round - 1) % clients.length;
        const r = {} as (typeof results)[number];
        const steps = [
          async () => {
            r.baselineTwo = (await rawLists(cores)).ms;
            r.baselineOne = (await rawLists([cores[alone]!])).ms;
          },
          async () => {
            r.two = await firstRender(clients);
            r.one = await firstRender([clients[alone]!]);
          },
        ];
        for (const step of round % 2 ? steps : steps.reverse()) await step();
        r.load = Number(loadavg()[0].toFixed(1));
        results.push(r);
        console.log(`round ${round}: two raw lists ${Math.round(r.baselineTwo)} ms, one ${Math.round(r.baselineOne)} ms; two clusters: levels ${Math.round(r.two.levelsMs)} ms, with the Clusters level ${Math.round(r.two.clustersMs)} ms; cluster ${alone + 1} alone: ${Math.round(r.one.levelsMs)} ms, ${Math.round(r.one.clustersMs)} ms; load ${r.load}`);
      }
      const med = (f: (r: (typeof results)[number]) => number) => Math.round(median(results.map(f))!);
      const m = {
        baselineTwoMs: med((r) => r.baselineTwo), baselineOneMs: med((r) => r.baselineOne),
        twoLevelsMs: med((r) => r.two.levelsMs), twoClustersMs: med((r) => r.two.clustersMs),
        oneLevelsMs: med((r) => r.one.levelsMs), oneClustersMs: med((r) => r.one.clustersMs),
      };
      const ratio = (a: number, b: number) => Number((a / b).toFixed(2));
      const vsLists = ratio(m.twoLevelsMs, m.baselineTwoMs);
      const linear = ratio(m.twoLevelsMs, m.oneLevelsMs);
      const baselineLinear = ratio(m.baselineTwoMs, m.baselineOneMs);
      const { pods, namespaces, findings, unknown } = results[0]!.two;
      const two = measureMemory(env.KUBECONFIG, contexts);
      const one = measureMemory(env.KUBECONFIG, contexts.slice(0, 1));
      const added = (x: Memory) => ({ rss: mb(x.rss - x.rssBefore), heap: mb(x.heapUsed - x.heapBefore) });
      const [twoAdded, oneAdded] = [added(two), added(one)];
      const range = (f: (r: (typeof results)[number]) => number) => results.map((r) => Math.round(f(r))).join(', ');

      console.log('');
      console.log(`two clusters: ${namespaces} namespaces, ${pods} pods; mesh checks found ${findings} problem(s)`);
      for (const line of unknown) console.log(`  unknown: ${line}`);
      console.log(`baseline: two raw pod lists in parallel   ${m.baselineTwoMs} ms (rounds ${range((r) => r.baselineTwo)}); one cluster's: ${m.baselineOneMs} ms (${baselineLinear}x for two)`);
      console.log(`two clusters: namespace levels built       ${m.twoLevelsMs} ms (rounds ${range((r) => r.two.levelsMs)})   ${vsLists}x the two raw lists (target ≤ 2x)`);
      console.log(`one cluster:  namespace level built        ${m.oneLevelsMs} ms (rounds ${range((r) => r.one.levelsMs)})   two / one ${linear}x (linear: ≤ 2x)`);
      console.log(`with the Clusters level (facts, checks)    two ${m.twoClustersMs} ms, one ${m.oneClustersMs} ms`);
      console.log(`memory a process adds holding the live meshes: two clusters (${two.pods} pods) RSS ${twoAdded.rss} MB, heap ${twoAdded.heap} MB; one cluster (${one.pods} pods) RSS ${oneAdded.rss} MB, heap ${oneAdded.heap} MB`);
      const podsText = pods.toLocaleString('en');
      // The reader names this fact "istiod's sync state" when it could not read it (clusterFactsReader.ts).
      const syncUnread = unknown.some((u) => u.startsWith("istiod's sync state"));
      console.log(`recorded for the README: ${recordResult('mesh-clusters', [
        {
          what: `Mesh view across 2 clusters × ${size.namespaces} namespaces × ${(size.namespaces * size.perNamespace).toLocaleString('en')} pods (${namespaces} namespaces, ${podsText} pods in all): every list of both contexts, both namespace levels built (plain Node, median of ${rounds})`,
          ours: `${seconds(m.twoLevelsMs)} (${vsLists}x); with the Clusters level's facts and checks ${seconds(m.twoClustersMs)}${syncUnread ? " (istiod's sync state unread: see the bench's output)" : " (istiod's sync state read)"}`,
          baseline: `two raw pod lists in parallel: ${seconds(m.baselineTwoMs)}; target ≤ 2x`,
        },
        {
          what: 'The same for one of the clusters alone (linear in clusters)',
          ours: `${seconds(m.oneLevelsMs)}: two clusters take ${linear}x one`,
          baseline: `one raw pod list: ${seconds(m.baselineOneMs)} (two in parallel ${baselineLinear}x)`,
        },
        {
          what: `Memory the two live meshes add for those ${podsText} pods (a process of its own)`,
          ours: `${twoAdded.rss} MB RSS (${twoAdded.heap} MB heap); one cluster's: ${oneAdded.rss} MB RSS (${oneAdded.heap} MB heap)`,
          baseline: '—',
        },
      ], { size, rounds: results, medians: m, ratios: { vsLists, linear, baselineLinear }, pods, namespaces, findings, unknown, memory: { two, one } })}`);
    } finally {
      for (const c of clients) c.dispose();
    }
  });
}

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });
runBench(async () => {
  const child = process.env[memoryChild];
  if (child) await memoryOnly(process.env.KUBECONFIG!, child.split(' '));
  else await bench(Number(values.rounds));
});
