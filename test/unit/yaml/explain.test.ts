import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { parseAllDocuments } from 'yaml';
import { decideFromManifests } from '../../../src/istio/injection';
import { chartEntries } from '../../../src/istio/webhooks';
import { EXPLAINED_KINDS, explainNamespace, explainWorkload, findNamespace, knownNamespaces, subjectsOf, type LiveCluster } from '../../../src/yaml/explain';
import { SubjectCache } from '../../../src/yaml/explainCache';
import { explainFiles, explainMain, type CliVerdict } from '../../../src/yaml/explainCli';
import { parseManifests } from '../../../src/yaml/parse';
import { istioFiles, istioModuleDir } from '../../oracles/istioSource';
import { fixedPropertySeed } from '../property';
import { repoRoot } from '../repoRoot';
import { captured, yaml } from './helpers';
import { manifestFile, renderFile } from './manifestArbitraries';

fixedPropertySeed();

const NAMESPACE = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio.io/rev: canary');
const workload = (kind: string, extra: string[] = [], namespace = 'shop') => yaml(
  kind === 'Deployment' ? 'apiVersion: apps/v1' : 'apiVersion: v1', `kind: ${kind}`, 'metadata:', '  name: web', ...(namespace ? [`  namespace: ${namespace}`] : []),
  'spec:', '  template:', '    metadata:', '      labels:', '        app: web', ...extra, '    spec:', '      containers: [{name: web, image: nginx}]',
);

/** Runs `explain` in-process, with its output captured. */
function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return captured((io) => explainMain(argv, io));
}

