import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { withClusterCrds, type SchemaBundle } from '../../../src/yaml/schema/bundle';
import { convertSchema, crdSchemas, OBJECT_META_REF, orNull, STATUS_SCHEMA } from '../../../src/yaml/schema/convert';
import { withoutNull } from '../../../src/yaml/schema/diagnostics';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { YamlChecker } from '../../../src/yaml/checker';
import { SCHEMA_PATH } from './corpus.test';
import { yaml } from './helpers';

describe('OpenAPI to JSON Schema', () => {
  it('converts int-or-string, nullable and unknown-field markers, and drops extensions', () => {
    assert.deepEqual(convertSchema({ 'x-kubernetes-int-or-string': true, description: 'port' }), { description: 'port', anyOf: [{ type: 'integer' }, { type: 'string' }] });
    // Kubernetes' own IntOrString also says `oneOf`: one list of alternatives is enough.
    assert.deepEqual(convertSchema({ type: 'string', format: 'int-or-string', oneOf: [{ type: 'integer' }, { type: 'string' }] }), { anyOf: [{ type: 'integer' }, { type: 'string' }] });
    assert.deepEqual(convertSchema({ type: 'string', nullable: true, format: 'date-time', default: 'x' }), { type: ['string', 'null'] });
    assert.deepEqual(convertSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), { type: 'object', additionalProperties: true });
    assert.deepEqual(convertSchema({ type: 'object', properties: { a: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self != ""' }] } }, required: ['a'] }), {
      type: 'object',
      properties: { a: { type: 'string' } },
      required: ['a'],
      additionalProperties: false,
    });
    assert.deepEqual(convertSchema({ allOf: [{ $ref: '#/components/schemas/X' }] }, { ref: (r) => r.replace('#/components/schemas/', '#/definitions/') }), { allOf: [{ $ref: '#/definitions/X' }] });
  });
  it('accepts null for every field that may be absent, in the cheapest form that keeps hovers', () => {
    const converted = convertSchema({
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string' },
        mode: { type: 'string', enum: ['A', 'B'] },
        port: { 'x-kubernetes-int-or-string': true },
        strategy: { description: 'how', allOf: [{ $ref: '#/definitions/S' }], default: {} },
        match: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        anything: { 'x-kubernetes-preserve-unknown-fields': true },
      },
    });
    assert.deepEqual(converted.properties, {
      // Required: a null is pruned by the API server, and then it is missing.
      name: { type: 'string' },
      mode: { type: ['string', 'null'], enum: ['A', 'B', null] },
      port: { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }] },
      strategy: { description: 'how', anyOf: [{ $ref: '#/definitions/S' }, { type: 'null' }] },
      // `oneOf` of `required` lists would match a null several times: the whole schema is one alternative.
      match: { anyOf: [{ type: 'object', properties: { a: { type: ['string', 'null'] }, b: { type: ['string', 'null'] } }, oneOf: [{ required: ['a'] }, { required: ['b'] }], additionalProperties: false }, { type: 'null' }] },
      // Map values are not fields: only the map itself may be null.
      labels: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
      anything: { additionalProperties: true },
    });
    // Kubernetes' own kinds are partial: no field is required, every one may be null.
    assert.deepEqual(convertSchema({ type: 'object', required: ['name'], properties: { name: { type: 'string' } } }, { partial: true }), {
      type: 'object',
      properties: { name: { type: ['string', 'null'] } },
      additionalProperties: false,
    });
    assert.deepEqual(orNull({ type: ['string', 'null'] }), { type: ['string', 'null'] });
    assert.deepEqual(orNull({ description: 'free' }), { description: 'free' });
    assert.deepEqual(orNull({ description: 'fixed', const: 'x' }), { description: 'fixed', anyOf: [{ const: 'x' }, { type: 'null' }] });
  });
  it('checks the fields it declares under x-kubernetes-preserve-unknown-fields, and nothing else', () => {
    assert.deepEqual(convertSchema({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'integer' } } } } }), {
      type: 'object',
      // Unknown fields beside `known` are kept; `known` is pruned as the API server prunes it (its own unknown fields are not).
      properties: { known: { type: ['object', 'null'], properties: { a: { type: ['integer', 'null'] } }, additionalProperties: false } },
    });
  });
  it('requires apiVersion and kind of an embedded resource, as the API server does', () => {
    assert.deepEqual(convertSchema({ type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true }), {
      type: 'object',
      additionalProperties: true,
      properties: {
        apiVersion: { type: 'string', minLength: 1 },
        kind: { type: 'string', minLength: 1 },
        metadata: { anyOf: [{ $ref: OBJECT_META_REF }, { type: 'null' }] },
      },
      required: ['apiVersion', 'kind'],
    });
  });
  it('leaves null out of the messages (it stands for an absent field)', () => {
    assert.equal(withoutNull('Incorrect type. Expected one of array, null.'), 'Incorrect type. Expected "array".');
    assert.equal(withoutNull('Incorrect type. Expected one of integer, string, null.'), 'Incorrect type. Expected one of integer, string.');
    assert.equal(withoutNull('Incorrect type. Expected "io.k8s.api.apps.v1.RollingUpdateDeployment | null".'), 'Incorrect type. Expected "io.k8s.api.apps.v1.RollingUpdateDeployment".');
    assert.equal(withoutNull('Value is not accepted. Valid values: "A", "B", null.'), 'Value is not accepted. Valid values: "A", "B".');
    assert.equal(withoutNull('Incorrect type. Expected "null".'), 'Incorrect type. Expected "null".');
    assert.equal(withoutNull('Property x is not allowed.'), 'Property x is not allowed.');
  });
  it('reads the served versions of a CRD, with any status', () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      spec: {
        group: 'networking.istio.io',
        names: { kind: 'Gateway' },
        versions: [
          { name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { selector: { type: 'object' } } }, status: { type: 'object' } } } } },
          { name: 'v1alpha1', served: false, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    };
    const versions = crdSchemas(crd);
    assert.deepEqual(versions.map((v) => `${v.group}/${v.version} ${v.kind}`), ['networking.istio.io/v1 Gateway']);
    assert.deepEqual(Object.keys(versions[0].schema.properties as object), ['apiVersion', 'kind', 'metadata', 'spec', 'status']);
    assert.deepEqual((versions[0].schema.properties as Record<string, unknown>).status, STATUS_SCHEMA);
    assert.deepEqual(crdSchemas({ kind: 'ConfigMap' }), []);
  });
});

