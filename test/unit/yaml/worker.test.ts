import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { YamlChecker } from '../../../src/yaml/checker';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { createWorkerYamlLanguageService, YamlWorkerError } from '../../../src/yaml/schema/workerService';
import { SCHEMA_PATH } from './corpus.test';
import { yaml } from './helpers';

/** The worker entry as `npm run build` bundles it (unit tests run after the build). */
const WORKER = join(dirname(dirname(SCHEMA_PATH)), 'dist', 'yamlWorker.js');

/** Documents of every sort the checker treats apart: parsed or not, covered kind or not, broken, templated. */
function mixedFile(): string {
  const docs: string[] = [];
  for (let i = 0; i < 6; i++) {
    docs.push(
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ns-${i}`, '  labels:', `    istio-injection: ${i % 2 ? 'enabled' : '"true"'}`),
      yaml('apiVersion: apps/v1', 'kind: Deployment', `metadata: {name: d${i}, namespace: ns-${i}}`, 'spec:', '  replicas: two', '  template:', '    metadata: {labels: {sidecar.istio.io/inject: true}}'),
      yaml('apiVersion: v1', 'kind: Service', `metadata: {name: s${i}}`, 'spec: {ports: [{port: 80}]}'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', `metadata: {name: v${i}}`, 'spec:', '  hosts: one'),
    );
  }
  docs.push(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: {{ .Values.ns }}', '  labels: {istio-injection: "{{ .Values.on }}"}'));
  docs.push(yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: broken}', 'data: [unclosed'));
  return docs.join('---\n');
}

/** Each service serves its schema under a URI of its own (diagnostics and hovers name it); all else must be equal. */
function sameSchemaUri(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value).replace(/istio-mesh:\/\/schemas\/[0-9a-f-]+\//g, 'istio-mesh://schemas/ID/')) as unknown;
}

describe('yaml-language-server in a worker thread', function () {
  this.timeout(60_000);
  let inThread: YamlLanguageService;
  let worker: YamlLanguageService;

  before(async () => {
    assert.ok(existsSync(WORKER), `${WORKER} missing: run npm run build first`);
    const schema = readFileSync(SCHEMA_PATH, 'utf8');
    inThread = await createYamlLanguageService(schema);
    worker = createWorkerYamlLanguageService(schema, WORKER);
  });
  after(() => worker.dispose());

  it('answers validate, hover and complete exactly as in the same thread', async () => {
    const text = mixedFile();
    const diagnostics = await worker.validate('file:///w.yaml', text);
    assert.ok(diagnostics.length > 10, `${diagnostics.length} diagnostics`);
    assert.deepEqual(sameSchemaUri(diagnostics), sameSchemaUri(await inThread.validate('file:///w.yaml', text)));
    const at = { line: text.split('\n').indexOf('  replicas: two'), character: 4 };
    const hover = await worker.hover('file:///w.yaml', text, at);
    assert.match(JSON.stringify(hover), /desired pods/);
    assert.deepEqual(sameSchemaUri(hover), sameSchemaUri(await inThread.hover('file:///w.yaml', text, at)));
    const completion = await worker.complete('file:///w.yaml', text, { line: at.line, character: 2 });
    assert.ok(completion.items.length > 0);
    assert.deepEqual(sameSchemaUri(completion), sameSchemaUri(await inThread.complete('file:///w.yaml', text, { line: at.line, character: 2 })));
    assert.ok(worker.covers('apps/v1', 'Deployment') && !worker.covers('v1', 'Service'));
  });

  it('reads positions given as class instances with getters (as the editor passes them)', async () => {
    class EditorPosition {
      constructor(private readonly _line: number, private readonly _character: number) {}
      get line() { return this._line; }
      get character() { return this._character; }
    }
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: ');
    assert.match(JSON.stringify(await worker.hover('file:///p.yaml', text, new EditorPosition(5, 8))), /Only `enabled` turns it on/);
    const values = (await worker.complete('file:///p.yaml', text, new EditorPosition(5, 21))).items.map((i) => i.label);
    assert.ok(values.includes('enabled') && values.includes('disabled'), values.join(', '));
  });

  it('gives the checker the same findings, on a first look and after an edit', async () => {
    const text = mixedFile();
    const viaWorker = new YamlChecker(async () => worker);
    const first = await viaWorker.check('file:///c.yaml', text, { schema: true });
    assert.deepEqual(first, await new YamlChecker(async () => inThread).check('file:///c.yaml', text, { schema: true }));
    for (const code of ['schema', 'injection-label-value', 'inject-label-type', 'yaml-syntax']) assert.ok(first.some((f) => f.code === code), code);
    const edited = text.replace('  replicas: two', '  replicas: 2').replace('name: s3}', 'name: s3, x: [}');
    const incremental = await viaWorker.check('file:///c.yaml', edited, { schema: true });
    assert.deepEqual(incremental, await new YamlChecker(async () => inThread).check('file:///fresh.yaml', edited, { schema: true }));
    assert.notDeepEqual(incremental, first);
  });

  it('files a syntax error in the middle of a long file under its own document, as in the same thread', async () => {
    const docs = mixedFile().split(/^---\n/m);
    docs.splice(3, 0, docs.pop()!);
    const text = docs.join('---\n');
    const viaWorker = await new YamlChecker(async () => worker).check('file:///m.yaml', text, { schema: true });
    assert.deepEqual(viaWorker, await new YamlChecker(async () => inThread).check('file:///m.yaml', text, { schema: true }));
    assert.deepEqual(viaWorker.filter((f) => f.code === 'yaml-syntax').map((f) => f.range.start.line), [text.split('\n').indexOf('data: [unclosed')]);
  });

  it('fails the calls a disposed worker was serving, and starts a new one for the next call', async () => {
    const own = createWorkerYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'), WORKER);
    const pending = own.validate('file:///d.yaml', mixedFile());
    own.dispose();
    await assert.rejects(pending, YamlWorkerError);
    const again = await own.validate('file:///d.yaml', yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: 3}'));
    assert.equal(again.length, 1, JSON.stringify(again));
    own.dispose();
  });

  it('stops a worker that does not answer in time, and starts a new one for the next call', async () => {
    const hanging = join(mkdtempSync(join(tmpdir(), 'istio-mesh-worker-')), 'hanging.js');
    writeFileSync(hanging, "require('node:worker_threads').parentPort.on('message', () => {});\n");
    const own = createWorkerYamlLanguageService('{}', hanging, { timeoutMs: 200 });
    try {
      for (let call = 0; call < 2; call++) {
        await assert.rejects(own.validate('file:///h.yaml', 'a: 1\n'), (err: Error) => err instanceof YamlWorkerError && /did not answer within 0.2 s/.test(err.message));
      }
    } finally {
      own.dispose();
    }
  });

  it('keeps the Istio findings, with a notice, when schema validation fails', async () => {
    const failing: YamlLanguageService = {
      validate: () => Promise.reject(new YamlWorkerError('yaml-language-server worker stopped (exit code 1)')),
      hover: () => Promise.resolve(null),
      complete: () => Promise.resolve({ isIncomplete: false, items: [] }),
      covers: () => true,
      setSchema: () => undefined,
      dispose: () => undefined,
    };
    const findings = await new YamlChecker(async () => failing).check('file:///f.yaml', mixedFile(), { schema: true });
    assert.ok(findings.some((f) => f.code === 'injection-label-value'), JSON.stringify(findings.map((f) => f.code)));
    const notice = findings.filter((f) => f.code === 'schema');
    assert.deepEqual(notice.map((f) => [f.severity, f.range.start.line]), [['info', 0]]);
    assert.match(notice[0].message, /Schema validation failed \(yaml-language-server worker stopped \(exit code 1\)\); the Istio checks ran/);
  });

  it('says which file is missing when there is no worker entry', () => {
    assert.throws(() => createWorkerYamlLanguageService('{}', join(dirname(WORKER), 'nope.js')), (err: Error) => err instanceof YamlWorkerError && err.message.includes('nope.js'));
  });
});