describe('explain: will this pod get a sidecar, and why', () => {
  it('finds every kind with pods, its pod template (CronJob one level deeper), and where a hover answers', () => {
    const text = [
      workload('Deployment', ['        sidecar.istio.io/inject: "true"']),
      yaml('apiVersion: batch/v1', 'kind: CronJob', 'metadata: {name: nightly, namespace: shop}', 'spec:', '  jobTemplate:', '    spec:', '      template:',
        '        metadata:', '          labels: {istio.io/rev: canary}', '        spec:', '          hostNetwork: true'),
      yaml('apiVersion: v1', 'kind: Service', 'metadata: {name: web}'),
      NAMESPACE,
    ].join('---\n');
    const file = parseManifests(text);
    const { workloads, namespaces } = subjectsOf(file);
    assert.deepEqual(workloads.map((w) => [w.kind, w.name, w.namespace, w.pod]), [
      ['Deployment', 'web', 'shop', { labels: { app: 'web', 'sidecar.istio.io/inject': 'true' }, annotations: {}, hostNetwork: false }],
      ['CronJob', 'nightly', 'shop', { labels: { 'istio.io/rev': 'canary' }, annotations: {}, hostNetwork: true }],
    ]);
    const slices = workloads[0].anchors.map(([s, e]) => text.slice(s, e));
    assert.deepEqual(slices, ['kind: Deployment', 'name: web', 'sidecar.istio.io/inject: "true"']);
    assert.deepEqual(namespaces.map((n) => [n.name, n.labels]), [['shop', { 'istio.io/rev': 'canary' }]]);
    assert.deepEqual(namespaces[0].anchors.map(([s, e]) => text.slice(s, e)), ['kind: Namespace', 'name: shop', 'istio.io/rev: canary']);
    assert.deepEqual(EXPLAINED_KINDS, ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
  });

  it('reads injection labels merged in with <<, as Kubernetes does', () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'x-base: &base {sidecar.istio.io/inject: "false"}', 'metadata:', '  name: p', '  labels:', '    <<: *base', '    app: p');
    assert.deepEqual(subjectsOf(parseManifests(text)).workloads[0].pod.labels, { app: 'p', 'sidecar.istio.io/inject': 'false' });
  });

  it('looks for the namespace in the same file, then the same folder, then any file', () => {
    const known = [
      { name: 'shop', labels: { a: '1' }, file: '/x/other/ns.yaml' },
      { name: 'shop', labels: { a: '2' }, file: '/x/apps/ns.yaml' },
      { name: 'shop', labels: { a: '3' }, file: '/x/apps/web.yaml' },
    ];
    assert.deepEqual(findNamespace('shop', '/x/apps/web.yaml', known), { labels: { a: '3' }, found: true, where: 'the Namespace document in this file' });
    assert.deepEqual(findNamespace('shop', '/x/apps/db.yaml', known), { labels: { a: '2' }, found: true, where: 'the Namespace document in `ns.yaml` (same folder)' });
    assert.deepEqual(findNamespace('shop', '/x/db.yaml', known), { labels: { a: '1' }, found: true, where: 'the Namespace document in `/x/other/ns.yaml`' });
    assert.deepEqual(findNamespace('cart', '/x/db.yaml', known), { labels: {}, found: false, where: 'namespace not found in the files: assuming no labels' });
  });

  it('answers offline from the files, and connected from the live namespace and webhooks, saying which', () => {
    const file = parseManifests(NAMESPACE + '---\n' + workload('Deployment'));
    const known = knownNamespaces(subjectsOf(file), '/w/app.yaml');
    const [web] = subjectsOf(file).workloads;
    const offline = explainWorkload(web, '/w/app.yaml', known);
    assert.equal(offline.verdict, 'will get a sidecar from istiod `canary` (namespace label istio.io/rev=canary)');
    assert.ok(offline.evidence.includes('Namespace labels: the Namespace document in this file.'));

    const live: LiveCluster = { context: 'kind-dev', mesh: { entries: chartEntries(['default']), source: 'cluster' }, namespaceLabels: (n) => (n === 'shop' ? { 'istio-injection': 'enabled' } : undefined) };
    const connected = explainWorkload(web, '/w/app.yaml', known, live);
    assert.equal(connected.verdict, 'will get a sidecar from istiod `default` (namespace label istio-injection=enabled)');
    assert.ok(connected.evidence.includes('Namespace labels: live, from context `kind-dev`.'));
    assert.ok(connected.evidence.includes("Webhooks: the cluster's own."));

    // The live cluster has no such namespace: the file's labels, against the live webhooks (no canary there).
    const elsewhere = explainWorkload(web, '/w/app.yaml', known, { ...live, namespaceLabels: () => undefined });
    assert.match(elsewhere.verdict, /^will not: no installed revision or tag serves the namespace's istio.io\/rev/);
    assert.ok(elsewhere.evidence.includes('Namespace labels: the Namespace document in this file (not in context `kind-dev`).'));
  });

  it('says when the namespace is assumed: no metadata.namespace, or no Namespace document', () => {
    const [w] = subjectsOf(parseManifests(workload('Deployment', [], ''))).workloads;
    const e = explainWorkload(w, '/w/app.yaml', []);
    assert.equal(e.namespace, 'default');
    assert.ok(e.evidence.includes('Namespace labels: namespace not found in the files: assuming no labels; no metadata.namespace, so `default` is assumed.'), e.evidence.join('\n'));
  });

  it('answers for a Namespace document: its plain pods, and its opted-in pods when they differ', () => {
    const [ns] = subjectsOf(parseManifests(yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: plain}'))).namespaces;
    assert.equal(explainNamespace(ns).verdict,
      'will not: neither the namespace nor the pod asks for a sidecar; pods labelled sidecar.istio.io/inject="true" will get a sidecar from istiod `default` (pod label sidecar.istio.io/inject="true")');
  });

  describe('the command line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'istio-explain-'));
    mkdirSync(join(dir, 'apps'));
    writeFileSync(join(dir, 'apps', 'namespace.yaml'), NAMESPACE);
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: hn', '  namespace: cart', '  labels: {sidecar.istio.io/inject: "true"}', 'spec:', '  hostNetwork: true');
    writeFileSync(join(dir, 'apps', 'web.yaml'), workload('Deployment') + '---\n' + pod);

    it('prints the verdict per workload with its evidence, the namespace read from a file of the same folder', async () => {
      const { code, stdout } = await run(join(dir, 'apps', 'web.yaml'));
      assert.equal(code, 0);
      const lines = stdout.split('\n');
      assert.equal(lines[0], `${join(dir, 'apps', 'web.yaml')}:1: Pods of Deployment \`shop/web\` will get a sidecar from istiod \`canary\` (namespace label istio.io/rev=canary)`);
      assert.ok(lines.includes('    Namespace labels: the Namespace document in `namespace.yaml` (same folder).'));
      assert.ok(lines.some((l) => l.endsWith('web.yaml:14: Pod `cart/hn` will not: hostNetwork pods are never injected')), stdout);
      assert.ok(lines.includes('    Namespace labels: namespace not found in the files: assuming no labels.'), stdout);
      assert.equal(lines.at(-2), '2 workload(s): 1 will get a sidecar, 1 will not.');
    });

    it('prints JSON', async () => {
      const { code, stdout } = await run('--format', 'json', dir);
      assert.equal(code, 0);
      const verdicts = JSON.parse(stdout) as CliVerdict[];
      assert.deepEqual(verdicts.map((v) => [v.kind, v.name, v.namespace, v.injected, v.revision, v.reason.code, v.line]), [
        ['Deployment', 'web', 'shop', true, 'canary', 'namespaceRevision', 1],
        ['Pod', 'hn', 'cart', false, undefined, 'hostNetwork', 14],
      ]);
    });

    it('hands a long report through a pipe whole before the process exits (dist/cli.js, explain and lint)', async function () {
      this.timeout(60_000);
      const cli = join(repoRoot(), 'dist', 'cli.js');
      assert.ok(existsSync(cli), `${cli} is missing: node scripts/build.mjs builds it`);
      const many = join(dir, 'many.yml');
      writeFileSync(many, Array.from({ length: 1500 }, (_, i) => yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: n${i}`, '  labels:', '    istio-injection: "true"', '---', ...workload('Deployment', [], `n${i}`).trimEnd().split('\n'))).join('---\n'));
      // Into a pipe, stdout writes asynchronously: exiting at once cut the report wherever the reader happened to be
      // (most runs, not all, at this size). Parsing the whole JSON is the check.
      const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args, many], { maxBuffer: 1 << 26 }).catch((err: { stdout: string }) => err);
      const explained = JSON.parse((await run('explain', '--format', 'json')).stdout) as CliVerdict[];
      assert.equal(explained.length, 1500);
      const linted = JSON.parse((await run('lint', '--format', 'json', '--no-schema')).stdout) as unknown[];
      assert.equal(linted.length, 1001); // a file lists at most 1,000 findings, then one notice
    });

    it('exits 2 on usage errors', async () => {
      for (const argv of [[], ['--format', 'xml', dir], ['--bogus', dir]]) {
        const { code, stderr } = await run(...argv);
        assert.equal(code, 2, argv.join(' '));
        assert.match(stderr, /^istio-mesh: /);
      }
    });

    it('names a path it cannot read, explains the others and exits 3, as lint does', async () => {
      const { code, stderr, stdout } = await run('--format', 'json', join(dir, 'missing.yaml'), dir);
      assert.equal(code, 3);
      assert.match(stderr, /^istio-mesh: skipped .*missing\.yaml: /);
      assert.ok((JSON.parse(stdout) as unknown[]).length > 0);
    });
  });

  it("answers for every workload of Istio's samples/", async function () {
    this.timeout(60_000);
    const files = istioFiles('samples');
    const verdicts = await explainFiles(files);
    // Counted apart with the yaml library: every document of a kind with pods that has a name.
    let expected = 0;
    const templated = (path: string) => readFileSync(path, 'utf8').includes('{{');
    for (const path of files.filter((f) => !templated(f))) {
      const docs = parseAllDocuments(readFileSync(path, 'utf8'));
      for (const doc of Array.isArray(docs) ? docs : []) {
        const js = doc.errors.length === 0 ? (doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null) : null;
        if (js && typeof js.kind === 'string' && EXPLAINED_KINDS.includes(js.kind) && typeof js.metadata?.name === 'string') expected++;
      }
    }
    const plain = verdicts.filter((v) => !templated(v.file));
    assert.equal(plain.length, expected);
    assert.ok(verdicts.length >= 70, `only ${verdicts.length} workloads in ${istioModuleDir()}/samples`);
    // No sample labels a namespace for injection: only the pod that opts in gets a sidecar, from the default revision.
    const injected = verdicts.filter((v) => v.injected).map((v) => [v.file.slice(istioModuleDir().length + 1), v.kind, v.name, v.verdict]);
    assert.deepEqual(injected, [['samples/addons/extras/prometheus-secure-metrics.yaml', 'Deployment', 'prometheus', 'will get a sidecar from istiod `default` (pod label sidecar.istio.io/inject="true")']]);
    // spire-quickstart.yaml declares its Namespace beside its workloads.
    const spire = verdicts.filter((v) => v.namespace === 'spire');
    assert.ok(spire.length > 0 && spire.every((v) => v.evidence.includes('Namespace labels: the Namespace document in this file.')));
  });

  it('on any manifest: one answer per named workload or Pod, read from the right place, anchors inside its document', () => {
    fc.assert(fc.property(manifestFile, (model) => {
      const text = renderFile(model);
      const file = parseManifests(text);
      const { workloads, namespaces } = subjectsOf(file);
      const known = knownNamespaces({ namespaces }, '/w/f.yaml');
      const memo = new Map();
      for (const w of workloads) {
        const e = explainWorkload(w, '/w/f.yaml', known, undefined, memo);
        // The facts shared between a file's workloads change nothing: the engine's own offline answer.
        assert.deepEqual(e.decision, decideFromManifests({ name: e.namespace, labels: findNamespace(e.namespace, '/w/f.yaml', known).labels }, w.pod));
        assert.match(e.verdict, /^will (get a sidecar from istiod `[^`]*` \(.+\)|not: .+)$/);
        if (w.pod.hostNetwork) assert.ok(!e.decision.injected);
        for (const [s, end] of w.anchors) assert.ok(s >= w.start - 1 && end <= text.length && s < end);
      }
      for (const n of namespaces) assert.match(explainNamespace(n).verdict, /^will /);
      if (!text.includes('{{')) {
        // Without Helm actions every generated document parses; its hostNetwork is where the model put it.
        const docs = model.docs.filter((d) => d.kind !== 'Namespace');
        assert.deepEqual(workloads.map((w) => [w.kind, w.pod.hostNetwork]), docs.map((d) => [d.kind, d.hostNetwork]));
        assert.equal(namespaces.length, model.docs.length - docs.length);
      }
    }), { numRuns: 300 });
  });
});