describe('schema validation (yaml-language-server in-process)', function () {
  this.timeout(30_000);
  let service: YamlLanguageService;
  const bundle = () => readFileSync(SCHEMA_PATH, 'utf8');

  before(async () => {
    service = await createYamlLanguageService(bundle());
  });

  it('checks each document of a file against its own kind', async () => {
    const text = yaml(
      'apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  servers: {}',
      '---', 'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [a]', '  servers: {}',
      '---', 'apiVersion: example.com/v1', 'kind: Gateway', 'spec: {anything: 1}',
    );
    const diagnostics = await service.validate('file:///multi.yaml', text);
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, withoutNull(d.message)]), [
      [4, 'Incorrect type. Expected "array".'],
      [11, 'Property servers is not allowed.'],
    ]);
  });
  it('hovers with the field documentation', async () => {
    const text = yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [a]');
    const hover = await service.hover('file:///h.yaml', text, { line: 4, character: 3 });
    assert.match(JSON.stringify(hover?.contents), /destination hosts to which traffic is being sent/);
  });
  it('completes injection label values and schema fields', async () => {
    const ns = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: a', '  labels:', '    istio-injection: ');
    assert.deepEqual((await service.complete('file:///c.yaml', ns, { line: 5, character: 21 })).items.map((i) => i.label), ['enabled', 'disabled']);
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: a', '  labels:', '    sidecar.istio.io/inject: ');
    assert.deepEqual((await service.complete('file:///c.yaml', pod, { line: 5, character: 29 })).items.map((i) => i.label), ['"true"', '"false"']);
    const gateway = yaml('apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  ');
    const fields = (await service.complete('file:///c.yaml', gateway, { line: 4, character: 2 })).items.map((i) => i.label);
    assert.ok(fields.includes('selector') && fields.includes('servers'), fields.join(', '));
  });
  it('uses the cluster CRDs after a refresh', async () => {
    const crd = {
      kind: 'CustomResourceDefinition',
      spec: { group: 'networking.istio.io', names: { kind: 'Gateway' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { newField: { type: 'string' } } } } } } }] },
    };
    const refreshed = withClusterCrds(JSON.parse(bundle()) as SchemaBundle, [crd]);
    const own = await createYamlLanguageService(JSON.stringify(refreshed));
    const text = yaml('apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  newField: x');
    assert.deepEqual(await own.validate('file:///r.yaml', text), []);
    const bundled = await service.validate('file:///r.yaml', text);
    assert.equal(bundled.length, 1, JSON.stringify(bundled));
    // The cluster's CRD replaces the kind as a whole: a version it does not serve is no longer checked.
    assert.deepEqual(await own.validate('file:///r.yaml', text.replace('/v1\n', '/v1beta1\n')), []);
    // Other kinds keep the bundled schema.
    assert.equal((await own.validate('file:///r.yaml', text.replace('kind: Gateway', 'kind: Sidecar'))).length, 1);
  });
  it('survives an alias bomb in bounded time', async () => {
    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 10; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const bomb = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', ...lines.map((l) => `  ${l}`));
    const checker = new YamlChecker(async () => service);
    const started = Date.now();
    await checker.check('file:///bomb.yaml', bomb, { schema: true });
    assert.ok(Date.now() - started < 5000, `took ${Date.now() - started} ms`);
  });
});

