import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { YamlChecker } from '../../../src/yaml/checker';
import { createYamlLanguageService, type YamlLanguageService } from '../../../src/yaml/schema/languageService';
import { findBundledSchema } from '../../../src/yaml/schema/location';
import type { Finding } from '../../../src/yaml/types';
import { yaml } from './helpers';

/**
 * The shapes of real-world files that must not raise schema errors (each as small as it gets), and the real
 * mistakes that still must. Istio's own files are checked as a whole in istioCorpus.test.ts.
 */
describe('schema validation of real-world shapes', function () {
  this.timeout(30_000);
  let service: YamlLanguageService;
  /** Texts the checker sent to yaml-language-server. */
  let validated: string[];

  before(async () => {
    const real = await createYamlLanguageService(readFileSync(findBundledSchema(__dirname)!, 'utf8'));
    service = {
      ...real,
      validate: (uri, text) => {
        validated.push(text);
        return real.validate(uri, text);
      },
    };
  });
  beforeEach(() => {
    validated = [];
  });

  /** `line:code message` of every finding (0-based lines), in line order. */
  const check = async (text: string): Promise<string[]> =>
    (await new YamlChecker(async () => service).check('file:///shape.yaml', text, { schema: true }))
      .sort((a, b) => a.range.start.line - b.range.start.line)
      .map((f: Finding) => `${f.range.start.line}:${f.code} ${f.message}`);

  const deployment = (...spec: string[]) => yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', 'spec:', ...spec.map((l) => `  ${l}`));
  const template = ['selector: {matchLabels: {app: web}}', 'template:', '  metadata: {labels: {app: web}}', '  spec:', '    containers:', '    - name: web', '      image: web:1'];

  describe('documents that are no Kubernetes object get nothing, and are not validated at all', () => {
    const configMap = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', 'data: {a: "1"}');
    const cases: Record<string, string> = {
      'a trailing ---': configMap + '---\n',
      'a doubled ---': configMap + '---\n---\n' + configMap,
      'a --- at the start': '---\n' + configMap,
      'a --- with a comment': configMap + '--- # end\n',
      'an empty file': '',
      'comments only (Helm output)': yaml('---', '# Source: shop/templates/service.yaml', '# nothing rendered here', '---', '# Source: shop/templates/other.yaml'),
      'a list (an Ansible playbook)': yaml('- hosts: all', '  tasks:', '  - name: install', '    apt: {name: nginx}'),
      'a scalar': yaml('just some text'),
      'an explicit null': yaml('null'),
    };
    for (const [what, text] of Object.entries(cases)) {
      it(what, async () => {
        assert.deepEqual(await check(text), []);
        assert.deepEqual(validated.filter((t) => !t.includes('kind: ConfigMap')), [], 'sent to schema validation');
      });
    }
    it('a broken CI workflow gets its one syntax error from this checker\'s own parser', async () => {
      const workflow = yaml('on: [push', 'jobs:', '  test: {runs-on: ubuntu-latest}');
      assert.deepEqual((await check(workflow)).map((f) => f.slice(0, f.indexOf(' '))), ['1:yaml-syntax']);
      assert.deepEqual(validated, []);
    });
    it('a list of Kubernetes-looking items is validated (it has both words) and passes', async () => {
      const list = yaml('- apiVersion: apps/v1', '  kind: Deployment', '  spec: {replicas: many}', '- apiVersion: v1', '  kind: Service');
      assert.deepEqual(await check(list), []);
      assert.equal(validated.length, 1);
    });
    it('the schema alone passes every document that is no mapping (as Red Hat YAML applies it to whole files)', async () => {
      const text = yaml('---', '# only a comment', '---', '- apiVersion: apps/v1', '  kind: Deployment', '  spec: {replicas: many}', '---', '42', '---', '"a string"', '---', 'null', '---');
      assert.deepEqual(await service.validate('file:///shapes.yaml', text), []);
    });
  });

  describe('explicit nulls where a field may be absent', () => {
    it('on a Deployment: rollingUpdate, args, annotations, creationTimestamp, a comment-only mapping', async () => {
      const text = yaml(
        'apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  annotations: null', '  creationTimestamp: null',
        'spec:', '  strategy:', '    type: Recreate', '    rollingUpdate: null', '  selector: {matchLabels: {app: web}}', '  template:',
        '    metadata:', '      annotations:', '        # none yet', '      labels: {app: web}', '    spec:', '      securityContext: ~',
        '      containers:', '      - name: web', '        image: web:1', '        args:', '        resources: {}', '        ports: null',
      );
      assert.deepEqual(await check(text), []);
    });
    it('on Istio kinds: an EnvoyFilter match and patch, a VirtualService match', async () => {
      const envoyFilter = yaml(
        'apiVersion: networking.istio.io/v1alpha3', 'kind: EnvoyFilter', 'metadata: {name: f}', 'spec:', '  workloadSelector:', '    labels: {app: web}',
        '  configPatches:', '  - applyTo: NETWORK_FILTER', '    match:', '    patch:', '  - applyTo: HTTP_FILTER', '    match: null', '    patch:', '      operation: REMOVE',
      );
      const virtualService = yaml(
        'apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [web]', '  gateways: null',
        '  http:', '  - match: null', '    route:', '    - destination: {host: web, subset: null}',
      );
      assert.deepEqual(await check(envoyFilter + '---\n' + virtualService), []);
    });
    it('but not where the field is required: the API server drops the null, and then it is missing', async () => {
      const gateway = yaml('apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata: {name: g}', 'spec:', '  servers:', '  - hosts: ["*"]', '    port: null');
      // yaml-language-server names an object type after the schema's title.
      assert.deepEqual(await check(gateway), ['6:schema Incorrect type. Expected "object(Kubernetes and Istio (Istio Mesh))".']);
    });
  });

  describe('status', () => {
    it('is accepted on Istio kinds, with whatever the cluster wrote', async () => {
      const text = yaml(
        'apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', 'metadata: {name: s}', 'spec: {hosts: [a.example.com], resolution: DNS}', 'status:',
        '  conditions:', '  - type: istio.io/WaypointBound', '    status: "False"', '    reason: WaypointIsNotReady', '  addresses: [{value: 240.240.0.1, host: a.example.com}]',
        '  observedGeneration: "3"', '  somethingNew: {x: 1}',
      );
      assert.deepEqual(await check(text), []);
    });
    it('is accepted on Deployments (kubectl get -o yaml output)', async () => {
      const text = deployment(...template) + yaml('status:', '  replicas: 1', '  readyReplicas: 1', '  conditions:', '  - type: Available', '    status: "True"');
      assert.deepEqual(await check(text), []);
    });
  });

  it('accepts integers or strings where Kubernetes does: maxSurge 25%, named and numbered probe ports', async () => {
    const text = deployment(
      'strategy:', '  rollingUpdate: {maxSurge: 25%, maxUnavailable: 1}', ...template,
      '      readinessProbe: {httpGet: {path: /ready, port: http}}', '      livenessProbe: {tcpSocket: {port: 8080}}', '      ports: [{name: http, containerPort: 8080}]',
    );
    assert.deepEqual(await check(text), []);
  });

  it('accepts anything under x-kubernetes-preserve-unknown-fields: EnvoyFilter patch.value, WasmPlugin pluginConfig', async () => {
    const envoyFilter = yaml(
      'apiVersion: networking.istio.io/v1alpha3', 'kind: EnvoyFilter', 'metadata: {name: f}', 'spec:', '  configPatches:', '  - applyTo: HTTP_FILTER',
      '    match: {context: SIDECAR_INBOUND}', '    patch:', '      operation: INSERT_FIRST', '      value:', '        name: envoy.filters.http.lua',
      '        typed_config:', '          "@type": type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', '          inlineCode: |', '            function envoy_on_request(h) end',
      '          anything: [1, "two", {three: 3}]',
    );
    const wasm = yaml('apiVersion: extensions.istio.io/v1alpha1', 'kind: WasmPlugin', 'metadata: {name: w}', 'spec:', '  url: oci://example.com/plugin:1', '  pluginConfig:', '    rules: [{any: shape}]', '    nested: {deep: {deeper: true}}');
    assert.deepEqual(await check(envoyFilter + '---\n' + wasm), []);
  });

  describe('real mistakes are still errors', () => {
    it('a wrong type, an unknown field on a Deployment spec, a boolean where an int-or-string goes', async () => {
      const text = deployment('replicas: three', 'replica: 1', 'strategy: {rollingUpdate: {maxSurge: true}}', ...template);
      assert.deepEqual(await check(text), [
        '5:schema Incorrect type. Expected "integer".',
        '6:schema Property replica is not allowed.',
        '7:schema Incorrect type. Expected one of integer, string.',
      ]);
    });
    it('a value outside an Istio enum', async () => {
      const peerAuthentication = yaml('apiVersion: security.istio.io/v1', 'kind: PeerAuthentication', 'metadata: {name: p}', 'spec:', '  mtls: {mode: STRICTER}');
      const envoyFilter = yaml('apiVersion: networking.istio.io/v1alpha3', 'kind: EnvoyFilter', 'metadata: {name: f}', 'spec:', '  configPatches:', '  - applyTo: HTTP_FILTERS');
      const findings = await check(peerAuthentication + '---\n' + envoyFilter);
      assert.deepEqual(findings, [
        '4:schema Value is not accepted. Valid values: "UNSET", "DISABLE", "PERMISSIVE", "STRICT".',
        '11:schema Value is not accepted. Valid values: "INVALID", "LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER", "ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE", "CLUSTER", "EXTENSION_CONFIG", "BOOTSTRAP", "LISTENER_FILTER".',
      ]);
    });
    it('a status that is no object', async () => {
      assert.deepEqual(await check(deployment(...template) + 'status: ready\n'), ['12:schema Incorrect type. Expected "object".']);
    });
  });

  it('offers no null in completions (leaving the field out says the same)', async () => {
    const text = yaml('apiVersion: security.istio.io/v1', 'kind: PeerAuthentication', 'metadata: {name: p}', 'spec:', '  mtls:', '    mode: ');
    const labels = (await service.complete('file:///c.yaml', text, { line: 5, character: 10 })).items.map((i) => i.label);
    assert.deepEqual(labels, ['UNSET', 'DISABLE', 'PERMISSIVE', 'STRICT']);
  });
});
