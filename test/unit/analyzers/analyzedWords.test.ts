import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { analyzeManifest, mayBeAnalyzed } from '../../../src/analyzers';
import { splitDocuments } from '../../../src/yaml/chunks';
import { parseManifests } from '../../../src/yaml/parse';
import { istioFiles, istioRelative } from '../../oracles/istioSource';
import { fixedPropertySeed } from '../property';
import { yaml } from '../yaml/helpers';

fixedPropertySeed();

/** The analyzers' findings on a text, parsed in full (the path that never asks `mayBeAnalyzed`). */
const analyzed = (text: string) => {
  const file = parseManifests(text);
  return file.manifests.flatMap((m) => analyzeManifest(file, m));
};

/** `mayBeAnalyzed` is the word test the checker uses to leave a document unparsed: it must never miss a finding. */
const agrees = (text: string) => mayBeAnalyzed(text) || analyzed(text).length === 0;

describe('mayBeAnalyzed: the words without which no analyzer reports', function () {
  this.timeout(60_000);

  it('misses no finding on any document of Istio\'s samples, manifests and analyzer testdata, and skips most of them', () => {
    let skipped = 0;
    let documents = 0;
    for (const dir of ['samples', 'manifests', 'pkg/config/analysis/analyzers/testdata']) {
      for (const path of istioFiles(dir)) {
        for (const chunk of splitDocuments(readFileSync(path, 'utf8'))) {
          documents++;
          if (mayBeAnalyzed(chunk.text)) continue;
          skipped++;
          assert.deepEqual(analyzed(chunk.text).map((f) => f.code), [], `${istioRelative(path)}:${chunk.line + 1}`);
        }
      }
    }
    // What the word test is for: many documents need no parse for the analyzers (589 of 1,245 here).
    assert.ok(skipped > documents * 0.4, `${skipped} of ${documents} skipped`);
  });

  it('says yes where a finding hides behind an escape, a number written otherwise, or a second document', () => {
    const deployment = (...lines: string[]) => yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: w', ...lines);
    const cases = [
      deployment('  annotations: {"sidecar.istio\\u002eio/proxyCPU": "100m"}'),
      deployment('  annotations: {"sidecar.istio.\\', '    io/bogus": "x"}'),
      deployment('spec:', '  template:', '    spec:', '      securityContext: {runAsUser: 0x539}', '      containers: [{name: app}]'),
      yaml('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}', '...', 'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations: {foo.istio.io/x: y}'),
      yaml('apiVersion: apiextensions.k8s.io/v1', 'kind: CustomResourceDefinition', 'metadata: {name: serviceroles.rbac.istio.io}', 'spec:', '  group: rbac.istio.io', '  names: {kind: ServiceRole}'),
      yaml('apiVersion: v1', 'kind: Service', 'metadata: {name: s}', 'spec:', '  ports: [{port: 80, name: bogus}]'),
      // Istio's own kinds: the words of each analyzer, and a kind or a value spelt with escapes.
      yaml('apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata: {name: d}', 'spec:', '  host: h', '  trafficPolicy: {tls: {mode: SIMPLE}}'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: DestinationRule', 'metadata: {name: d}', 'spec:', '  host: h', '  trafficPolicy: {tls: {mode: "MUT\\x55AL"}}'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: "Destination\\x52ule"', 'metadata: {name: d}', 'spec:', '  host: h', '  trafficPolicy: {tls: {mode: MUTUAL}}'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata: {name: v}', 'spec:', '  hosts: [h]', '  http:', '  - fault: {delay: {percent: 5, fixedDelay: 1s}}', '    route: [{destination: {host: h}}]'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: Sidecar', 'metadata: {name: s}', 'spec:', '  outboundTrafficPolicy: {mode: REGISTRY_ONLY, egressProxy: {host: e}}'),
      yaml('apiVersion: networking.istio.io/v1', 'kind: ServiceEntry', 'metadata: {name: s}', 'spec:', '  hosts: [h]', '  ports: [{number: 5432, name: tcp-db}]'),
    ];
    for (const text of cases) {
      assert.ok(analyzed(text).length > 0, `the case must have a finding:\n${text}`);
      assert.ok(mayBeAnalyzed(text), text);
    }
  });

  it('never misses a finding on Pods, Deployments and CRDs written in many ways (property)', () => {
    const key = fc.constantFrom('sidecar.istio.io/inject', 'foo.istio.io/x', 'kubernetes.io/ingress.class', 'app.kubernetes.io/name', 'proxy.istio.io/config', '"sidecar.istio\\x2eio/status"', 'a');
    const value = fc.constantFrom('"true"', 'x', '"1337"', '{}', 'istio');
    const uid = fc.constantFrom('1337', '0x539', '0o2471', '1337.0', '+1337', '1000', '"1337"');
    const doc = fc.record({
      kind: fc.constantFrom('Pod', 'Deployment', '"Deployment"', 'CustomResourceDefinition', 'Service', 'ConfigMap'),
      apiVersion: fc.constantFrom('v1', 'apps/v1', 'apiextensions.k8s.io/v1'),
      annotations: fc.array(fc.tuple(key, value), { maxLength: 3 }),
      flow: fc.boolean(),
      uid: fc.option(uid),
      group: fc.constantFrom('rbac.istio.io', 'networking.istio.io', '"rbac.istio\\u002eio"'),
      crdKind: fc.constantFrom('ServiceRole', 'RbacConfig', 'Gateway'),
    }).map((d) => {
      const entries = d.annotations.map(([k, v]) => `${k}: ${v}`);
      const annotations = entries.length === 0 ? [] : d.flow ? [`  annotations: {${entries.join(', ')}}`] : ['  annotations:', ...entries.map((e) => `    ${e}`)];
      const security = (indent: string) => (d.uid === null ? [] : [`${indent}securityContext: {runAsUser: ${d.uid}}`]);
      const specs: Record<string, string[]> = {
        Pod: ['spec:', ...security('  '), '  containers: [{name: app}]'],
        Deployment: ['spec:', '  template:', '    spec:', ...security('      '), '      containers: [{name: app}]'],
        CustomResourceDefinition: ['spec:', `  group: ${d.group}`, `  names: {kind: ${d.crdKind}}`],
        Service: ['spec:', `  ports: [{port: 80, name: ${d.crdKind === 'Gateway' ? 'http' : 'bogus'}}]`],
        ConfigMap: ['data:', '  a: "1"'],
      };
      const spec = specs[d.kind.replace(/"/g, '')];
      return yaml(`apiVersion: ${d.apiVersion}`, `kind: ${d.kind}`, 'metadata:', '  name: x', ...annotations, ...spec);
    });
    let found = 0;
    fc.assert(fc.property(doc, (text) => {
      if (analyzed(text).length > 0) found++;
      return agrees(text);
    }), { numRuns: 400 });
    // The generator reaches the analyzers often enough for the property to mean something.
    assert.ok(found > 40, `${found} documents with findings`);
  });

  it('leaves a Service unparsed only when the port-name analyzer reports nothing on it (property)', () => {
    const name = fc.constantFrom('http', 'http-web', 'tcp', 'grpc-web', 'GRPC', 'bogus', 'web', 'mongo-db', '""', '80', 'true', 'null', '"http"', '"tc\\x70"');
    const port = fc.record({
      name: fc.option(name),
      port: fc.option(fc.constantFrom('80', '25', '3306', '"3306"', '0x50', '27017', '8080')),
      protocol: fc.option(fc.constantFrom('UDP', 'TCP', 'udp', '"UDP"')),
      appProtocol: fc.option(fc.constantFrom('http', 'kubernetes.io/h2c', 'kubernetes.io/x', 'redis', 'bogus')),
    }).map((p) => Object.entries(p).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`));
    const doc = fc.record({
      ports: fc.array(port, { maxLength: 3 }),
      flow: fc.boolean(),
      type: fc.constantFrom(null, 'ExternalName', 'ClusterIP', '"ExternalName"'),
      extra: fc.constantFrom('', 'labels: {gateway.istio.io/managed: istio.io-gateway-controller}', 'labels: &l {app: a}', 'labels: !!map {app: a}'),
    }).map((d) => {
      const type = d.type === null ? [] : [`  type: ${d.type}`];
      const ports = d.flow
        ? [`  ports: [${d.ports.map((p) => `{${p.join(', ')}}`).join(', ')}]`]
        : d.ports.length === 0 ? [] : ['  ports:', ...d.ports.flatMap((p) => (p.length === 0 ? ['  - {}'] : p.map((e, i) => `  ${i === 0 ? '-' : ' '} ${e}`)))];
      return yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: s', ...(d.extra ? [`  ${d.extra}`] : []), 'spec:', ...type, ...ports);
    });
    let found = 0;
    let skipped = 0;
    fc.assert(fc.property(doc, (text) => {
      if (analyzed(text).length > 0) found++;
      if (!mayBeAnalyzed(text)) skipped++;
      return agrees(text);
    }), { numRuns: 500 });
    // Both sides are reached: Services with findings, and Services left unparsed.
    assert.ok(found > 50 && skipped > 50, `${found} with findings, ${skipped} skipped`);
  });

  it('leaves most Services of Istio\'s samples unparsed', () => {
    let services = 0;
    let skipped = 0;
    for (const path of istioFiles('samples')) {
      for (const chunk of splitDocuments(readFileSync(path, 'utf8'))) {
        if (!/^kind:[ \t]*Service\b/m.test(chunk.text)) continue;
        services++;
        if (!mayBeAnalyzed(chunk.text)) skipped++;
      }
    }
    assert.ok(skipped > services / 2, `${skipped} of ${services} Services skipped`);
  });
});
