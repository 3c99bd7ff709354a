import * as assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleHoldsRoot, cacertsRoot, cacertsSecret, generateRoot, issueIntermediate, readRoot, RootCaError } from '../../../src/multicluster/ca';
import { istioModuleDir } from '../../oracles/istioSource';

const keyPem = (key: { export(o: { type: 'pkcs8'; format: 'pem' }): string | Buffer }) => key.export({ type: 'pkcs8', format: 'pem' }).toString();
const decode = (data: Record<string, string>, key: string) => Buffer.from(data[key], 'base64').toString('utf8');

/** A field of Istio's own plug-in CA recipe (tools/certs/common.mk), e.g. INTERMEDIATE_SAN_DNS. */
function recipe(variable: string): string {
  const text = readFileSync(join(istioModuleDir(), 'tools', 'certs', 'common.mk'), 'utf8');
  const m = new RegExp(`^${variable} \\?= (.*)$`, 'm').exec(text);
  if (!m) throw new Error(`${variable} not in common.mk`);
  return m[1].trim();
}

describe('mesh CA (node:crypto only)', () => {
  it('makes a self-signed root CA with the subject of Istio\'s recipe', () => {
    const root = generateRoot();
    const cert = new X509Certificate(root.certPem);
    assert.equal(cert.ca, true);
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.equal(cert.subject, `O=${recipe('ROOTCA_ORG')}\nCN=${recipe('ROOTCA_CN')}`);
    assert.ok(cert.checkPrivateKey(root.key));
    const years = (Date.parse(cert.validTo) - Date.now()) / (365 * 86_400_000);
    assert.ok(years > 9.9 && years < 10.1, `valid ten years (${years})`);
  });

  it('issues per cluster an intermediate the root signed: CA:true, pathlen 0, the SAN and CN Istio expects', () => {
    const root = generateRoot();
    const rootCert = new X509Certificate(root.certPem);
    const a = issueIntermediate(root, 'east');
    const b = issueIntermediate(root, 'west');
    for (const [i, name] of [[a, 'east'], [b, 'west']] as const) {
      const cert = new X509Certificate(i.certPem);
      assert.ok(cert.verify(rootCert.publicKey), 'signed by the root');
      assert.ok(cert.checkIssued(rootCert), 'issuer is the root\'s subject');
      assert.equal(cert.ca, true);
      assert.equal(cert.subject, `O=${recipe('INTERMEDIATE_ORG')}\nCN=${recipe('INTERMEDIATE_CN')}\nL=${name}`);
      assert.equal(cert.subjectAltName, `DNS:${recipe('INTERMEDIATE_SAN_DNS')}`);
      assert.ok(cert.checkPrivateKey(createPrivateKey(i.keyPem)), 'its key');
      assert.ok(Date.parse(cert.validTo) <= Date.parse(rootCert.validTo), 'never outlives the root');
      assert.ok(Date.parse(cert.validFrom) < Date.now(), 'valid now');
    }
    assert.notEqual(new X509Certificate(a.certPem).fingerprint256, new X509Certificate(b.certPem).fingerprint256);
    assert.notEqual(a.keyPem, b.keyPem, 'a key per cluster');
  });

  it('puts the four files of the recipe into the cacerts Secret: chain = intermediate + root', () => {
    const root = generateRoot();
    const i = issueIntermediate(root, 'east');
    const secret = cacertsSecret(root, i);
    const data = secret.data as Record<string, string>;
    assert.deepEqual(Object.keys(data).sort(), ['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']);
    assert.deepEqual([secret.metadata.name, secret.metadata.namespace], ['cacerts', 'istio-system']);
    assert.equal(decode(data, 'cert-chain.pem'), i.certPem + root.certPem);
    assert.equal(decode(data, 'ca-key.pem'), i.keyPem);
    assert.equal(cacertsRoot(secret), root.certPem);
    assert.equal(cacertsRoot(undefined), undefined);
  });

  it('reads a user\'s RSA or EC root and signs with it', () => {
    const generated = generateRoot();
    const ec = readRoot(generated.certPem, keyPem(generated.key));
    assert.equal(ec.source, 'files');
    assert.ok(new X509Certificate(issueIntermediate(ec, 'x').certPem).verify(new X509Certificate(ec.certPem).publicKey));
    // The RSA signature path: the issuing key decides the algorithm (sha256WithRSAEncryption).
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const byRsa = new X509Certificate(issueIntermediate({ ...generated, key: rsa.privateKey }, 'x').certPem);
    assert.ok(byRsa.verify(rsa.publicKey));
    assert.throws(() => readRoot(generated.certPem, keyPem(rsa.privateKey)), /does not belong to the root certificate/);
  });

  it('refuses files that are not a usable root, without quoting the key', () => {
    const root = generateRoot();
    const leafish = issueIntermediate(root, 'x');
    assert.throws(() => readRoot('nonsense', keyPem(root.key)), RootCaError);
    assert.throws(() => readRoot(root.certPem, 'SECRET-KEY-MATERIAL'), (err: Error) => err instanceof RootCaError && !err.message.includes('SECRET'));
    assert.throws(() => readRoot(root.certPem, leafish.keyPem), /does not belong/);
    const ed = generateKeyPairSync('ed25519');
    assert.throws(() => readRoot(root.certPem, keyPem(ed.privateKey)), /does not belong|RSA or EC/);
  });

  it('tells whether a root bundle holds a root, whatever the line wrapping or a second root beside it', () => {
    const a = generateRoot();
    const b = generateRoot();
    assert.ok(bundleHoldsRoot(a.certPem, a.certPem));
    assert.ok(bundleHoldsRoot(b.certPem + a.certPem.replace(/\n/g, '\r\n'), a.certPem));
    assert.ok(!bundleHoldsRoot(b.certPem, a.certPem));
  });
});
