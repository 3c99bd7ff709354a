// The big cluster of the mesh benchmarks: namespaces bench-000… with one Deployment `app` each, whose pods kwok fakes
// (bench/mesh.ts on one cluster, bench/meshClusters.ts on each cluster of a two-cluster testbed).
import type { ClusterClient } from '../src/cluster/client';
import { isClusterError } from '../src/cluster/errors';
import { Kinds } from '../src/cluster/kinds';
import { deployment, namespace } from '../test/builders/kube';

export interface BenchSize {
  readonly namespaces: number;
  readonly perNamespace: number;
}

/** BENCH_NAMESPACES and BENCH_PODS (pods of one cluster) when set, else the benchmark's defaults. */
export function benchSize(defaults: { namespaces: number; pods: number }): BenchSize {
  const namespaces = Number(process.env.BENCH_NAMESPACES ?? defaults.namespaces);
  const pods = Number(process.env.BENCH_PODS ?? defaults.pods);
  return { namespaces, perNamespace: Math.ceil(pods / namespaces) };
}

/** Creates the namespaces and Deployments (what exists already is kept), then waits until every pod runs. */
export async function populate(client: ClusterClient, { namespaces, perNamespace }: BenchSize): Promise<void> {
  const names = Array.from({ length: namespaces }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
  for (let i = 0; i < names.length; i += 20) {
    await Promise.all(names.slice(i, i + 20).map(async (ns) => {
      await client.create(namespace(ns)).catch((e) => { if (!isClusterError(e, 'conflict')) throw e; });
      await createRetrying(client, deployment('app', { namespace: ns, replicas: perNamespace }));
    }));
  }
  const t0 = performance.now();
  for (;;) {
    const pods = await client.list(Kinds.Pod, { labelSelector: 'app=app', pageSize: 0 });
    const running = pods.items.filter((p) => (p as { status?: { phase?: string } }).status?.phase === 'Running').length;
    if (running >= namespaces * perNamespace) break;
    if (performance.now() - t0 > 15 * 60_000) throw new Error(`context ${client.context}: only ${running} bench pods running after 15 minutes`);
    process.stdout.write(`\rbench: waiting for pods in ${client.context}: ${running}/${namespaces * perNamespace} running`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  process.stdout.write('\n');
}

/** Creates `object`; an existing one is left as it is, a refusal while the namespace is still being set up is retried. */
export async function createRetrying(client: ClusterClient, object: Parameters<ClusterClient['create']>[0]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.create(object);
      return;
    } catch (e) {
      if (isClusterError(e, 'conflict')) return;
      // The namespace's default ServiceAccount appears shortly after the namespace.
      if (attempt > 100) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