describe('explain: the per-document cache the editor asks on every edit', () => {
  const PIECES = ['---\n', '\n---\n', 'kind: Pod\n', 'kind: Namespace', '  name: other\n', 'hostNetwork: true\n', 'sidecar.istio.io/inject: "true"', 'istio.io/rev: canary', ' ', '\n', 'x', ':', '- ', ''];
  const edit = fc.record({ at: fc.nat(), length: fc.nat(40), text: fc.constantFrom(...PIECES) });

  it('gives what a fresh parse gives, after any sequence of edits', function () {
    this.timeout(60_000); // a hundred random runs, each parsing the whole file twice per edit
    fc.assert(fc.property(manifestFile, fc.array(edit, { minLength: 1, maxLength: 6 }), (model, edits) => {
      const cache = new SubjectCache();
      let text = renderFile(model);
      const same = () => {
        const cached = cache.subjects('f', text);
        // Kept documents, shifted: the same as parsing every document anew.
        assert.deepEqual(cached, new SubjectCache().subjects('f', text), JSON.stringify(text));
        // And as one parse of the whole file, where that parse finds no error: the yaml library may pin a later
        // document's error on an earlier one, and a Helm action left open across a `---` is masked only over the
        // whole file (the YAML checks split files the same way).
        const whole = parseManifests(text);
        if (!whole.syntaxError && !whole.tooDeep && !/\{\{(?:(?!\}\})[\s\S])*\n---/.test(text)) assert.deepEqual(cached, subjectsOf(whole), JSON.stringify(text));
      };
      same();
      for (const e of edits) {
        const at = e.at % (text.length + 1);
        text = text.slice(0, at) + e.text + text.slice(Math.min(text.length, at + e.length));
        same();
      }
    }), { numRuns: 100 });
  });
});

describe('explain: Helm templates', () => {
  it('leaves out what a Helm action writes, and says so', () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  namespace: shop', '  labels:', '    app: p',
      '    sidecar.istio.io/inject: {{ .Values.inject | quote }}', '    {{- include "extra.labels" . | nindent 4 }}', 'spec:', '  hostNetwork: false');
    const [w] = subjectsOf(parseManifests(text)).workloads;
    assert.deepEqual(w.pod.labels, { app: 'p' });
    assert.equal(w.templated, true);
    assert.ok(explainWorkload(w, '/w/p.yaml', []).evidence.includes('⚠ Helm actions write some of these labels or annotations: what they render is unknown, and read here as absent.'));
    const [plain] = subjectsOf(parseManifests(yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  labels: {app: p}'))).workloads;
    assert.equal(plain.templated, undefined);
  });
});
