// The `lint` command line over Istio's own manifests (issue 13): samples/, manifests/ and the analyzers' testdata
// of the Istio commit the testbed builds, read from the Go module cache (test/oracles/istioSource.ts), in one call,
// beside `istioctl analyze --use-kube=false` on the same paths and beside yaml-language-server alone (the path the
// command line took before: every file validated by it, in one process); `lint --jobs 1` (one thread) and
// `lint --jobs <cores>` (shared, whatever the load) beside the default run (a thread per idle core); and `analyze` over samples + testdata beside istioctl on those same paths
// (issue 15 item 7). Each side runs in a process of its own,
// measured by GNU time: wall time, CPU time and peak resident memory (medians of the rounds, largest peak).
//
//   npm run bench -- yaml-corpus -- [--rounds 3]
//
// It fails, saying why, without istioctl (ISTIOCTL, the testbed's build, or PATH) or GNU time (/usr/bin/time).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';
import { recordResult } from './results.mjs';
import { builtCli, findIstioctl } from './tools.mjs';
import { istioFiles, istioModuleDir } from '../test/oracles/istioSource';

const root = resolve(__dirname, '..');
const TARGET_PEAK_MB = 300;
const DIRS = ['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata'];
/** `analyze` reads the resources as a cluster would hold them: the samples and the analyzers' testdata, not the charts. */
const ANALYZE_DIRS = ['samples', 'pkg/config/analysis/analyzers/testdata'];
const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' } } });

interface Measure {
  readonly wallS: number;
  readonly cpuS: number;
  readonly peakMb: number;
  readonly status: number;
  readonly stdout: string;
}

