import assert from 'node:assert/strict';
import { YamlChecker } from '../../../src/yaml/checker';
import { fileFacts, lintParsed, type LintOptions } from '../../../src/yaml/lint';
import { parseManifests } from '../../../src/yaml/parse';
import { isBrokenTemplate, maskedPlainManifests, plainManifests } from '../../../src/yaml/plain';
import { mayFindPlain } from '../../../src/yaml/plainLint';
import { yaml } from './helpers';

/** What the command line decides for a document read as plain values, beside what the ranged parse finds. */
function decided(text: string, options: LintOptions = {}): { mayFind: boolean; found: string[] } {
  const plain = plainManifests(text) ?? maskedPlainManifests(text);
  assert.ok(plain, 'read as plain values');
  return { mayFind: mayFindPlain(plain, options), found: lintParsed(parseManifests(text), options).map((f) => f.code) };
}

const deployment = (annotation: string) =>
  yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: web', '  namespace: shop', 'spec:', '  template:', '    metadata:', '      annotations:', `        ${annotation}`, '    spec:', '      containers:', '      - name: app', '        image: app:1');

describe('the run of the rules and analyzers on plain values (mayFindPlain)', () => {
  it('finds nothing where the ranged parse finds nothing, so the parse is left out', () => {
    const namespace = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: enabled');
    assert.deepEqual(decided(namespace), { mayFind: false, found: [] });
    assert.deepEqual(decided(deployment('sidecar.istio.io/proxyCPU: 100m')), { mayFind: false, found: [] });
  });

  it('finds what the ranged parse finds', () => {
    const wrong = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: "yes"');
    assert.deepEqual(decided(wrong), { mayFind: true, found: ['injection-label-value'] });
    const service = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  annotations:', '    networking.istio.io/exportThree: x', 'spec:', '  ports:', '  - name: http', '    port: 80');
    assert.deepEqual(decided(service), { mayFind: true, found: ['IST0108'] });
  });

  it('counts every scalar as written bare: a quoted "yes" may be YAML 1.1\'s boolean to it, never the other way', () => {
    assert.deepEqual(decided(deployment('sidecar.istio.io/inject: yes')).mayFind, true);
    assert.ok(decided(deployment('sidecar.istio.io/inject: yes')).found.includes('inject-label-type'));
    // Quoted, it is a string the API server takes: the parse finds no type error, the values cannot tell, so it may.
    const quoted = decided(deployment('sidecar.istio.io/inject: "yes"'));
    assert.equal(quoted.mayFind, true);
    assert.ok(!quoted.found.includes('inject-label-type'));
  });

  it("keeps a Helm template's findings on its masked actions, which only the parse drops", () => {
    const template = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '    istio-injection: {{ .Values.injection }}');
    assert.deepEqual(decided(template), { mayFind: true, found: [] });
  });

  it('leaves out the parse of a Helm template that sets a key twice once masked (if/else): it finds nothing and tells no facts', () => {
    const template = yaml('apiVersion: v1', 'kind: Namespace', 'metadata:', '  name: shop', '  labels:', '{{- if .Values.on }}', '    istio-injection: enabled', '{{- else }}', '    istio-injection: "yes"', '{{- end }}');
    assert.ok(isBrokenTemplate(template));
    const parsed = parseManifests(template);
    assert.ok(parsed.syntaxError);
    assert.deepEqual([lintParsed(parsed), fileFacts(parsed).namespaceLabels.size], [[], 0]);
    for (const screen of [true, false]) {
      const checker = new YamlChecker(async () => undefined, { offline: true, screen });
      assert.equal(checker.facts('file:///t.yaml', template).namespaceLabels.size, 0, `screen: ${screen}`);
    }
    assert.ok(!isBrokenTemplate(template.replace('{{- else }}\n    istio-injection: "yes"\n', '')));
  });
});
