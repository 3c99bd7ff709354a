// The cross-resource analyzers on small workspaces: files → findings (code, file, place, message, level).
import assert from 'node:assert/strict';
import { analyzeWorkspace, type WorkspaceAnalysisOptions } from '../../../src/workspace/analyze';
import { WorkspaceIndex } from '../../../src/workspace/index';
import type { Finding } from '../../../src/yaml/types';
import { where } from '../yaml/helpers';
import { deployment, destinationRule, doc, gateway, namespace, service, serviceEntry, sidecar, virtualService } from './builders';

function analyze(files: Record<string, string>, options: WorkspaceAnalysisOptions = { complete: true }): Map<string, Finding[]> {
  const index = new WorkspaceIndex();
  for (const [path, text] of Object.entries(files)) index.setFile(path, text);
  return analyzeWorkspace(index, options);
}

/** `file code message` of every finding, sorted. */
function lines(found: Map<string, Finding[]>): string[] {
  return [...found].flatMap(([file, list]) => list.map((f) => `${file} ${f.code} ${f.message}`)).sort();
}

describe('workspace analyzers', () => {
  it('IST0101 on a gateway no file defines, at the entry; found in another file or namespace/name, nothing', () => {
    const vs = doc(virtualService('web', { gateways: ['mesh', 'web-gw', 'edge/public', 'missing'] }));
    const found = analyze({ 'vs.yaml': vs, 'gw.yaml': doc(gateway('web-gw'), gateway('public', 'edge')) });
    const [f, ...rest] = found.get('vs.yaml') ?? [];
    // The gateway the workspace lacks lists none of the VirtualService's hosts either (IST0132, as Istio says too).
    assert.deepEqual(rest.map((r) => r.code), ['IST0132']);
    assert.equal(f.message, 'Referenced gateway not found: "missing"');
    assert.equal(f.severity, 'error');
    assert.deepEqual(where(f), [10, 4, 10, 11]);
    assert.equal(f.fixes?.[0].title, 'Suppress IST0101 for this resource');
    // The gateway in another namespace than the VirtualService's is not the one it names.
    assert.deepEqual(lines(analyze({ 'vs.yaml': doc(virtualService('web', { gateways: ['web-gw'] })), 'gw.yaml': doc(gateway('web-gw', 'other')) })), [
      'vs.yaml IST0101 Referenced gateway not found: "web-gw"',
      'vs.yaml IST0132 one or more host [web] defined in VirtualService default/web not found in Gateway default/web-gw.',
    ]);
  });

  it('while the workspace is not the whole scope, "not found" is an information that says "in the workspace"', () => {
    const found = analyze({ 'vs.yaml': doc(virtualService('web', { gateways: ['missing'] })) }, { complete: false });
    const [f, ...rest] = found.get('vs.yaml') ?? [];
    assert.equal(f.message, 'Referenced gateway not found in the workspace: "missing"');
    assert.equal(f.severity, 'info');
    // What follows from the gateway not being there (its hosts) is not said at all.
    assert.deepEqual(rest, []);
  });

  it('IST0132 when the named Gateway lists none of the VirtualService hosts, its ./ and */ forms read as Istio reads them', () => {
    const gw = (hosts: string) => ['apiVersion: networking.istio.io/v1', 'kind: Gateway', 'metadata:', '  name: gw', '  namespace: edge', 'spec:', '  servers:', `  - hosts: [${hosts}]`, '    port: {number: 80, name: http, protocol: HTTP}'];
    const vs = (namespace: string) => doc(virtualService('web', { namespace, hosts: ['web.example.com'], gateways: ['edge/gw'] }));
    const ist0132 = (hosts: string, namespace = 'shop') => lines(analyze({ 'vs.yaml': vs(namespace), 'gw.yaml': doc(gw(hosts)) }, { complete: false }));
    const message = 'vs.yaml IST0132 one or more host [web.example.com] defined in VirtualService shop/web not found in Gateway edge/gw.';
    assert.deepEqual(ist0132('other.example.com'), [message]);
    assert.deepEqual(ist0132('"*.example.com"'), []);
    assert.deepEqual(ist0132('"shop/web.example.com"'), []);
    assert.deepEqual(ist0132('"other/web.example.com"'), [message]);
    // `./host` is the gateway's own namespace; `*/*` is every host.
    assert.deepEqual(ist0132('"./web.example.com"'), [message]);
    assert.deepEqual(ist0132('"./web.example.com"', 'edge'), []);
    assert.deepEqual(ist0132('"*/*"'), []);
    const [f] = analyze({ 'vs.yaml': vs('shop'), 'gw.yaml': doc(gw('other.example.com')) }).get('vs.yaml')!;
    assert.equal(f.severity, 'warning');
    assert.deepEqual(where(f), [8, 4, 8, 11]);
  });

  it('IST0101 on destination and mirror hosts no Service or ServiceEntry visible from the namespace defines, and on ports they lack', () => {
    const vs = virtualService('web', { http: [{ host: 'reviews' }, { host: 'ghost' }, { host: 'api.example.com', port: 8443 }, { host: 'x.wild.com', port: 443 }], mirror: { host: 'shadow' } });
    const found = analyze({
      'vs.yaml': doc(vs),
      'svc.yaml': doc(service('reviews'), serviceEntry('api', ['api.example.com'], [443]), serviceEntry('wild', ['"*.wild.com"'], [443]), service('shadow', { namespace: 'elsewhere' })),
    });
    assert.deepEqual(lines(found), [
      'vs.yaml IST0101 Referenced host not found: "ghost"',
      'vs.yaml IST0101 Referenced host:port not found: "api.example.com:8443"',
      'vs.yaml IST0101 Referenced mirror host not found: "shadow"',
    ]);
    const ghost = found.get('vs.yaml')!.find((f) => f.message.includes('ghost'))!;
    assert.deepEqual(where(ghost), [11, 8, 11, 19]);
    // The Service's FQDN and a Service exported only to its own namespace.
    assert.deepEqual(lines(analyze({ 'a.yaml': doc(virtualService('web', { http: [{ host: 'shadow.elsewhere.svc.cluster.local' }] }), service('shadow', { namespace: 'elsewhere' })) })), []);
  });

  it('IST0112 when a destination without a port names a host with several ports', () => {
    const found = analyze({ 'a.yaml': doc(virtualService('web', { http: [{ host: 'reviews' }, { host: 'ratings', port: 9080 }] }), service('reviews', { ports: [80, 9080] }), service('ratings', { ports: [80, 9080] })) });
    assert.deepEqual(lines(found), ['a.yaml IST0112 This VirtualService routes to a service "reviews" that exposes multiple ports [80 9080]. Specifying a port in the destination is required to disambiguate.']);
  });

  it('IST0101 on a subset no DestinationRule of that host defines, hosts compared as resource names', () => {
    const vs = virtualService('web', { http: [{ host: 'reviews', subset: 'v1' }, { host: 'reviews.default.svc.cluster.local', subset: 'v2' }, { host: 'reviews', subset: 'v3' }] });
    const found = analyze({ 'vs.yaml': doc(vs, service('reviews')), 'dr.yaml': doc(destinationRule('reviews', 'reviews.default.svc.cluster.local', ['v1', 'v2'])) });
    assert.deepEqual(lines(found), ['vs.yaml IST0101 Referenced host+subset in destinationrule not found: "reviews+v3"']);
    // The DestinationRule of another namespace's host does not count.
    assert.equal(lines(analyze({ 'a.yaml': doc(vs, service('reviews'), destinationRule('reviews', 'reviews', ['v1', 'v2', 'v3'], 'other')) })).length, 3);
  });

  it('IST0109 on each VirtualService of the mesh gateway that defines a host another defines, on its name', () => {
    const found = analyze({
      'a.yaml': doc(virtualService('a', { hosts: ['reviews'] })),
      'b.yaml': doc(virtualService('b', { hosts: ['reviews'] }), virtualService('c', { hosts: ['reviews'], gateways: ['ingress'] }), gateway('ingress')),
      'd.yaml': doc(virtualService('d', { hosts: ['reviews'], namespace: 'other' })),
    });
    const message = 'The VirtualServices default/a,default/b associated with mesh gateway define the same host */reviews.default.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.';
    assert.deepEqual(lines(found), [`a.yaml IST0109 ${message}`, `b.yaml IST0109 ${message}`]);
    assert.deepEqual(where(found.get('a.yaml')![0]), [3, 2, 3, 9]);
    // Exported to their own namespaces only, two VirtualServices of different namespaces do not conflict.
    assert.deepEqual(lines(analyze({ 'a.yaml': doc(virtualService('a', { hosts: ['x.com'], exportTo: ['.'] }), virtualService('b', { hosts: ['x.com'], exportTo: ['.'], namespace: 'n2' })) })), []);
  });

  it('IST0109 not for one VirtualService defined in two files (one object: the file applied last wins)', () => {
    // Istio's samples/bookinfo has one `reviews` VirtualService per routing step, each in its own file.
    assert.deepEqual(lines(analyze({ 'all-v1.yaml': doc(virtualService('reviews', { hosts: ['reviews'] })), 'v2.yaml': doc(virtualService('reviews', { hosts: ['reviews'] })) })), []);
    const three = analyze({ 'a.yaml': doc(virtualService('reviews', { hosts: ['reviews'] })), 'b.yaml': doc(virtualService('reviews', { hosts: ['reviews'] })), 'c.yaml': doc(virtualService('other', { hosts: ['reviews'] })) });
    assert.ok(lines(three).every((l) => l.includes('default/other,default/reviews associated')), lines(three).join('\n'));
  });

  it('IST0111 on each Sidecar without a workload selector when a namespace has several, not in an ambient namespace', () => {
    const found = analyze({ 'a.yaml': doc(sidecar('one'), sidecar('two'), sidecar('three', 'default', { app: 'x' }), sidecar('only', 'lonely')) });
    const message = 'The Sidecars [one two] in namespace "default" have no workload selector, which can lead to undefined behavior.';
    assert.deepEqual(lines(found), [`a.yaml IST0111 ${message}`, `a.yaml IST0111 ${message}`]);
    assert.deepEqual(lines(analyze({ 'a.yaml': doc(sidecar('one', 'amb'), sidecar('two', 'amb')), 'ns.yaml': doc(namespace('amb', { 'istio.io/dataplane-mode': 'ambient' })) })), []);
  });

  it('IST0116 on a Deployment in the mesh selected by Services with one port under two protocols', () => {
    const services = [service('tcp', { selector: { app: 'web' }, ports: [[8080, 'TCP']] }), service('udp', { selector: { app: 'web' }, ports: [[8080, 'UDP']] })];
    const found = analyze({ 'd.yaml': doc(deployment('web', { inject: 'true' })), 's.yaml': doc(...services) });
    assert.deepEqual(lines(found), ['d.yaml IST0116 This deployment web is associated with multiple services using port 8080 but different protocols: [default/tcp default/udp]']);
    assert.equal(found.get('d.yaml')![0].severity, 'warning');
    // Not in the mesh: no injection label on the pods, none on its Namespace.
    assert.deepEqual(lines(analyze({ 'd.yaml': doc(deployment('web')), 's.yaml': doc(...services) })), []);
    assert.equal(lines(analyze({ 'd.yaml': doc(deployment('web'), namespace('default', { 'istio-injection': 'enabled' })), 's.yaml': doc(...services) })).length, 1);
  });

  it('galley.istio.io/analyze-suppress and istio.analysis.ignoredCodes leave findings out', () => {
    const suppressed = virtualService('web', { gateways: ['missing'], annotations: { 'galley.istio.io/analyze-suppress': 'IST0101,IST0132' } });
    assert.deepEqual(lines(analyze({ 'vs.yaml': doc(suppressed) })), []);
    assert.deepEqual(lines(analyze({ 'vs.yaml': doc(virtualService('web', { gateways: ['missing'] })) }, { complete: true, ignoredCodes: ['ist0101 ', 'IST0132'] })), []);
  });
});