describe('incremental checker', function () {
  this.timeout(30_000);
  it('gives after an edit exactly what a fresh check gives', async () => {
    const service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
    const docs = Array.from({ length: 30 }, (_, i) =>
      yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', `  name: ns-${i}`, '  labels:', `    istio-injection: ${i % 3 === 0 ? '"true"' : 'enabled'}`, `    extra: ${i}`),
    );
    const text = docs.join('---\n') + '---\n' + yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: w, namespace: fresh}', 'spec:', '  replicas: x', '  template:', '    metadata:', '      annotations: {sidecar.istio.io/inject: "true"}');
    const checker = new YamlChecker(async () => service);
    await checker.check('file:///inc.yaml', text, { schema: true });
    // Add a Namespace that the Deployment targets: the cross-document rule must see it (the pods ask with the
    // annotation, which no webhook reads in a namespace without injection label).
    const edited = text.replace('  name: ns-29\n  labels:\n    istio-injection: enabled\n', '  name: fresh\n  labels:\n');
    assert.notEqual(edited, text);
    const incremental = await checker.check('file:///inc.yaml', edited, { schema: true });
    const fresh = await new YamlChecker(async () => service).check('file:///other.yaml', edited, { schema: true });
    assert.deepEqual(incremental, fresh);
    assert.ok(incremental.some((f) => f.code === 'namespace-not-injected'));
    assert.ok(incremental.some((f) => f.code === 'schema'));
  });
});

describe('first look at a long file', function () {
  this.timeout(30_000);
  it('files schema findings under the right lines when other kinds are skipped', async () => {
    const service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
    const configMaps = Array.from({ length: 12 }, (_, i) => yaml('apiVersion: v1', 'kind: ConfigMap', `metadata: {name: c${i}}`, 'data: {a: "1"}'));
    const virtualService = yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: one');
    const text = configMaps.join('---\n') + '---\n' + virtualService;
    const findings = await new YamlChecker(async () => service).check('file:///long.yaml', text, { schema: true });
    const line = text.split('\n').indexOf('  hosts: one');
    assert.deepEqual(findings.map((f) => [f.code, f.range.start.line, f.message]), [['schema', line, 'Incorrect type. Expected "array".']]);
  });
});

