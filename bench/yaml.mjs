// Benchmark of the YAML checks (issue 6, item 7) on a generated 10,000-line file of 1,000 documents:
//   - full validation: Istio rules + schema validation, beside yaml-language-server alone with the same schema
//   - re-validation after a one-character edit (the checker re-checks only the edited document)
//   - `istioctl analyze --use-kube=false` on the same file, when an istioctl binary is found
// Standalone: node bench/yaml.mjs [--runs N]    As a module: import { benchYaml } from './yaml.mjs'
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

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

async function time(fn) {
  const start = process.hrtime.bigint();
  const result = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

/** istioctl from ISTIOCTL, the testbed's cache, or PATH. */
function findIstioctl() {
  if (process.env.ISTIOCTL && existsSync(process.env.ISTIOCTL)) return process.env.ISTIOCTL;
  const testbed = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'istio-mesh', 'testbed');
  const found = existsSync(testbed) ? searchFor(testbed, 'istioctl', 4) : undefined;
  if (found) return found;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && existsSync(join(dir, 'istioctl'))) return join(dir, 'istioctl');
  return undefined;
}

function searchFor(dir, name, depth) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const info = statSync(path);
    if (info.isFile() && entry === name && info.mode & 0o111) return path;
    if (info.isDirectory() && depth > 0) {
      const found = searchFor(path, name, depth - 1);
      if (found) return found;
    }
  }
  return undefined;
}

/** The checker and the language service, bundled as the extension ships them (same esbuild options). */
async function loadSources(dir) {
  const empty = join(root, 'scripts', 'empty-module.cjs');
  const outfile = join(dir, 'yaml-bench.cjs');
  await esbuild.build({
    stdin: { contents: "export { YamlChecker } from './src/yaml/checker'; export { createYamlLanguageService } from './src/yaml/schema/languageService';", resolveDir: root, loader: 'ts' },
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error', mainFields: ['module', 'main'],
    alias: { prettier: empty, 'prettier/standalone': empty, 'prettier/plugins/yaml': empty, 'prettier/plugins/estree': empty },
  });
  return createRequire(import.meta.url)(outfile);
}

export async function benchYaml({ runs = 5, log = console.log } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'istio-bench-'));
  const { YamlChecker, createYamlLanguageService } = await loadSources(dir);
  const schema = readFileSync(join(root, 'schemas', 'kubernetes-istio.schema.json'), 'utf8');
  const text = generateManifest(1000);
  const lineCount = text.split('\n').length - 1;
  const path = join(dir, 'mesh.yaml');
  writeFileSync(path, text);
  const uri = pathToFileURL(path).toString();
  // One character changed in the middle of the file: `replicas: 2` -> `replicas: 3` of a Deployment.
  const at = text.indexOf('replicas: 2', text.length / 2) + 'replicas: '.length;
  const edited = text.slice(0, at) + '3' + text.slice(at + 1);

  const ls = await createYamlLanguageService(schema);
  await ls.validate(uri, text); // compiles the schema once; both sides share that cost equally after it
  const alone = { full: [], edit: [] };
  const ours = { full: [], edit: [] };
  let counts;
  const runAlone = async () => {
    alone.full.push((await time(() => ls.validate(uri, text))).ms);
    alone.edit.push((await time(() => ls.validate(uri, edited))).ms);
  };
  const runOurs = async () => {
    const checker = new YamlChecker(async () => ls);
    const full = await time(() => checker.check(uri, text, { schema: true }));
    ours.full.push(full.ms);
    const edit = await time(() => checker.check(uri, edited, { schema: true }));
    ours.edit.push(edit.ms);
    counts = { full: full.result.length, edit: edit.result.length };
  };
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first, so neither side always pays for the other's garbage collection.
    if (i % 2 === 0) {
      await runAlone();
      await runOurs();
    } else {
      await runOurs();
      await runAlone();
    }
  }
  const figures = {
    lines: lineCount,
    documents: 1000,
    runs,
    aloneFullMs: median(alone.full),
    aloneEditMs: median(alone.edit),
    fullMs: median(ours.full),
    editMs: median(ours.edit),
    findings: counts,
  };
  // Ratios of each run's pair (measured back to back), then the median: robust to the machine's load drifting between runs.
  figures.fullRatio = median(ours.full.map((ms, i) => ms / alone.full[i]));
  figures.editRatio = median(ours.edit.map((ms, i) => ms / alone.edit[i]));

  const istioctl = findIstioctl();
  if (istioctl) {
    const run = await time(() => promisify(execFile)(istioctl, ['analyze', '--use-kube=false', path], { maxBuffer: 64 << 20 }).catch((err) => err));
    figures.istioctlMs = run.ms;
    figures.istioctl = istioctl;
  } else {
    figures.istioctlSkipped = 'no istioctl binary (set ISTIOCTL, put it on PATH, or build the testbed)';
  }

  const f = (ms) => `${ms.toFixed(1)} ms`;
  log(`YAML checks on ${lineCount} lines / 1000 documents (medians of ${runs} runs; ratios are medians of back-to-back pairs):`);
  log(`  full validation      ours ${f(figures.fullMs)}   yaml-language-server alone ${f(figures.aloneFullMs)}   ratio ${figures.fullRatio.toFixed(2)}x (target <= ${TARGET_FULL_RATIO}x)`);
  log(`  1-character edit     ours ${f(figures.editMs)}   yaml-language-server alone ${f(figures.aloneEditMs)}   ratio ${figures.editRatio.toFixed(2)}x (target < ${TARGET_EDIT_MS} ms)`);
  log(figures.istioctlMs !== undefined ? `  istioctl analyze --use-kube=false  ${f(figures.istioctlMs)}   ratio ours/istioctl ${(figures.fullMs / figures.istioctlMs).toFixed(2)}x` : `  istioctl analyze: skipped: ${figures.istioctlSkipped}`);
  figures.pass = figures.fullRatio <= TARGET_FULL_RATIO && figures.editMs < TARGET_EDIT_MS;
  log(`  targets: ${figures.pass ? 'met' : 'NOT met'}`);
  return figures;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--runs');
  const figures = await benchYaml({ runs: i > 0 ? Number(process.argv[i + 1]) : 5 });
  process.exitCode = figures.pass ? 0 : 1;
}