/** One run under GNU time: `%e %U %S %M` (wall, user, system, peak RSS in KB) written to a file of its own. */
function timed(command: string, args: readonly string[], okStatus: readonly number[]): Measure {
  const out = join(mkdtempSync(join(tmpdir(), 'istio-mesh-corpus-')), 'time');
  const run = spawnSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', command, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 256 << 20 });
  const figures = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  if (!okStatus.includes(run.status ?? -1)) throw new Error(`${command} exited ${run.status}: ${(run.stderr || run.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  return { wallS: figures[0], cpuS: figures[1] + figures[2], peakMb: figures[3] / 1024, status: run.status ?? -1, stdout: run.stdout };
}

/** yaml-language-server alone, as the command line used it: one in-process service, every YAML file validated in turn. */
async function ylsAloneScript(): Promise<string> {
  const outfile = join(mkdtempSync(join(tmpdir(), 'istio-mesh-corpus-yls-')), 'yls-alone.cjs');
  const empty = join(root, 'scripts', 'empty-module.cjs');
  await esbuild.build({
    stdin: {
      contents: `
        import { readFileSync } from 'node:fs';
        import { resolve } from 'node:path';
        import { pathToFileURL } from 'node:url';
        import { yamlFiles } from './src/yaml/files';
        import { createYamlLanguageService } from './src/yaml/schema/languageService';
        (async () => {
          const service = await createYamlLanguageService(readFileSync(process.env.SCHEMA, 'utf8'));
          let files = 0, diagnostics = 0;
          for await (const entry of yamlFiles(process.argv.slice(2))) {
            if (!('file' in entry)) continue;
            files++;
            diagnostics += (await service.validate(pathToFileURL(resolve(entry.file)).toString(), readFileSync(entry.file, 'utf8'))).length;
          }
          console.log(files + ' files, ' + diagnostics + ' diagnostics');
        })();`,
      resolveDir: root,
      loader: 'ts',
    },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error', mainFields: ['module', 'main'], outfile,
    alias: { prettier: empty, 'prettier/standalone': empty, 'prettier/plugins/yaml': empty, 'prettier/plugins/estree': empty },
  });
  return outfile;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const rounds = Number(values.rounds);
  if (!existsSync('/usr/bin/time')) throw new Error('GNU time is not installed (/usr/bin/time): apt-get install -y time');
  const istioctl = findIstioctl();
  if (!istioctl.path) throw new Error(`no istioctl binary to compare with; looked in ${istioctl.looked.join(', ')}`);
  const moduleDir = istioModuleDir();
  const dirs = DIRS.map((d) => join(moduleDir, d));
  const cores = availableParallelism();
  const analyzeDirs = ANALYZE_DIRS.map((d) => join(moduleDir, d));
  const files = DIRS.flatMap((d) => istioFiles(d));
  const analyzeFiles = ANALYZE_DIRS.flatMap((d) => istioFiles(d)).length;
  const chars = files.reduce((n, f) => n + statSync(f).size, 0);
  const cli = builtCli(root);
  const yls = await ylsAloneScript();
  const schema = join(root, 'schemas', 'kubernetes-istio.schema.json');
  const sides = {
    ours: { label: 'ours: node dist/cli.js lint', run: () => timed(process.execPath, [cli, 'lint', ...dirs], [0, 1]) },
    oursOneThread: { label: 'ours: node dist/cli.js lint --jobs 1', run: () => timed(process.execPath, [cli, 'lint', '--jobs', '1', ...dirs], [0, 1]) },
    oursShared: { label: `ours: lint --jobs ${cores} (shared, forced)`, run: () => timed(process.execPath, [cli, 'lint', '--jobs', String(cores), ...dirs], [0, 1]) },
    istioctl: { label: 'istioctl analyze --use-kube=false', run: () => timed(istioctl.path!, ['analyze', '--use-kube=false', ...dirs], [0, 79]) },
    yls: { label: 'yaml-language-server alone (old path)', run: () => { process.env.SCHEMA = schema; return timed(process.execPath, [yls, ...dirs], [0]); } },
    analyze: { label: 'ours: node dist/cli.js analyze', run: () => timed(process.execPath, [cli, 'analyze', ...analyzeDirs], [0, 1]) },
    istioctlAnalyze: { label: 'istioctl, analyze\'s files', run: () => timed(istioctl.path!, ['analyze', '--use-kube=false', ...analyzeDirs], [0, 79]) },
  };
  const results: Record<keyof typeof sides, Measure[]> = { ours: [], oursOneThread: [], oursShared: [], istioctl: [], yls: [], analyze: [], istioctlAnalyze: [] };
  const loadBefore = loadavg();
  console.log(`Istio's manifests: ${files.length} YAML files, ${(chars / 1e6).toFixed(1)} MB, in ${DIRS.join(', ')} of ${moduleDir.replace(/^.*\//, '')}`);
  for (let i = 0; i < rounds; i++) {
    // Alternate who goes first, so that no side always runs on a cache the other warmed.
    const order = (i % 2 === 0
      ? ['ours', 'istioctl', 'oursOneThread', 'oursShared', 'yls', 'analyze', 'istioctlAnalyze']
      : ['istioctl', 'ours', 'oursShared', 'oursOneThread', 'yls', 'istioctlAnalyze', 'analyze']) as (keyof typeof sides)[];
    for (const side of order) results[side].push(sides[side].run());
  }
  const row = (side: keyof typeof sides) => {
    const list = results[side];
    return { wall: median(list.map((m) => m.wallS)), cpu: median(list.map((m) => m.cpuS)), peak: Math.max(...list.map((m) => m.peakMb)) };
  };
  const figures = {
    files: files.length, megabytes: chars / 1e6, analyzeFiles, rounds, cores,
    ours: row('ours'), oursOneThread: row('oursOneThread'), oursShared: row('oursShared'), istioctl: row('istioctl'), yls: row('yls'), analyze: row('analyze'), istioctlAnalyze: row('istioctlAnalyze'),
  };
  for (const side of Object.keys(sides) as (keyof typeof sides)[]) {
    const f = figures[side];
    const each = results[side].map((m) => m.wallS.toFixed(2)).join(' ');
    console.log(`  ${sides[side].label.padEnd(40)} wall ${f.wall.toFixed(2).padStart(6)} s   CPU ${f.cpu.toFixed(2).padStart(6)} s   peak RSS ${f.peak.toFixed(0).padStart(5)} MB   (walls: ${each})`);
  }
  const summary = results.ours[0].stdout.trim().split('\n').pop();
  console.log(`  ours said: ${summary}; yaml-language-server alone: ${results.yls[0].stdout.trim()}; istioctl exit ${results.istioctl[0].status} (79: it found errors)`);
  console.log(`  ours / istioctl: wall ${(figures.ours.wall / figures.istioctl.wall).toFixed(2)}x, peak ${(figures.ours.peak / figures.istioctl.peak).toFixed(2)}x;` +
    ` ours / yaml-language-server alone: wall ${(figures.ours.wall / figures.yls.wall).toFixed(3)}x, peak ${(figures.ours.peak / figures.yls.peak).toFixed(2)}x`);
  console.log(`  istioctl: ${istioctl.path}; medians of ${rounds} rounds; machine load (1/5/15 min) ${loadBefore.map((l) => l.toFixed(2)).join(' ')} -> ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`);
  console.log(`  analyze / istioctl on analyze's files: wall ${(figures.analyze.wall / figures.istioctlAnalyze.wall).toFixed(2)}x; lint --jobs ${cores} / --jobs 1: ${(figures.oursShared.wall / figures.oursOneThread.wall).toFixed(2)}x wall, ${(figures.oursShared.cpu / figures.oursOneThread.cpu).toFixed(2)}x CPU`);
  const met = figures.ours.wall <= figures.istioctl.wall && figures.analyze.wall <= figures.istioctlAnalyze.wall && figures.ours.peak < TARGET_PEAK_MB;
  console.log(`  targets (lint and analyze wall <= istioctl's, peak < ${TARGET_PEAK_MB} MB): ${met ? 'met' : 'NOT met'}`);
  const s = (seconds: number) => `${seconds.toFixed(2)} s`;
  const mb = (peak: number) => `${peak.toFixed(0)} MB`;
  console.log(`recorded for the README: ${recordResult('yaml-corpus', [
    {
      what: `\`lint\` over Istio's \`samples/\`, \`manifests/\` and analyzer testdata (${files.length} files, ${(chars / 1e6).toFixed(1)} MB), one process on ${figures.cores} cores`,
      ours: `${s(figures.ours.wall)} wall, ${s(figures.ours.cpu)} CPU, ${mb(figures.ours.peak)} peak (\`npm run bench -- yaml-corpus\`, medians of ${rounds});` +
        ` \`--jobs 1\`: ${s(figures.oursOneThread.wall)} wall, ${s(figures.oursOneThread.cpu)} CPU, ${mb(figures.oursOneThread.peak)};` +
        ` \`--jobs ${cores}\`: ${s(figures.oursShared.wall)} wall, ${s(figures.oursShared.cpu)} CPU, ${mb(figures.oursShared.peak)}`,
      baseline: `\`istioctl analyze --use-kube=false\`, same run: ${s(figures.istioctl.wall)} wall, ${s(figures.istioctl.cpu)} CPU, ${mb(figures.istioctl.peak)}` +
        ` (ours ${(figures.ours.wall / figures.istioctl.wall).toFixed(2)}x wall); yaml-language-server alone: ${s(figures.yls.wall)}, ${mb(figures.yls.peak)}`,
    },
    {
      what: `\`analyze\` over Istio's \`samples/\` and analyzer testdata (${analyzeFiles} files), one process`,
      ours: `${s(figures.analyze.wall)} wall, ${s(figures.analyze.cpu)} CPU, ${mb(figures.analyze.peak)} peak (medians of ${rounds})`,
      baseline: `\`istioctl analyze --use-kube=false\` on the same files, same run: ${s(figures.istioctlAnalyze.wall)} wall, ${s(figures.istioctlAnalyze.cpu)} CPU,` +
        ` ${mb(figures.istioctlAnalyze.peak)} (ours ${(figures.analyze.wall / figures.istioctlAnalyze.wall).toFixed(2)}x wall)`,
    },
  ], figures)}`);
  process.exitCode = met ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(`bench yaml-corpus: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
