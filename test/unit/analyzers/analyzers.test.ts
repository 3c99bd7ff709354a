// The analyzers on small inputs: input → findings (code, place, message) → the suppress fix's edited text, exact.
import assert from 'node:assert/strict';
import { withoutIgnored } from '../../../src/analyzers/ignore';
import { findings, findingsOf, fixed, where, yaml } from '../yaml/helpers';

const SUPPRESS = (code: string) => `Suppress ${code} for this resource`;

function service(...annotationLines: string[]): string {
  return yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  annotations:', ...annotationLines.map((l) => `    ${l}`), 'spec:', '  ports:', '  - name: http', '    port: 80');
}

describe('analyzers', () => {
  it('IST0108 on an unknown Istio annotation, at its key, with the docs code and a suppress fix', () => {
    const text = service('networking.istio.io/exportThree: bar');
    const [f] = findingsOf(text, 'IST0108');
    assert.equal(f.message, 'Unknown annotation: networking.istio.io/exportThree');
    assert.equal(f.severity, 'warning');
    assert.deepEqual(where(f), [5, 4, 5, 35]);
    assert.equal(fixed(text, 'IST0108', SUPPRESS('IST0108')), service('networking.istio.io/exportThree: bar', 'galley.istio.io/analyze-suppress: IST0108'));
  });

  it('the suppress fix extends an annotation already there, in its quoting style; a suppressed code is not reported', () => {
    const text = service('galley.istio.io/analyze-suppress: "IST0118"', 'networking.istio.io/exportThree: bar');
    assert.equal(fixed(text, 'IST0108', SUPPRESS('IST0108')), service('galley.istio.io/analyze-suppress: "IST0118,IST0108"', 'networking.istio.io/exportThree: bar'));
    assert.deepEqual(findingsOf(service('galley.istio.io/analyze-suppress: IST0118,IST0108', 'networking.istio.io/exportThree: bar'), 'IST0108'), []);
    assert.deepEqual(findingsOf(service("galley.istio.io/analyze-suppress: '*'", 'networking.istio.io/exportThree: bar'), 'IST0108'), []);
    // Compared as written, as Istio does: a space makes it another code.
    assert.equal(findingsOf(service('galley.istio.io/analyze-suppress: IST0118, IST0108', 'networking.istio.io/exportThree: bar'), 'IST0108').length, 1);
  });

  it('in a flow mapping, the extended value is quoted: a plain comma would end it (found by the property test, seed 20261206)', () => {
    const text = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  annotations: { networking.istio.io/exportThree: bar, galley.istio.io/analyze-suppress: IST0118 }');
    assert.equal(fixed(text, 'IST0108', SUPPRESS('IST0108')), yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: web', '  annotations: { networking.istio.io/exportThree: bar, galley.istio.io/analyze-suppress: "IST0118,IST0108" }'));
  });

  it('adds the annotations mapping when there is none', () => {
    const text = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', 'spec:', '  securityContext:', '    runAsUser: 1337', '  containers: []');
    const [f] = findingsOf(text, 'IST0144');
    assert.equal(f.message, 'User ID (UID) 1337 is reserved for the sidecar proxy.');
    assert.deepEqual(where(f), [6, 4, 6, 19]);
    assert.equal(fixed(text, 'IST0144', SUPPRESS('IST0144')), yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations:', '    galley.istio.io/analyze-suppress: IST0144', 'spec:', '  securityContext:', '    runAsUser: 1337', '  containers: []'));
  });

  it('IST0107, IST0135 and IST0125 as Istio words them; istio.io/rev as an annotation is ignored, as by Istio', () => {
    const deployment = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: d', '  annotations:', '    sidecar.istio.io/discoveryAddress: istiod:15012', '    istio.io/rev: canary');
    assert.deepEqual(findings(deployment).filter((f) => f.code.startsWith('IST')).map((f) => `${f.code} ${f.message}`), [
      'IST0135 Annotation "sidecar.istio.io/discoveryAddress" has been deprecated and may not work in future Istio versions.',
      'IST0107 Misplaced annotation: sidecar.istio.io/discoveryAddress can only be applied to Pod',
    ]);
    // sidecar.istio.io/inject belongs to the rules (with their quick fixes): the analyzers say nothing of it.
    const inject = yaml('apiVersion: apps/v1', 'kind: Deployment', 'metadata:', '  name: d', '  annotations:', '    sidecar.istio.io/inject: "false"');
    assert.deepEqual(findings(inject).map((f) => `${f.code} ${f.istio}`), ['inject-annotation-deprecated IST0135', 'inject-misplaced IST0107']);
    const pod = yaml('apiVersion: v1', 'kind: Pod', 'metadata:', '  name: p', '  annotations:', '    sidecar.istio.io/interceptionMode: REDIRECTED', '    status.sidecar.istio.io/port: "70000"');
    assert.deepEqual(findings(pod).filter((f) => f.code === 'IST0125').map((f) => f.message), [
      'Invalid annotation sidecar.istio.io/interceptionMode: interceptionMode invalid, use REDIRECT,TPROXY,NONE: REDIRECTED',
      `Invalid annotation status.sidecar.istio.io/port: excludeInboundPorts invalid: failed parsing port '70000': strconv.ParseUint: parsing "70000": value out of range`,
    ]);
  });

  it('IST0118 on ports Istio cannot tell the protocol of, not on named, UDP, appProtocol or well-known ones', () => {
    const text = yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: s', 'spec:', '  ports:', '  - port: 8080', '  - name: web', '    port: 80', '    targetPort: 8080',
      '  - name: http-web', '    port: 81', '  - name: dns', '    port: 53', '  - name: x', '    port: 9', '    protocol: UDP', '  - name: y', '    port: 10', '    appProtocol: kubernetes.io/h2c');
    assert.deepEqual(findingsOf(text, 'IST0118').map((f) => f.message), [
      "Port name  (port: 8080, targetPort: 0) doesn't follow the naming convention of Istio port.",
      "Port name web (port: 80, targetPort: 8080) doesn't follow the naming convention of Istio port.",
    ]);
    assert.deepEqual(findingsOf(yaml('apiVersion: v1', 'kind: Service', 'metadata:', '  name: s', '  namespace: kube-system', 'spec:', '  ports:', '  - port: 8080'), 'IST0118'), []);
  });

  it('IST0002 on a deprecated VirtualService field, at the field', () => {
    const text = yaml('apiVersion: networking.istio.io/v1', 'kind: VirtualService', 'metadata:', '  name: v', 'spec:', '  hosts: [a]', '  http:',
      '  - fault: {delay: {percent: 10, fixedDelay: 1s}}', '    route: [{destination: {host: a}}]', '  - fault: {delay: {percent: 0, fixedDelay: 1s}}');
    const list = findingsOf(text, 'IST0002');
    assert.deepEqual(list.map((f) => [f.message, where(f)]), [['Deprecated: HTTPRoute.fault.delay.percent is deprecated; use HTTPRoute.fault.delay.percentage', [7, 20, 7, 31]]]);
  });

  it('istio.analysis.ignoredCodes leaves those codes out, whatever their case', () => {
    const list = findings(service('networking.istio.io/exportThree: bar'));
    assert.ok(list.some((f) => f.code === 'IST0108'));
    assert.ok(!withoutIgnored(list, [' ist0108']).some((f) => f.code === 'IST0108'));
    assert.equal(withoutIgnored(list, []), list);
  });
});
