import * as assert from 'node:assert/strict';
import { meshIdOf } from '../../../src/istio/meshConfig';
import { remoteSecretFacts, rootCertificates } from '../../../src/mesh/clusterFacts';
import { remoteKubeconfig, secret } from '../../builders/multicluster';

describe('cluster facts for the mesh-level checks', () => {
  describe('remoteSecretFacts', () => {
    it('reads the cluster name and server of each kubeconfig of a labelled Secret', () => {
      const s = secret('istio-remote-secret-cluster2', { cluster2: remoteKubeconfig('cluster2', 'https://127.0.0.1:40001') });
      assert.deepEqual(remoteSecretFacts(s), [{ secret: 'istio-system/istio-remote-secret-cluster2', clusterName: 'cluster2', server: 'https://127.0.0.1:40001' }]);
    });

    it('gives one remote cluster per data key', () => {
      const s = secret('two', { east: remoteKubeconfig('east', 'https://east:6443'), west: remoteKubeconfig('west', 'https://west:6443') });
      assert.deepEqual(remoteSecretFacts(s).map((f) => [f.clusterName, f.server]), [['east', 'https://east:6443'], ['west', 'https://west:6443']]);
    });

    it('follows the current context when the kubeconfig holds several clusters', () => {
      const kubeconfig = [
        'clusters:', '- name: a', '  cluster: {server: "https://a:6443"}', '- name: b', '  cluster: {server: "https://b:6443"}',
        'contexts:', '- name: ctx', '  context: {cluster: b, user: u}', 'current-context: ctx', '',
      ].join('\n');
      assert.equal(remoteSecretFacts(secret('s', { c: kubeconfig }))[0].server, 'https://b:6443');
    });

    it('leaves the server unknown when the kubeconfig cannot be read, and ignores unlabelled Secrets', () => {
      assert.deepEqual(remoteSecretFacts(secret('s', { c: ': not yaml : [' })), [{ secret: 'istio-system/s', clusterName: 'c', server: undefined }]);
      assert.deepEqual(remoteSecretFacts(secret('cacerts', { 'root-cert.pem': 'x' }, { labelled: false })), []);
    });
  });

  describe('rootCertificates', () => {
    it('compares certificates whatever their wrapping, and keeps every root of a bundle', () => {
      const one = '-----BEGIN CERTIFICATE-----\nMIIB\nabc=\n-----END CERTIFICATE-----\n';
      const rewrapped = '-----BEGIN CERTIFICATE-----\r\nMIIBabc=\r\n-----END CERTIFICATE-----';
      const two = '-----BEGIN CERTIFICATE-----\nMIIBxyz=\n-----END CERTIFICATE-----\n';
      assert.deepEqual(rootCertificates(one), rootCertificates(rewrapped));
      assert.deepEqual(rootCertificates(one + two), ['MIIBabc=', 'MIIBxyz=']);
      assert.deepEqual(rootCertificates('not a certificate'), []);
    });
  });

  describe('meshIdOf', () => {
    it('is defaultConfig.meshId, else the trust domain, else cluster.local', () => {
      assert.equal(meshIdOf('defaultConfig:\n  meshId: "mesh1"\ntrustDomain: td\n'), 'mesh1');
      assert.equal(meshIdOf('trustDomain: td\n'), 'td');
      assert.equal(meshIdOf('defaultConfig:\n  meshId: ""\n'), 'cluster.local');
      assert.equal(meshIdOf(''), 'cluster.local');
    });

    it('is unknown without a mesh config or for one that is not a mapping', () => {
      assert.equal(meshIdOf(undefined), undefined);
      assert.equal(meshIdOf('- a\n- b\n'), undefined);
      assert.equal(meshIdOf('a: [\n'), undefined);
    });
  });
});
