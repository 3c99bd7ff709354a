import assert from 'node:assert/strict';
import { findings, findingsOf, fixed, where, yaml } from './helpers';

describe('no false alarms', () => {
  it('ignores YAML that is not Kubernetes: workflows, compose files, Helm values and charts', () => {
    const workflow = yaml('name: ci', 'on: push', 'jobs:', '  test:', '    runs-on: ubuntu-latest', '    steps:', '      - run: npm test');
    const compose = yaml('services:', '  web:', '    image: nginx', '    labels:', '      sidecar.istio.io/inject: true');
    const values = yaml('podLabels:', '  sidecar.istio.io/inject: true', 'namespace:', '  labels:', '    istio-injection: "true"');
    const chart = yaml('apiVersion: v2', 'name: shop', 'version: 0.1.0');
    const kustomization = yaml('apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization', 'resources:', '  - deployment.yaml', 'commonLabels:', '  istio-injection: "true"');
    for (const text of [workflow, compose, values, chart, kustomization]) assert.deepEqual(findings(text), [], text);
  });
  it('ignores documents whose apiVersion or kind is not a plain string', () => {
    assert.deepEqual(findings(yaml('apiVersion: 1', 'kind: Namespace', 'metadata: {name: a, labels: {istio-injection: "on"}}')), []);
    assert.deepEqual(findings(yaml('apiVersion: v1', 'kind: [Namespace]', 'metadata: {name: a, labels: {istio-injection: "on"}}')), []);
  });
});

describe('Helm templates', () => {
  const template = yaml(
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: {{ include "shop.fullname" . }}',
    '  labels:',
    '    {{- include "shop.labels" . | nindent 4 }}',
    'spec:',
    '  template:',
    '    metadata:',
    '      labels:',
    '        sidecar.istio.io/inject: {{ .Values.inject | quote }}',
    '        app: web',
    '    spec:',
    '      {{- if .Values.hostNetwork }}',
    '      hostNetwork: true',
    '      {{- end }}',
    '      containers: []',
  );
  it('masks template actions: no finding about a templated value', () => {
    assert.deepEqual(findings(template), []);
  });
  it('still finds mistakes written literally', () => {
    const literal = template.replace('{{ .Values.inject | quote }}', 'true');
    // The hostNetwork line sits in an `if` block: it may be rendered, so the warning stands.
    assert.deepEqual(findings(literal).map((f) => f.code), ['inject-label-type', 'inject-host-network']);
  });
  it('says nothing when a template is not YAML even once masked', () => {
    const broken = yaml('{{- range .Values.items }}', '- name: {{ .name }}', '  value: [unclosed', '{{- end }}');
    assert.deepEqual(findings(broken), []);
  });
});

describe('syntax errors', () => {
  it('give one diagnostic, not a cascade', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: [a, b', '  labels: {x: y', 'bad: : :', '  - oops');
    const list = findings(text);
    assert.equal(list.length, 1);
    assert.equal(list[0].code, 'yaml-syntax');
    assert.equal(list[0].severity, 'error');
  });
  it('still check the other documents of the file', () => {
    const text = yaml('a: [unclosed', '---', 'apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: "yes"');
    assert.deepEqual(findings(text).map((f) => f.code), ['yaml-syntax', 'injection-label-value']);
  });
  it('place a collection left open inside its document, not on the next `---` or past the end', () => {
    const open = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: broken}', 'data: [unclosed');
    const next = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: "yes"');
    const followed = findings(open + '---\n' + next);
    assert.deepEqual(followed.map((f) => [f.code, ...where(f)]), [['yaml-syntax', 3, 14, 3, 15], ['injection-label-value', 10, 21, 10, 26]]);
    assert.deepEqual(findings(open).map((f) => [f.code, ...where(f)]), [['yaml-syntax', 3, 14, 3, 15]]);
  });
});

describe('bounds', () => {
  it('skips files over the size limit with one notice', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels: {istio-injection: "true"}', ...Array(2000).fill('# padding'));
    const list = findings(text, { maxFileSize: 10_000 });
    assert.deepEqual(list.map((f) => [f.code, f.severity]), [['file-too-large', 'info']]);
    assert.match(list[0].message, /istio\.yaml\.maxFileSize/);
  });
  it('does not expand alias bombs', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 12; i++) lines.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    const bomb = yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: bomb}', 'data:', ...lines.map((l) => `  ${l}`));
    const started = process.hrtime.bigint();
    assert.deepEqual(findings(bomb), []);
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000);
  });
});

describe('edits', () => {
  it('keep CRLF line endings', () => {
    const text = ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', ''].join('\r\n');
    const deployment = ['apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: w, namespace: shop}', 'spec:', '  template:', '    metadata:', '      annotations: {sidecar.istio.io/inject: "true"}', ''].join('\r\n');
    const both = text + '---\r\n' + deployment;
    assert.equal(fixed(both, 'namespace-not-injected'), ['apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: enabled', ''].join('\r\n') + '---\r\n' + deployment);
  });
  it('follow the document indentation (4 spaces)', () => {
    const text = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '    name: shop', '    labels:', '        team: a');
    const withDeployment = text + '---\n' + yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '    name: p', '    namespace: shop', '    annotations:', '        sidecar.istio.io/inject: "true"');
    const after = fixed(withDeployment, 'namespace-not-injected');
    assert.ok(after.startsWith(yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '    name: shop', '    labels:', '        team: a', '        istio-injection: enabled')), after);
    assert.equal(findingsOf(after, 'namespace-not-injected').length, 0);
  });
});
