// Two runs of the same tier at once must not stop each other's cluster: each gets `<name>-<pid>`, and only
// the dirs of runs whose process is gone are cleared.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from '../repoRoot';

interface TestbedLib {
  runDir(name: string, options: { log: (message: string) => void }): Promise<string>;
  down(options: { dir: string; log: (message: string) => void }): Promise<void>;
}

/** The start time Linux records for a pid (field 22 of /proc/<pid>/stat), as the testbed keeps it. */
function startTime(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('testbed run dirs', () => {
  let cache: string;
  let saved: string | undefined;
  let lib: TestbedLib;
  before(async () => {
    // A computed URL, so the bundler leaves the testbed's own ES module to Node.
    lib = (await import(pathToFileURL(join(repoRoot(), 'testbed', 'lib.mjs')).href)) as TestbedLib;
  });
  beforeEach(() => {
    saved = process.env.ISTIO_MESH_TESTBED_CACHE;
    cache = mkdtempSync(join(tmpdir(), 'istio-mesh-rundir-'));
    process.env.ISTIO_MESH_TESTBED_CACHE = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.ISTIO_MESH_TESTBED_CACHE;
    else process.env.ISTIO_MESH_TESTBED_CACHE = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  function stateDirOf(entry: string): string {
    const dir = join(cache, entry);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '.istio-mesh-testbed'), '');
    return dir;
  }

  it("gives each run its own dir, clears those of runs that are gone and keeps those of runs still going", async () => {
    const gone = stateDirOf(`run-x-${await deadPid()}`);
    const older = stateDirOf('run-x');
    const going = stateDirOf(`run-x-${process.ppid}`);
    const otherTier = stateDirOf(`run-x-y-${await deadPid()}`);
    const dir = await lib.runDir('run-x', { log: () => {} });
    assert.equal(dir, join(cache, `run-x-${process.pid}`));
    assert.equal(existsSync(gone), false, 'the dir of a run killed hard is cleared');
    assert.equal(existsSync(older), false, 'the unsuffixed dir of older versions is cleared');
    assert.equal(existsSync(going), true, 'a concurrent run keeps its cluster');
    assert.equal(existsSync(otherTier), true, 'another tier whose name starts alike is not touched');
  });

  it('stops the processes of the testbeds nested in a dir before removing it (the clusters of a multi-cluster testbed)', async () => {
    const root = stateDirOf('run-mesh');
    const cluster = join(root, 'cluster-2');
    mkdirSync(join(cluster, 'pids'), { recursive: true });
    writeFileSync(join(cluster, '.istio-mesh-testbed'), '');
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { detached: true, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const pid = child.pid!;
    writeFileSync(join(cluster, 'pids', 'etcd.json'), JSON.stringify({ name: 'etcd', pid, startTime: existsSync('/proc') ? startTime(pid) : undefined }));
    await lib.down({ dir: root, log: () => {} });
    await exited;
    assert.equal(existsSync(root), false);
  });
});
