// Benchmark of the YAML checks (issue 6, item 7) on a generated 10,000-line file of 1,000 documents:
//   - the command line's checks (compiled schema validation, issue 13), in-process and as `node dist/cli.js lint`
//   - full validation: Istio rules + schema validation (yaml-language-server in a worker thread, as the extension
//     runs it; also with it in the same thread), beside yaml-language-server alone with the same schema
//   - re-validation after a one-character edit (the checker re-checks only the edited document)
//   - `istioctl analyze --use-kube=false` on the same file, when an istioctl binary is found (else: says so and where it looked)
// Standalone: node bench/yaml.mjs [--runs N]    As a module: import { benchYaml } from './yaml.mjs'
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';
import { recordResult } from './results.mjs';
import { builtCli, findIstioctl } from './tools.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const TARGET_FULL_RATIO = 1.3;
const TARGET_EDIT_MS = 50;

/** Ten lines per document, cycling through the kinds of a bookinfo-like application. */
function documentLines(i) {
  const name = `app-${i}`;
  const ns = `team-${i % 20}`;
  switch (i % 5) {
    case 0:
      return ['---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ${ns}-${i}`, '  labels:', '    istio-injection: enabled', `    team: t${i % 7}`, '    tier: backend', '    owner: platform'];
    case 1:
      return ['---', 'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, 'spec:', `  selector: {matchLabels: {app: ${name}}}`, `  template: {metadata: {labels: {app: ${name}, sidecar.istio.io/inject: "true"}}, spec: {containers: [{name: app, image: "app:${i}"}]}}`, '  replicas: 2'];
    case 2:
      return ['---', 'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, 'spec:', `  hosts: [${name}]`, '  http:', `  - route: [{destination: {host: ${name}, subset: v1}}]`];
    case 3:
      return ['---', 'apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata:', `  name: ${name}`, 'spec:', `  host: ${name}`, '  subsets:', '  - name: v1', '    labels: {version: v1}'];
    default:
      return ['---', 'apiVersion: v1', 'kind: Service', 'metadata:', `  name: ${name}`, `  namespace: ${ns}`, '  labels: {app: reviews}', 'spec:', `  selector: {app: ${name}}`, '  ports: [{port: 9080, name: http}]'];
  }
}

export function generateManifest(documents = 1000) {
  const lines = [];
  for (let i = 0; i < documents; i++) lines.push(...documentLines(i));
  return lines.join('\n') + '\n';
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Wall time, and CPU time of the whole process (every thread, the worker's and the garbage collector's included). */
async function time(fn) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const result = await fn();
  const used = process.cpuUsage(cpu);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, cpuMs: (used.user + used.system) / 1000, result };
}

/**
 * `istioctl analyze --use-kube=false <file>`, `runs` times: median wall time, the version, and what it reported.
 * Exit status 0 is a clean analysis and 79 an analysis that found errors; anything else is a failure.
 */
async function benchIstioctl(istioctl, path, runs) {
  const run = (args) => promisify(execFile)(istioctl, args, { maxBuffer: 64 << 20 }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (err) => ({ code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` || String(err.message) }),
  );
  const version = (await run(['version', '--remote=false', '--short'])).out.trim().split('\n').pop();
  const times = [];
  let last;
  for (let i = 0; i < runs; i++) {
    const t = await time(() => run(['analyze', '--use-kube=false', path]));
    times.push(t.ms);
    last = t.result;
  }
  const lines = last.out.split('\n').filter((l) => l.trim() !== '');
  if (last.code !== 0 && last.code !== 79) return { failed: `exit ${last.code}: ${lines.slice(-3).join(' | ')}` };
  return { ms: median(times), version, summary: lines.length === 1 ? lines[0].trim() : `${lines.length} lines of findings`, runs };
}

/** The checker and the language service, bundled as the extension ships them (same esbuild options). */
async function loadSources(dir) {
  const empty = join(root, 'scripts', 'empty-module.cjs');
  const outfile = join(dir, 'yaml-bench.cjs');
  const options = {
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', mainFields: ['module', 'main'],
    alias: { prettier: empty, 'prettier/standalone': empty, 'prettier/plugins/yaml': empty, 'prettier/plugins/estree': empty },
  };
  await esbuild.build({
    stdin: {
      contents: "export { YamlChecker } from './src/yaml/checker'; export { createYamlLanguageService } from './src/yaml/schema/languageService'; export { createWorkerYamlLanguageService } from './src/yaml/schema/workerService'; export { createCompiledSchemaValidation } from './src/yaml/schema/compiledService';",
      resolveDir: root, loader: 'ts',
    },
    ...options,
    outfile,
  });
  // The worker thread's entry, as dist/yamlWorker.js.
  const workerScript = join(dir, 'yamlWorker.cjs');
  await esbuild.build({ entryPoints: [join(root, 'src', 'yaml', 'schema', 'worker.ts')], ...options, outfile: workerScript });
  return { ...createRequire(import.meta.url)(outfile), workerScript };
}

export async function benchYaml({ runs = 5, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-bench-'));
  const { YamlChecker, createYamlLanguageService, createWorkerYamlLanguageService, createCompiledSchemaValidation, workerScript } = await loadSources(dir);
  const schema = readFileSync(join(root, 'schemas', 'kubernetes-istio.schema.json'), 'utf8');
  const text = generateManifest(1000);
  const lineCount = text.split('\n').length - 1;
  const path = join(dir, 'mesh.yaml');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  // One character changed in the middle of the file: `replicas: 2` -> `replicas: 3` of a Deployment.
  const at = text.indexOf('replicas: 2', text.length / 2) + 'replicas: '.length;
  const edited = text.slice(0, at) + '3' + text.slice(at + 1);
  const loadBefore = loadavg();

  const ls = await createYamlLanguageService(schema);
  // As the extension and the command line run it: yaml-language-server in a worker thread, the rules beside it.
  const worker = createWorkerYamlLanguageService(schema, workerScript);
  // Compile the schema once in each; every side pays that cost once, before the runs.
  await Promise.all([ls.validate(uri, text), worker.validate(uri, text)]);
  const alone = { full: [], edit: [], cpu: [], editCpu: [] };
  const ours = { full: [], edit: [], cpu: [], editCpu: [] };
  const oneThread = { full: [], edit: [], cpu: [], editCpu: [] };
  // The command line's engine: compiled schema validation, no yaml-language-server (a call to it would fail).
  const compiled = createCompiledSchemaValidation(schema, async () => {
    throw new Error('the command line fell back to yaml-language-server');
  });
  const engine = { full: [], cpu: [] };
  let counts;
  const runAlone = async () => {
    const full = await time(() => ls.validate(uri, text));
    alone.full.push(full.ms);
    alone.cpu.push(full.cpuMs);
    alone.edit.push((await time(() => ls.validate(uri, edited))).ms);
  };
  const runChecker = async (service, into) => {
    const checker = new YamlChecker(async () => service);
    const full = await time(() => checker.check(uri, text, { schema: true }));
    into.full.push(full.ms);
    into.cpu.push(full.cpuMs);
    const edit = await time(() => checker.check(uri, edited, { schema: true }));
    into.edit.push(edit.ms);
    into.editCpu.push(edit.cpuMs);
    return { full: full.result.length, edit: edit.result.length };
  };
  const runOurs = async () => {
    counts = await runChecker(worker, ours);
  };
  const runEngine = async () => {
    const checker = new YamlChecker(async () => compiled, { offline: true });
    const full = await time(() => checker.check(uri, text, { schema: true }));
    engine.full.push(full.ms);
    engine.cpu.push(full.cpuMs);
    if (counts && full.result.length !== counts.full) throw new Error(`the command line's engine found ${full.result.length}, the editor's ${counts.full}`);
  };
  const runOneThread = async () => {
    const c = await runChecker(ls, oneThread);
    if (counts && (c.full !== counts.full || c.edit !== counts.edit)) throw new Error(`one thread found ${JSON.stringify(c)}, the worker ${JSON.stringify(counts)}`);
  };
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first, so neither side always pays for the other's garbage collection.
    const order = i % 2 === 0 ? [runAlone, runOurs, runOneThread, runEngine] : [runOurs, runAlone, runEngine, runOneThread];
    for (const run of order) await run();
  }
  worker.dispose();
  // Ratios of each run's pair (measured back to back), then the median: robust to the machine's load drifting between runs.
  const ratio = (side, key) => median(side[key].map((ms, i) => ms / alone[key][i]));
  const figures = {
    lines: lineCount,
    documents: 1000,
    runs,
    aloneFullMs: median(alone.full),
    aloneEditMs: median(alone.edit),
    fullMs: median(ours.full),
    editMs: median(ours.edit),
    editCpuMs: median(ours.editCpu),
    fullRatio: ratio(ours, 'full'),
    editRatio: ratio(ours, 'edit'),
    oneThreadFullMs: median(oneThread.full),
    oneThreadFullRatio: ratio(oneThread, 'full'),
    oneThreadEditMs: median(oneThread.edit),
    // CPU time depends less on the machine's load than wall time: how much work each side does.
    aloneCpuMs: median(alone.cpu),
    cpuMs: median(ours.cpu),
    oneThreadCpuMs: median(oneThread.cpu),
    engineFullMs: median(engine.full),
    engineCpuMs: median(engine.cpu),
    findings: counts,
  };
  // The command line as a user runs it: a process, startup included (beside istioctl, run by run, below). Under GNU
  // time when it is installed, for the CPU time and peak memory of each process too.
  const cli = builtCli(root, log);
  const processes = [];
  const runCli = async () => {
    const measured = existsSync('/usr/bin/time') ? timedProcess(process.execPath, [cli, 'lint', path], [0, 1]) : undefined;
    if (measured) {
      processes.push(measured);
      return measured.ms;
    }
    const ms = (await time(() => promisify(execFile)(process.execPath, [cli, 'lint', path]).catch((err) => {
      if (err.code !== 1) throw err;
    }))).ms;
    processes.push({ ms });
    return ms;
  };

  const istioctl = findIstioctl();
  const theirProcesses = [];
  if (istioctl.path) {
    const analyze = await benchIstioctl(istioctl.path, path, 3);
    figures.istioctl = { path: istioctl.path, ...analyze };
    // The two processes back to back, each pair's ratio: robust to the load changing during the run.
    const pairs = [];
    for (let i = 0; i < runs && analyze.ms !== undefined; i++) {
      const ours = await runCli();
      const measured = existsSync('/usr/bin/time') ? timedProcess(istioctl.path, ['analyze', '--use-kube=false', path], [0, 79]) : undefined;
      const theirs = measured?.ms ?? (await benchIstioctl(istioctl.path, path, 1)).ms;
      if (measured) theirProcesses.push(measured);
      pairs.push(ours / theirs);
    }
    figures.cliProcessRatio = pairs.length ? median(pairs) : undefined;
  } else {
    figures.istioctl = { skipped: `no istioctl binary; looked in ${istioctl.looked.join(', ')}` };
  }
  if (processes.length === 0) for (let i = 0; i < runs; i++) await runCli();
  figures.cliProcessMs = median(processes.map((p) => p.ms));
  const cpuAndMemory = (list) => (list.length && list[0].cpuMs !== undefined ? { cpuMs: median(list.map((p) => p.cpuMs)), peakMb: Math.max(...list.map((p) => p.peakMb)) } : undefined);
  figures.cliProcess = cpuAndMemory(processes);
  figures.istioctlProcess = theirProcesses.length ? { ms: median(theirProcesses.map((p) => p.ms)), ...cpuAndMemory(theirProcesses) } : undefined;
  figures.load = { before: loadBefore, after: loadavg(), cores: availableParallelism() };

  const f = (ms) => `${ms.toFixed(1)} ms`;
  const load = (l) => l.map((x) => x.toFixed(2)).join(' ');
  log(`YAML checks on ${lineCount} lines / 1000 documents (medians of ${runs} runs; ratios are medians of back-to-back pairs):`);
  log(`  full validation      ours ${f(figures.fullMs)}   yaml-language-server alone ${f(figures.aloneFullMs)}   ratio ${figures.fullRatio.toFixed(2)}x (target <= ${TARGET_FULL_RATIO}x)`);
  log(`                       (ours with yaml-language-server in the same thread: ${f(figures.oneThreadFullMs)}, ratio ${figures.oneThreadFullRatio.toFixed(2)}x; edit ${f(figures.oneThreadEditMs)})`);
  const cpu = (ms) => `${f(ms)} (${(ms / figures.aloneCpuMs).toFixed(2)}x)`;
  log(`  CPU time, full       ours ${cpu(figures.cpuMs)} both threads, same thread ${cpu(figures.oneThreadCpuMs)}, alone ${f(figures.aloneCpuMs)} (medians; garbage collector threads included)`);
  log(`  1-character edit     ours ${f(figures.editMs)} (CPU ${f(figures.editCpuMs)}, both threads)   yaml-language-server alone ${f(figures.aloneEditMs)}   ratio ${figures.editRatio.toFixed(2)}x (target < ${TARGET_EDIT_MS} ms)`);
  log('                       (YamlChecker.check as the editor calls it: rules, analyzers and schema of the edited document)');
  log(`  command line         checks in-process ${f(figures.engineFullMs)} (CPU ${f(figures.engineCpuMs)}), \`node dist/cli.js lint\` ${f(figures.cliProcessMs)} (a process, startup included)${figures.cliProcess ? `, CPU ${f(figures.cliProcess.cpuMs)}, peak ${figures.cliProcess.peakMb.toFixed(0)} MB` : ''}`);
  if (figures.istioctlProcess) log(`  istioctl as a process (GNU time, paired with ours): ${f(figures.istioctlProcess.ms)}, CPU ${f(figures.istioctlProcess.cpuMs)}, peak ${figures.istioctlProcess.peakMb.toFixed(0)} MB`);
  const a = figures.istioctl;
  if (a.ms !== undefined) {
    log(`  istioctl analyze --use-kube=false, same file: ${f(a.ms)} (median of ${a.runs}; ${a.version}; "${a.summary}")   ours/istioctl ${(figures.fullMs / a.ms).toFixed(2)}x`);
    log(`    command line / istioctl: in-process ${(figures.engineFullMs / a.ms).toFixed(2)}x, as a process ${figures.cliProcessRatio.toFixed(2)}x (median of back-to-back pairs)`);
    log(`    istioctl: ${a.path}`);
  } else if (a.failed) {
    log(`  istioctl analyze: NOT MEASURED, it failed: ${a.failed}`);
  } else {
    log(`  istioctl analyze: NOT MEASURED, ${a.skipped}`);
  }
  log(`  machine load (1/5/15 min) before ${load(figures.load.before)}, after ${load(figures.load.after)}, on ${figures.load.cores} cores`);
  figures.pass = figures.fullRatio <= TARGET_FULL_RATIO && figures.editMs < TARGET_EDIT_MS;
  log(`  targets: ${figures.pass ? 'met' : 'NOT met'}`);
  return figures;
}

/** One process under GNU time (`%e %U %S %M`): wall and CPU time in ms, peak resident memory in MB. */
function timedProcess(command, args, okStatus) {
  const out = join(mkdtempSync(join(tmpdir(), 'istio-bench-time-')), 'time');
  const run = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', command, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (!okStatus.includes(run.status ?? -1)) throw new Error(`${command} exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const [wall, user, system, kb] = readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number);
  return { ms: wall * 1000, cpuMs: (user + system) * 1000, peakMb: kb / 1024 };
}

/** The README's rows (bench/results/yaml.json) for a run's figures. */
function tableRows(figures) {
  const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
  const a = figures.istioctl;
  const istioctl = a.ms !== undefined ? `\`istioctl analyze --use-kube=false\`, same run: ${s(a.ms)}` : `\`istioctl analyze\` not measured: ${a.failed ?? a.skipped}`;
  return [
    {
      what: `Checking ${figures.documents.toLocaleString('en-US')} YAML documents (${figures.lines.toLocaleString('en-US')} lines)`,
      ours: `${s(figures.fullMs)} (CPU ${s(figures.cpuMs)}, both threads)`,
      baseline: `yaml-language-server alone: ${s(figures.aloneFullMs)} (ours ${figures.fullRatio.toFixed(2)}x); ${istioctl}`,
    },
    {
      what: `Re-checking after a one-character edit (rules, analyzers and schema of the edited document; ${figures.documents.toLocaleString('en-US')}-document file)`,
      ours: `${figures.editMs.toFixed(1)} ms wall, ${figures.editCpuMs.toFixed(1)} ms CPU`,
      baseline: `target: under ${TARGET_EDIT_MS} ms`,
    },
    {
      what: `\`lint\` on the ${figures.lines.toLocaleString('en-US')}-line file, one process`,
      ours: `${s(figures.cliProcessMs)} wall${figures.cliProcess ? `, ${s(figures.cliProcess.cpuMs)} CPU, ${figures.cliProcess.peakMb.toFixed(0)} MB peak` : ''} (checks in-process ${s(figures.engineFullMs)}` +
        `${a.ms !== undefined ? `, ${(figures.engineFullMs / a.ms).toFixed(2)}x istioctl` : ''}; the rest is start-up and warm-up)`,
      baseline: a.ms !== undefined
        ? `${figures.istioctlProcess ? `\`istioctl analyze --use-kube=false\`, paired runs: ${s(figures.istioctlProcess.ms)} wall, ${s(figures.istioctlProcess.cpuMs)} CPU, ${figures.istioctlProcess.peakMb.toFixed(0)} MB peak` : istioctl} (ours ${figures.cliProcessRatio.toFixed(2)}x as a process, median of paired runs)`
        : istioctl,
    },
  ];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--runs');
  const figures = await benchYaml({ runs: i > 0 ? Number(process.argv[i + 1]) : 5 });
  console.log(`recorded for the README: ${recordResult('yaml', tableRows(figures), figures)}`);
  process.exitCode = figures.pass ? 0 : 1;
}
