import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { nodeFileSystem, type FileSystem } from '../../../src/yaml/files';
import { lintPaths, type LintEvent, type LintOptions } from '../../../src/yaml/lintPaths';
import { EarlyWorker, idleThreads, readCpu, spareWorkers } from '../../../src/yaml/parallel/early';
import { MIN_BYTES_PER_THREAD, shareFiles, threadsFor } from '../../../src/yaml/parallel/plan';
import { Exchanges } from '../../../src/yaml/parallel/protocol';
import { lintInParallel, type ParallelOptions } from '../../../src/yaml/parallel/run';
import { YamlChecker } from '../../../src/yaml/checker';
import { bundledSchemaValidation } from '../../../src/yaml/schema/bundledValidation';
import { istioModuleDir } from '../../oracles/istioSource';
import { repoRoot } from '../repoRoot';
import { yaml } from './helpers';

const dist = join(repoRoot(), 'dist');
const WORKER = join(dist, 'lintWorker.js');
const CLI = join(dist, 'cli.js');

async function collect(events: AsyncIterable<LintEvent>): Promise<LintEvent[]> {
  const out: LintEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const oneThread = (paths: readonly string[], options: LintOptions) => collect(lintPaths(paths, options));
const shared = (paths: readonly string[], options: ParallelOptions) => collect(lintInParallel(paths, { jobs: 3, workerScript: WORKER, ...options }));

/** A file system that records which files this thread read (the workers read theirs with Node's). */
function readsCounted(failing?: string): { fs: FileSystem; read: Set<string> } {
  const read = new Set<string>();
  const fs: FileSystem = {
    ...nodeFileSystem,
    readText: async (path) => {
      read.add(path);
      if (path === failing) throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES' });
      return nodeFileSystem.readText(path);
    },
  };
  return { fs, read };
}

const NAMESPACE = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop');
// Asks for a sidecar in `shop` (the namespace in the first file then gets its finding) and has a fixable label.
const ASKING = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', '  labels:', '    sidecar.istio.io/inject: "true"', 'spec:', '  template:', '    metadata:', '      annotations:', '        sidecar.istio.io/inject: "true"', '      labels:', '        app: web', '    spec:', '      containers: []');
const POD_YES = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels:', '    sidecar.istio.io/inject: yes', 'spec:', '  containers: []');
const CLEAN = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: c', 'data:', `  filler: "${'x'.repeat(900)}"`);

/**
 * 240 files of about 1 KB: the first batches go to this thread (the workers start meanwhile), the others
 * alternate between the three threads. The Namespace comes first, workloads asking for it are spread over the
 * others; a FIFO and a broken link sit among them.
 */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'istio-lint-parallel-'));
  for (let i = 0; i < 240; i++) {
    const name = `f${String(i).padStart(3, '0')}.yaml`;
    writeFileSync(join(dir, name), i === 0 ? NAMESPACE : i % 10 === 9 ? ASKING : i % 7 === 3 ? POD_YES : CLEAN);
  }
  execFileSync('mkfifo', [join(dir, 'f150-pipe.yaml')]);
  symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'f120-broken.yaml'));
  return dir;
}

/** Events with the run's folder named the same, so that runs over two copies compare. */
const relative = (events: LintEvent[], dir: string) => JSON.parse(JSON.stringify(events).split(dir).join('<dir>')) as unknown;