describe('documents without Istio words', function () {
  this.timeout(30_000);
  const broken = yaml('apiVersion: v1', 'kind: Service', 'metadata: {name: s', 'spec:', '  ports: [{port: 80}', 'x: : y');
  it('get their one syntax error from the schema validation, not parsed twice', async () => {
    const service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
    const text = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: ok}') + '---\n' + broken;
    const findings = await new YamlChecker(async () => service).check('file:///lazy.yaml', text, { schema: true });
    assert.deepEqual(findings.map((f) => [f.code, f.severity]), [['yaml-syntax', 'error']]);
    assert.ok(findings[0].range.start.line >= 4, JSON.stringify(findings[0].range));
  });
  it('are parsed here when there is no schema validation', async () => {
    const findings = await new YamlChecker(async () => undefined).check('file:///lazy.yaml', broken, { schema: true });
    assert.deepEqual(findings.map((f) => f.code), ['yaml-syntax']);
  });
  it('are not validated when they hold nothing: a trailing `---`, comments', async () => {
    const service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
    const namespace = yaml('apiVersion: v1', 'kind: Namespace', 'metadata: {name: ok}');
    for (const text of [namespace + '---\n', namespace + '---\n# only a comment\n---  # and another\n', '---\n' + namespace + '...\n']) {
      assert.deepEqual(await new YamlChecker(async () => service).check('file:///empty.yaml', text, { schema: true }), [], text);
    }
  });
  it('are not parsed when they are Helm templates without Istio words (templates get no schema validation)', async () => {
    let validated = '';
    const schemas = async () => ({
      covers: () => true,
      validate: async (_uri: string, text: string) => {
        validated += text;
        return [];
      },
    });
    const template = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: {{ .Release.Name }}', 'data: {a: [unclosed}');
    assert.deepEqual(await new YamlChecker(schemas).check('file:///t.yaml', template, { schema: true }), []);
    assert.equal(validated, '');
  });
});

describe('a syntax error in a long file', function () {
  this.timeout(30_000);
  let service: YamlLanguageService;
  before(async () => {
    service = await createYamlLanguageService(readFileSync(SCHEMA_PATH, 'utf8'));
  });

  const configMap = (name: string) => yaml('apiVersion: v1', 'kind: ConfigMap', `metadata: {name: ${name}}`, 'data: {a: "1"}');
  const broken = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: broken}', 'data: [unclosed');
  const followers = {
    'a Helm template': yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: {{ .Values.ns }}', '  labels: {istio-injection: "true"}'),
    'a parsed Kubernetes object': yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: "true"}'),
    'a Kubernetes object left to the schema validation': yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: one'),
  };
  /** More documents than one validation call per document would take; the fourth one is broken. */
  const longFile = (brokenDoc: string, next: string) =>
    [configMap('a'), configMap('b'), configMap('c'), brokenDoc, next, ...Array.from({ length: 8 }, (_, i) => configMap(`z${i}`)), followers['a Kubernetes object left to the schema validation']].join('---\n');
  const check = (text: string, checker = new YamlChecker(async () => service)) => checker.check('file:///long-broken.yaml', text, { schema: true });

  for (const [what, next] of Object.entries(followers)) {
    for (const [where, brokenDoc] of Object.entries({ 'without Istio words': broken, 'with Istio words': broken.replace('kind: ConfigMap', 'kind: ConfigMap # not a Namespace') })) {
      it(`is one diagnostic inside its document (${where}) when followed by ${what}`, async () => {
        const text = longFile(brokenDoc, next);
        const lines = text.split('\n');
        const brokenLine = lines.indexOf('data: [unclosed');
        const findings = await check(text);
        const syntax = findings.filter((f) => f.code === 'yaml-syntax');
        assert.equal(syntax.length, 1, JSON.stringify(findings));
        assert.equal(syntax[0].severity, 'error');
        assert.equal(syntax[0].range.start.line, brokenLine, JSON.stringify(syntax[0].range));
        assert.ok(syntax[0].range.start.character >= 'data: '.length, JSON.stringify(syntax[0].range));
        assert.ok(findings.every((f) => lines[f.range.start.line] !== '---'), JSON.stringify(findings));
        // Every other document says what it says when the broken one is mended.
        const mended = await check(text.replace('[unclosed', '[mended!]'));
        assert.ok(mended.some((f) => f.range.start.line > brokenLine + 1 && f.range.start.line < brokenLine + 7), `the next document has findings of its own: ${JSON.stringify(mended)}`);
        assert.deepEqual(findings.filter((f) => f.code !== 'yaml-syntax'), mended);
      });
      it(`is the same after an edit as in a fresh check (${where}, followed by ${what})`, async () => {
        const text = longFile(brokenDoc, next);
        const checker = new YamlChecker(async () => service);
        await check(text, checker);
        for (const edited of [text.replace('name: z5', 'name: z6'), text.replace('name: z5', 'name: z6').replace('[unclosed', '[unclosedx')]) {
          assert.notEqual(edited, text);
          assert.deepEqual(await check(edited, checker), await check(edited));
        }
      });
    }
  }
});
