// What the benchmarks that start their own testbed share: running the testbed's command line, the testbed's
// lifetime around a benchmark body, and the "extension against a baseline" summary they all report.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ClusterClient } from '../src/cluster/client';

const cli = resolve(process.cwd(), 'testbed', 'testbed.mjs');

/** Runs a program without a shell; rejects with its stderr's end when it fails or outlives `timeoutMs`. */
export function run(file: string, args: string[], timeoutMs = 10 * 60_000): Promise<string> {
  return new Promise((ok, fail) =>
    execFile(file, args, { maxBuffer: 64 << 20, timeout: timeoutMs }, (err, out, errOut) => (err ? fail(new Error(`${file} ${args.join(' ')}: ${err.message}\n${errOut.slice(-2000)}`)) : ok(out))),
  );
}

/** The testbed's command line (testbed/testbed.mjs). */
export const testbed = (args: string[]) => run(process.execPath, [cli, ...args]);

export interface OwnTestbed {
  /** The environment `up --json` printed: KUBECONFIG, ISTIO_MESH_TESTBED_CONTEXT, the tools' paths… */
  readonly env: Record<string, string>;
  /** The testbed's state dir, for `testbed(['…', '--dir', dir])`. */
  readonly dir: string;
  readonly client: ClusterClient;
}

/**
 * Starts a testbed of its own in a temporary dir (`up` with `upArgs`, e.g. `['--istio']`), runs `body`, and
 * always stops and removes it, so benchmarks never share a cluster's state.
 */
export async function withOwnTestbed<T>(upArgs: string[], body: (t: OwnTestbed) => Promise<T>): Promise<T> {
  const dir = join(mkdtempSync(join(tmpdir(), 'istio-mesh-bench-')), 'testbed');
  try {
    const env = JSON.parse(await testbed(['up', ...upArgs, '--json', '--dir', dir])) as Record<string, string>;
    const client = await ClusterClient.connect({ settingPath: env.KUBECONFIG, context: env.ISTIO_MESH_TESTBED_CONTEXT });
    try {
      return await body({ env, dir, client });
    } finally {
      client.dispose();
    }
  } finally {
    await testbed(['down', '--dir', dir]).catch((e: Error) => console.error(e.message));
    rmSync(resolve(dir, '..'), { recursive: true, force: true });
  }
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Medians of the extension's and the baseline's times over the rounds, and their ratio. */
export function medians<R>(results: R[], extension: (r: R) => number, baseline: (r: R) => number) {
  const ours = median(results.map(extension));
  const theirs = median(results.map(baseline));
  return { extensionMedianMs: Math.round(ours), baselineMedianMs: Math.round(theirs), ratio: Number((ours / theirs).toFixed(3)) };
}

export const seconds = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;

/** A benchmark's entry: a failure is printed and sets the exit status (bench/run.mjs reports it). */
export function runBench(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
