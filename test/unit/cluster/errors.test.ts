import * as assert from 'node:assert/strict';
import { ClusterError, errorFromNetwork, errorFromStatus } from '../../../src/cluster/errors';
import { errorFromCredentials } from '../../../src/cluster/errors';

describe('cluster error mapping', () => {
  const target = { verb: 'list', resource: 'pods', namespace: 'shop' };

  const statusTable: [number, ClusterError['kind']][] = [
    [401, 'unauthorized'], [403, 'forbidden'], [404, 'notFound'], [409, 'conflict'],
    [400, 'invalid'], [422, 'invalid'], [503, 'unreachable'], [500, 'unknown'], [410, 'unknown'],
  ];
  for (const [status, kind] of statusTable) {
    it(`maps HTTP ${status} to ${kind}`, () => {
      const err = errorFromStatus(status, { message: 'server says no', reason: 'Some' }, target, 'ctx');
      assert.equal(err.kind, kind);
      assert.equal(err.status, status);
      assert.equal(err.reason, 'Some');
      assert.match(err.detail ?? '', /server says no/);
    });
  }

  it('names verb, resource and namespace when forbidden', () => {
    const err = errorFromStatus(403, { message: 'pods is forbidden: User "bob" cannot list resource "pods"' }, target, 'dev');
    assert.equal(err.message, 'You may not list pods in namespace "shop" for context "dev".');
    const clusterWide = errorFromStatus(403, undefined, { verb: 'watch', resource: 'namespaces' });
    assert.equal(clusterWide.message, 'You may not watch namespaces (cluster-wide).');
  });

  it('says credentials are expired on 401', () => {
    assert.match(errorFromStatus(401, undefined, target, 'dev').message, /missing or expired/);
  });

  it('maps refused connections and DNS failures to unreachable', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT']) {
      const err = errorFromNetwork(Object.assign(new Error(`connect ${code}`), { code }), 'https://k8s:6443');
      assert.equal(err.kind, 'unreachable', code);
      assert.match(err.message, /Cannot reach the API server at https:\/\/k8s:6443/);
    }
  });

  it('maps certificate failures to unreachable with a TLS message', () => {
    const err = errorFromNetwork(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'https://k8s');
    assert.equal(err.kind, 'unreachable');
    assert.match(err.message, /certificate.*cannot be verified/);
  });

  it('finds the code in a cause chain', () => {
    const err = errorFromNetwork(new Error('fetch failed', { cause: Object.assign(new Error('x'), { code: 'ECONNREFUSED' }) }), 'https://k8s');
    assert.equal(err.kind, 'unreachable');
  });

  it('maps credential plugin failures to unauthorized', () => {
    const err = errorFromCredentials(new Error('exec: executable gke-gcloud-auth-plugin not found\nmore'), 'gke');
    assert.equal(err.kind, 'unauthorized');
    assert.equal(err.message, 'Could not get credentials for context "gke": exec: executable gke-gcloud-auth-plugin not found');
  });

  it('passes a ClusterError through unchanged', () => {
    const original = new ClusterError('forbidden', 'no');
    assert.equal(errorFromNetwork(original, 'x'), original);
  });
});
