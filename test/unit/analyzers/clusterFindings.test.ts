import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseAnalyzeOutput } from '../../../src/analyzers/clusterAnalysis';
import { clusterFindingsForFile, locateObjects } from '../../../src/analyzers/clusterFindings';
import { apiVersionsOf, forReading, LIVE_OBJECT_NAME_LINE, liveObjectPath, parseLiveObjectPath } from '../../../src/cluster/liveObject';
import { lintText } from '../../../src/yaml/lint';
import type { Range } from '../../../src/yaml/types';
import { analyzeMessage, analyzeStdout } from '../../builders/istioctl';
import { deployment } from '../../builders/kube';
import { fixedPropertySeed } from '../property';

fixedPropertySeed();

const FILE = [
  'apiVersion: networking.istio.io/v1',
  'kind: VirtualService',
  'metadata:',
  '  name: reviews',
  'spec:',
  '  hosts: [reviews]',
  '  gateways: [nope]',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  namespace: shop',
  '  name: web',
  '  annotations:',
  '    networking.istio.io/exportThree: bar',
  'spec:',
  '  ports:',
  '  - name: http',
  '    port: 80',
  '---',
  'apiVersion: v1',
  'kind: Namespace',
  'metadata: {name: shop}',
  '',
].join('\n');

const messages = (...m: Record<string, string>[]) => parseAnalyzeOutput(analyzeStdout(...m));

function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  return lines[r.start.line].slice(r.start.character, r.start.line === r.end.line ? r.end.character : undefined);
}

describe('cluster analysis messages on workspace files', () => {
  it('finds each object of a file by kind, namespace and name; no namespace is the context\'s', () => {
    assert.deepEqual(locateObjects(FILE, 'bookinfo').map((o) => [o.ref.kind, o.ref.namespace, o.ref.name, textAt(FILE, o.range)]), [
      ['VirtualService', 'bookinfo', 'reviews', 'reviews'],
      ['Service', 'shop', 'web', 'web'],
      ['Namespace', 'bookinfo', 'shop', 'shop'],
    ]);
  });

  it('puts a message on the name of the object it is about, in the right namespace only', () => {
    const objects = locateObjects(FILE, 'bookinfo');
    const { findings } = clusterFindingsForFile(messages(
      analyzeMessage('IST0101', { level: 'Error', origin: 'VirtualService bookinfo/reviews', message: 'Referenced gateway not found: "nope"' }),
      analyzeMessage('IST0101', { origin: 'VirtualService default/reviews' }),
      analyzeMessage('IST0102', { level: 'Info', origin: 'Namespace shop' }),
      analyzeMessage('IST0136'),
    ), objects, []);
    assert.deepEqual(findings.map((f) => [f.code, f.severity, f.range.start.line, textAt(FILE, f.range)]), [
      ['IST0101', 'error', 3, 'reviews'],
      ['IST0102', 'info', 22, 'shop'],
    ]);
    assert.equal(findings[0].message, 'Referenced gateway not found: "nope"');
  });

  it('shows a problem once: an offline analyzer reporting the same code on the same object wins', () => {
    const offline = lintText(FILE).findings;
    assert.ok(offline.some((f) => f.code === 'IST0108'), 'the offline analyzers no longer report the unknown annotation');
    const { findings, reportedOffline } = clusterFindingsForFile(messages(
      analyzeMessage('IST0108', { origin: 'Service shop/web', message: 'Unknown annotation: networking.istio.io/exportThree' }),
      analyzeMessage('IST0118', { level: 'Info', origin: 'Service shop/web' }),
      analyzeMessage('IST0108', { origin: 'VirtualService bookinfo/reviews' }),
    ), locateObjects(FILE, 'bookinfo'), offline);
    assert.deepEqual(reportedOffline.map((m) => [m.code, m.object?.kind]), [['IST0108', 'Service']]);
    // Another code on that object, and the same code on another object, stay.
    assert.deepEqual(findings.map((f) => [f.code, textAt(FILE, f.range)]), [['IST0118', 'web'], ['IST0108', 'reviews']]);
  });

  it('follows the text: a name anywhere in the document, any quoting, CRLF lines (property)', () => {
    const name = fc.stringMatching(/^[a-z]([a-z0-9-]{0,20}[a-z0-9])?$/);
    fc.assert(fc.property(fc.array(name, { minLength: 1, maxLength: 4 }), fc.boolean(), fc.constantFrom('', '"', "'"), (names, crlf, quote) => {
      const docs = names.map((n, i) => [`# document ${i}`, 'kind: Gateway', 'apiVersion: networking.istio.io/v1', 'metadata:', '  labels: {a: b}', `  name: ${quote}${n}${quote}`, '  namespace: ns'].join('\n'));
      const text = docs.join('\n---\n').replace(/\n/g, crlf ? '\r\n' : '\n');
      const target = names.length - 1;
      const { findings } = clusterFindingsForFile(messages(analyzeMessage('IST0109', { origin: `Gateway ns/${names[target]}` })), locateObjects(text, 'default'), []);
      assert.equal(findings.length, 1);
      const line = text.split(/\r?\n/)[findings[0].range.start.line];
      assert.equal(line.slice(findings[0].range.start.character, findings[0].range.end.character), `${quote}${names[target]}${quote}`);
      // The first document of that name takes it.
      assert.equal(findings[0].range.start.line, names.indexOf(names[target]) * 8 + 5);
    }));
  });
});

describe('live cluster objects in the editor', () => {
  it('address an object by namespace, kind and name, whatever characters they hold', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ minLength: 1, maxLength: 12 }), (namespace, name) => {
      const ref = { kind: 'VirtualService', namespace, name };
      assert.deepEqual(parseLiveObjectPath(liveObjectPath(ref)), ref);
    }));
    assert.equal(liveObjectPath({ kind: 'Namespace', namespace: '', name: 'shop' }), '/-/Namespace/shop.yaml');
  });

  it('know where a kind is served, Istio\'s Gateway before the Gateway API\'s', () => {
    assert.deepEqual(apiVersionsOf('Gateway'), ['networking.istio.io/v1', 'gateway.networking.k8s.io/v1']);
    assert.deepEqual(apiVersionsOf('Deployment'), ['apps/v1']);
    assert.deepEqual(apiVersionsOf('Frobnicator'), []);
  });

  it('read with the name on the line the diagnostics point at, without managed fields', async () => {
    const object = deployment('web', { namespace: 'shop' });
    (object.metadata as Record<string, unknown>).managedFields = [{ manager: 'kubectl' }];
    const { stringify } = await import('yaml');
    const text = stringify(forReading(object));
    assert.equal(text.split('\n')[LIVE_OBJECT_NAME_LINE], '  name: web');
    assert.doesNotMatch(text, /managedFields/);
  });
});