describe('lint shared among worker threads', function () {
  this.timeout(180_000);

  before(() => {
    assert.ok(existsSync(WORKER), `${WORKER} is missing: node scripts/build.mjs builds it`);
  });

  it('starts no worker for a run too small to be worth one, and as many as the input and --jobs allow', async () => {
    assert.equal(threadsFor(2 * MIN_BYTES_PER_THREAD - 1, 8), 1);
    assert.equal(threadsFor(2 * MIN_BYTES_PER_THREAD, 8), 2);
    assert.equal(threadsFor(100 * MIN_BYTES_PER_THREAD, 3), 3);
    assert.equal(threadsFor(100 * MIN_BYTES_PER_THREAD, 1), 1);
    // A worker that cannot start would fail the run: this one never starts.
    const dir = mkdtempSync(join(tmpdir(), 'istio-lint-parallel-'));
    writeFileSync(join(dir, 'a.yaml'), NAMESPACE);
    writeFileSync(join(dir, 'b.yaml'), ASKING);
    // The run walked the folder to size it: it stays here without walking it again.
    let listed = 0;
    const counting: FileSystem = { ...nodeFileSystem, readdir: async (path) => (listed++, nodeFileSystem.readdir(path)) };
    assert.deepEqual(await shared([dir], { workerScript: join(dir, 'no-such-worker.js'), jobs: 8, fs: counting }), await oneThread([dir], {}));
    assert.equal(listed, 1, 'the folder is listed once');
    // Nor for one file, however large: a worker would have nothing to check.
    const large = join(dir, 'large.yaml');
    writeFileSync(large, Array.from({ length: 3000 }, (_, i) => CLEAN.replace('name: c', `name: c${i}`)).join('---\n'));
    assert.deepEqual(await shared([large], { workerScript: join(dir, 'no-such-worker.js'), jobs: 8 }), await oneThread([large], {}));
  });

  it('shares neighbouring files in batches, the first to this thread while the workers start, every thread some', () => {
    const owner = shareFiles(Array.from({ length: 2000 }, () => 1000), 3);
    assert.equal(owner.length, 2000);
    assert.equal(owner[0], 0);
    const counts = [0, 1, 2].map((t) => owner.filter((o) => o === t).length);
    assert.ok(counts.every((c) => c > 400), counts.join(' '));
    // This thread's head start, then batches of at most 16 neighbours.
    const head = owner.findIndex((o) => o !== 0);
    assert.ok(head > 16 && head < 1000, `head start of ${head} files`);
    let run = 1;
    for (let i = head + 1; i < owner.length; i++) {
      run = owner[i] === owner[i - 1] ? run + 1 : 1;
      assert.ok(run <= 16, `run of ${run} at ${i}`);
    }
    // A small run shared from the start (tests): the first batch is this thread's, the next a worker's.
    assert.equal(shareFiles(Array.from({ length: 64 }, () => 1000), 2, true).findIndex((o) => o !== 0), 16);
  });

  it("gives the one-thread run's events, in order, over Istio's samples, manifests and analyzer testdata", async () => {
    const root = istioModuleDir();
    const paths = ['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata'].map((d) => join(root, d));
    const schemas = bundledSchemaValidation(dist);
    try {
      const expected = await oneThread(paths, { schemas: schemas.load });
      const { fs, read } = readsCounted();
      const actual = await shared(paths, { schemas: schemas.load, fs });
      assert.deepEqual(actual, expected);
      const files = expected.filter((e) => 'findings' in e).length;
      assert.ok(files > 500 && expected.some((e) => 'findings' in e && e.findings.some((f) => f.code === 'schema')), 'the corpus has its findings');
      // The workers checked a good part of it: this thread reads the first 600 KB while they start, then a third.
      assert.ok(read.size > 0 && read.size < files * 0.7, `this thread read ${read.size} of ${files} files`);
    } finally {
      schemas.dispose();
    }
  });

  it('keeps facts across shares, and each skipped path and unreadable file in its place, once', async () => {
    const dir = corpus();
    const failing = join(dir, 'f001.yaml');
    const expected = await oneThread([dir], { fs: readsCounted(failing).fs });
    const { fs, read } = readsCounted(failing);
    const actual = await shared([dir], { fs, shareSmallRuns: true });
    assert.deepEqual(actual, expected);
    const asking = readdirSync(dir).filter((n) => n.endsWith('9.yaml')).map((n) => join(dir, n));
    assert.ok(asking.some((f) => !read.has(f)), 'some workload asking for the namespace was checked by a worker');
    assert.deepEqual(actual.flatMap((e) => ('skipped' in e ? [e.skipped.slice(dir.length + 1)] : [])), ['f001.yaml', 'f120-broken.yaml', 'f150-pipe.yaml']);
    // The Namespace (this thread) is reported for the workload that asks for it (a worker's file).
    const first = actual.find((e) => 'file' in e && e.file.endsWith('f000.yaml'));
    assert.ok(first && 'findings' in first && first.findings.some((f) => f.code === 'namespace-not-injected'), JSON.stringify(first));
  });

  for (const fix of ['write', 'dry-run'] as const) {
    it(`--fix${fix === 'write' ? '' : '-dry-run'}: the same fixes, each file fixed by one thread, the same files after`, async () => {
      const one = corpus();
      const two = mkdtempSync(join(tmpdir(), 'istio-lint-parallel-'));
      cpSync(one, two, { recursive: true, verbatimSymlinks: true, filter: (src) => !src.endsWith('pipe.yaml') });
      execFileSync('mkfifo', [join(two, 'f150-pipe.yaml')]);
      const writes = new Map<string, number>();
      const counted: FileSystem = {
        ...nodeFileSystem,
        writeText: async (path, text) => {
          writes.set(path, (writes.get(path) ?? 0) + 1);
          return nodeFileSystem.writeText(path, text);
        },
      };
      const expected = await oneThread([one], { fix });
      const actual = await shared([two], { fix, fs: counted, shareSmallRuns: true });
      assert.deepEqual(relative(actual, two), relative(expected, one));
      assert.ok(actual.filter((e) => 'fixed' in e && e.fixed.after !== e.fixed.before).length >= 30, 'fixes were made');
      assert.ok([...writes.values()].every((n) => n === 1), 'no file written twice by this thread');
      for (const name of readdirSync(one).filter((n) => n.startsWith('f') && !n.includes('-'))) {
        assert.equal(readFileSync(join(two, name), 'utf8'), readFileSync(join(one, name), 'utf8'), name);
      }
      if (fix === 'dry-run') assert.equal(readFileSync(join(two, 'f003.yaml'), 'utf8'), POD_YES);
      else assert.notEqual(readFileSync(join(two, 'f003.yaml'), 'utf8'), POD_YES);
    });
  }

  it("completes each exchange of facts on every share's side, whatever order the facts come in", async () => {
    const facts = (name: string) => ({ namespacesAskingForSidecars: new Set([name]), namespaceLabels: new Map() });
    const names = (all: readonly { namespacesAskingForSidecars: ReadonlySet<string> }[]) => all.map((f) => [...f.namespacesAskingForSidecars][0]);
    const worker = new Exchanges(3);
    // Another share's facts for the second exchange come before this share's first.
    worker.take({ round: 1, facts: [[5, facts('late-b')]] });
    worker.take({ round: 0, facts: [[0, facts('a')], [4, facts('e')]] });
    let settled = false;
    const first = worker.give([[2, facts('c')]]);
    void first.all.then(() => (settled = true));
    await nextTurn();
    assert.equal(settled, false, 'two of three shares gave');
    worker.take({ round: 0, facts: [[1, facts('b')], [3, facts('d')]] });
    assert.deepEqual(names(await first.all), ['a', 'b', 'c', 'd', 'e']);
    const second = worker.give([[2, facts('late-c')]]);
    assert.equal(second.round, 1);
    worker.take({ round: 1, facts: [[0, facts('late-a')]] });
    assert.deepEqual(names(await second.all), ['late-a', 'late-c', 'late-b']);
  });

  describe('a share reads ahead while the others finish their first pass', () => {
    /** The files of a share, and which of them the share read ahead (`YamlChecker.prepare`) before the facts came. */
    async function readAhead(parsedBudget: number): Promise<{ files: string[]; ahead: string[]; events: LintEvent[] }> {
      const dir = mkdtempSync(join(tmpdir(), 'istio-lint-ahead-'));
      const files = Array.from({ length: 20 }, (_, i) => join(dir, `f${String(i).padStart(2, '0')}.yaml`));
      for (const f of files) writeFileSync(f, CLEAN);
      const ahead: string[] = [];
      const prepare = Object.getOwnPropertyDescriptor(YamlChecker.prototype, 'prepare')?.value as YamlChecker['prepare'];
      YamlChecker.prototype.prepare = function (this: YamlChecker, uri, text, lazy) {
        ahead.push(uri);
        return prepare.call(this, uri, text, lazy);
      };
      try {
        // The other shares answer after many turns of the event loop: this share's reading ahead ends first.
        const share: LintOptions['share'] = async (facts) => {
          for (let i = 0; i < 10 * files.length; i++) await nextTurn();
          return facts.map(([, f]) => f);
        };
        const events = await oneThread([dir], { parsedBudget, share });
        return { files, ahead, events: JSON.parse(JSON.stringify(events).split(dir).join('<dir>')) as LintEvent[] };
      } finally {
        YamlChecker.prototype.prepare = prepare;
      }
    }

    it('keeps what it read as plain values at a sixth of their characters: a budget of a fifth holds every file', async () => {
      const { files, ahead, events } = await readAhead(Math.ceil((20 * CLEAN.length) / 5));
      assert.equal(ahead.length, files.length);
      assert.deepEqual(events, (await readAhead(0)).events);
    });

    it('stops once the budget is spent: what it would read on would be dropped', async () => {
      // Two files fit, the third does not.
      const { ahead, events } = await readAhead(Math.ceil((2.5 * CLEAN.length) / 6));
      assert.equal(ahead.length, 3);
      assert.equal(events.length, 20);
    });
  });

  describe('workers started before the run (spare)', () => {
    it('are started only for lint over a directory, as many as --jobs allows beside this thread', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'istio-lint-spare-'));
      const file = join(dir, 'a.yaml');
      writeFileSync(file, NAMESPACE);
      const counts = (argv: string[]) => {
        const spare = spareWorkers(argv, WORKER);
        void Promise.all(spare.map((w) => w.worker.terminate()));
        return spare.length;
      };
      assert.equal(counts(['lint', '--jobs', '2', dir]), 1);
      assert.equal(counts(['lint', '--jobs=2', '--format', 'json', dir]), 1);
      assert.equal(counts(['lint', '--jobs', '1', dir]), 0);
      assert.equal(counts(['lint', '--jobs', '2', file]), 0, 'named files only: no directory to walk');
      assert.equal(counts(['explain', '--jobs', '2', dir]), 0);
      assert.equal(counts(['lint', '--jobs', 'two', dir]), 0, 'a usage error starts nothing');
    });

    it('are taken by the run, with the same events; those not taken are stopped', async () => {
      const dir = corpus();
      const expected = await oneThread([dir], {});
      const spare = [new EarlyWorker(WORKER), new EarlyWorker(WORKER), new EarlyWorker(WORKER)];
      const exits = spare.map((w) => new Promise<number>((resolve) => w.worker.once('exit', resolve)));
      // Two threads wanted: one spare is taken, the two others stop before the run's first event.
      const actual = await collect(lintInParallel([dir], { jobs: 2, workerScript: WORKER, shareSmallRuns: true, spare }));
      assert.deepEqual(actual, expected);
      assert.equal(await Promise.race([Promise.all(exits.slice(1)).then(() => 'stopped'), new Promise((r) => setTimeout(r, 10_000, 'running'))]), 'stopped');
      // A run that stays on this thread stops every spare.
      const unused = [new EarlyWorker(WORKER)];
      const stopped = new Promise<number>((resolve) => unused[0].worker.once('exit', resolve));
      assert.deepEqual(await collect(lintInParallel([dir], { jobs: 1, workerScript: WORKER, spare: unused })), expected);
      await stopped;
    });

    it('a spare that failed before the run took it fails the run, not hangs it', async () => {
      const dir = corpus();
      const broken = new EarlyWorker(join(dir, 'no-such-worker.js'));
      await new Promise((resolve) => broken.worker.once('exit', resolve));
      await assert.rejects(collect(lintInParallel([dir], { jobs: 2, workerScript: WORKER, shareSmallRuns: true, spare: [broken] })), /no-such-worker|Cannot find module|exit code/);
    });

    it('dist/cli.js: a spare never taken (a run too small to share, a usage error) does not keep the process alive', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'istio-lint-spare-'));
      writeFileSync(join(dir, 'a.yaml'), NAMESPACE);
      const started = Date.now();
      const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'lint', '--jobs', '2', dir], { timeout: 20_000 });
      assert.match(stdout, /1 file\(s\) checked/);
      // A usage error: the command line never reaches the run, and the spare is never even stopped.
      const usage = await promisify(execFile)(process.execPath, [CLI, 'lint', '--jobs', '2', '--format', 'yaml', dir], { timeout: 20_000 }).then(() => 0, (err: { code: number }) => err.code);
      assert.equal(usage, 2);
      assert.ok(Date.now() - started < 10_000);
    });
  });

  describe('idle threads, told from the CPU time other processes take', () => {
    it('finds no idle core while other processes keep every core busy (Linux /proc/stat)', async function () {
      const since = readCpu();
      if (!since) this.skip(); // not Linux, or a container's quota: the 1-minute load average is used instead
      const cores = availableParallelism();
      const spinning = Array.from({ length: cores }, () => spawn(process.execPath, ['-e', 'const end = Date.now() + 3000; while (Date.now() < end);']));
      try {
        await new Promise((resolve) => setTimeout(resolve, 50));
        const from = readCpu();
        await new Promise((resolve) => setTimeout(resolve, 400));
        assert.equal(idleThreads(from), 1);
      } finally {
        for (const p of spinning) p.kill();
      }
    });

    it('reads this process\'s own threads apart: a worker of its own does not count as other work', async function () {
      const from = readCpu();
      if (!from) this.skip();
      const worker = new Worker('const end = Date.now() + 400; while (Date.now() < end);', { eval: true });
      await new Promise((resolve) => worker.once('exit', resolve));
      const now = readCpu();
      assert.ok(now && now.ownMs - from.ownMs >= 300, 'the worker\'s CPU time is this process\'s');
    });
  });

  describe('dist/cli.js lint: --jobs 1 and the shared run print the same bytes', () => {
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26 }).then(
        ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
        (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, stdout: err.stdout, stderr: err.stderr }),
      );

    for (const format of ['text', 'json']) {
      it(`${format}, over Istio's corpus and a folder with skipped entries`, async () => {
        const root = istioModuleDir();
        const paths = [...['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata'].map((d) => join(root, d)), corpus()];
        const one = await run(['lint', '--format', format, '--jobs', '1', ...paths]);
        const many = await run(['lint', '--format', format, '--jobs', '3', ...paths]);
        assert.equal(one.code, 3);
        assert.deepEqual(many, one);
        assert.equal(one.stderr.split('\n').filter(Boolean).length, 2, one.stderr);
      });
    }

    it('refuses --jobs without a number of threads', async () => {
      for (const jobs of ['0', 'two', '-1']) {
        const { code, stderr } = await run(['lint', '--jobs', jobs, CLI]);
        assert.equal(code, 2, jobs);
        assert.match(stderr, /--jobs takes a number of threads/);
      }
    });
  });
});
