/**
 * The mesh's certificate authority, Istio's plug-in CA recipe (tools/certs/common.mk in istio/istio) made with
 * node:crypto alone, so no openssl is needed on the user's machine: one root CA, and per cluster an intermediate CA
 * signed by it, stored as the `cacerts` Secret (ca-cert.pem, ca-key.pem, cert-chain.pem, root-cert.pem) that istiod
 * loads at start. Keys are EC P-256 (the root may also be a user's RSA or EC root). Private keys exist only in memory,
 * in the `cacerts` Secrets, and (the root's, if the user asks) in a file of the user's choice: never in a log.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { UnstructuredObject } from '../cluster/types';
import { IstioSystemNamespace } from '../istio/names';
import { rootCertificates } from '../mesh/clusterFacts';
import { bits, bool, children, nul, octets, oid, seq, set, tagged, time, uint, utf8 } from './der';

/** The Secret istiod reads its CA from (`cacerts` in its namespace), and its files. */
export const CacertsSecret = 'cacerts';
const CacertsFiles = { cert: 'ca-cert.pem', key: 'ca-key.pem', chain: 'cert-chain.pem', root: 'root-cert.pem' } as const;
/** The SAN Istio's recipe gives every intermediate: istiod's service name. */
const IntermediateSan = `istiod.${IstioSystemNamespace}.svc`;

export interface RootCa {
  readonly certPem: string;
  readonly key: KeyObject;
  /** Made in this run (its key is gone when the run ends unless saved) or read from the user's files. */
  readonly source: 'generated' | 'files';
}

export interface Intermediate {
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY = 86_400_000;
/** Ten years for the root, as Istio's recipe; an intermediate never outlives its root. */
const ROOT_DAYS = 3650;
const INTERMEDIATE_DAYS = 1825;
/** Valid from an hour ago: a cluster whose clock is a little behind still accepts it. */
const BACKDATE_MS = 3_600_000;

const OID = {
  o: '2.5.4.10', cn: '2.5.4.3', l: '2.5.4.7',
  ecdsaSha256: '1.2.840.10045.4.3.2', rsaSha256: '1.2.840.113549.1.1.11',
  basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15', subjectKeyId: '2.5.29.14', authorityKeyId: '2.5.29.35', subjectAltName: '2.5.29.17',
};

function name(parts: readonly (readonly [string, string])[]): Buffer {
  return seq(...parts.map(([type, value]) => set(seq(oid(type), utf8(value)))));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
}

function signatureAlgorithm(key: KeyObject): Buffer {
  switch (key.asymmetricKeyType) {
    case 'ec': return seq(oid(OID.ecdsaSha256));
    case 'rsa': return seq(oid(OID.rsaSha256), nul());
    default: throw new Error(`A ${key.asymmetricKeyType ?? 'unknown'} key cannot sign the mesh's certificates: use an RSA or EC root key.`);
  }
}

/** RFC 5280's key identifier: a hash of the public key (method 1 hashes the key bits; any unique value is allowed). */
function keyId(spki: Buffer): Buffer {
  return createHash('sha1').update(spki).digest();
}

interface CertSpec {
  readonly subject: Buffer;
  readonly issuer: Buffer;
  readonly spki: Buffer;
  readonly issuerKeyId?: Buffer;
  readonly notAfter: Date;
  readonly pathLen?: number;
  readonly san?: string;
  readonly signer: KeyObject;
}

function certificate(spec: CertSpec): string {
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  // digitalSignature, keyCertSign, cRLSign: bits 0, 5 and 6 (one unused trailing bit).
  const keyUsage = bits(Buffer.from([0x86]), 1);
  const extensions = [
    extension(OID.basicConstraints, true, seq(bool(true), ...(spec.pathLen === undefined ? [] : [uint(Buffer.from([spec.pathLen]))]))),
    extension(OID.keyUsage, true, keyUsage),
    extension(OID.subjectKeyId, false, octets(keyId(spec.spki))),
    ...(spec.issuerKeyId ? [extension(OID.authorityKeyId, false, seq(tagged(0, spec.issuerKeyId, false)))] : []),
    ...(spec.san ? [extension(OID.subjectAltName, false, seq(tagged(2, Buffer.from(spec.san, 'ascii'), false)))] : []),
  ];
  const algorithm = signatureAlgorithm(spec.signer);
  const tbs = seq(
    tagged(0, uint(Buffer.from([2]))),
    uint(serial),
    algorithm,
    spec.issuer,
    seq(time(new Date(Date.now() - BACKDATE_MS)), time(spec.notAfter)),
    spec.subject,
    spec.spki,
    tagged(3, seq(...extensions)),
  );
  const der = seq(tbs, algorithm, bits(sign('sha256', tbs, spec.signer)));
  return pem(der);
}

function pem(der: Buffer): string {
  return `-----BEGIN CERTIFICATE-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END CERTIFICATE-----\n`;
}

const newKey = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** A new root CA: O=Istio, CN=Root CA, CA:true, ten years. */
export function generateRoot(): RootCa {
  const { privateKey, publicKey } = newKey();
  const subject = name([[OID.o, 'Istio'], [OID.cn, 'Root CA']]);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const certPem = certificate({ subject, issuer: subject, spki, notAfter: new Date(Date.now() + ROOT_DAYS * DAY), signer: privateKey });
  return { certPem, key: privateKey, source: 'generated' };
}

/** The subject and subject key identifier of a certificate, read from its DER. */
function subjectAndKeyId(certPem: string): { subject: Buffer; keyId?: Buffer } {
  const der = new X509Certificate(certPem).raw;
  const tbs = children(children(der)[0].body)[0].body;
  const fields = children(tbs);
  // [0] version, serial, algorithm, issuer, validity, subject, spki, ..., [3] extensions
  const offset = fields[0].tag === 0xa0 ? 1 : 0;
  const subject = fields[offset + 4].raw;
  const extensions = fields.find((f) => f.tag === 0xa3);
  const ski = oid(OID.subjectKeyId);
  for (const ext of extensions ? children(children(extensions.body)[0].body) : []) {
    const [id, ...rest] = children(ext.body);
    if (id.raw.equals(ski)) return { subject, keyId: children(rest[rest.length - 1].body)[0].body };
  }
  return { subject };
}

/** An intermediate CA for one cluster, as Istio's recipe makes it: O=Istio, CN=Intermediate CA, L=<cluster>, pathlen 0, SAN istiod.istio-system.svc. */
export function issueIntermediate(root: RootCa, clusterName: string): Intermediate {
  const { privateKey, publicKey } = newKey();
  const rootCert = new X509Certificate(root.certPem);
  const issuer = subjectAndKeyId(root.certPem);
  const notAfter = new Date(Math.min(Date.now() + INTERMEDIATE_DAYS * DAY, Date.parse(rootCert.validTo)));
  const certPem = certificate({
    subject: name([[OID.o, 'Istio'], [OID.cn, 'Intermediate CA'], [OID.l, clusterName]]),
    issuer: issuer.subject, issuerKeyId: issuer.keyId, spki: publicKey.export({ type: 'spki', format: 'der' }),
    notAfter, pathLen: 0, san: IntermediateSan, signer: root.key,
  });
  return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

export class RootCaError extends Error {
  readonly name = 'RootCaError';
}

/** The user's root CA files, checked: a CA certificate, valid now, and the key that belongs to it. */
export function readRoot(certPem: string, keyPem: string): RootCa {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch (err) {
    throw new RootCaError(`The root certificate file holds no PEM certificate (${(err as Error).message}).`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    // The parser's message may quote the key's bytes: say only what is wrong.
    throw new RootCaError('The root key file holds no unencrypted PEM private key.');
  }
  if (!cert.ca) throw new RootCaError(`The certificate ${cert.subject.replace(/\n/g, ', ')} is not a CA (basicConstraints CA:true is missing).`);
  if (!cert.checkPrivateKey(key)) throw new RootCaError('The key file does not belong to the root certificate.');
  if (Date.parse(cert.validTo) <= Date.now()) throw new RootCaError(`The root certificate expired on ${cert.validTo}.`);
  signatureAlgorithm(key);
  return { certPem: pem(cert.raw), key, source: 'files' };
}

/** How the plan names a root: its subject and the start of its SHA-256 fingerprint. */
export function describeRoot(certPem: string): string {
  const cert = new X509Certificate(certPem);
  return `"${cert.subject.replace(/\n/g, ', ')}" (SHA-256 ${cert.fingerprint256.slice(0, 23)}…)`;
}

/** Whether a `root-cert.pem` bundle (which may hold two roots during a rotation) holds `root`. */
export function bundleHoldsRoot(bundlePem: string, rootPem: string): boolean {
  const [mine] = rootCertificates(rootPem);
  return rootCertificates(bundlePem).includes(mine);
}

/** The `cacerts` Secret of one cluster: its intermediate, the chain up to the root, and the root. */
export function cacertsSecret(root: RootCa, intermediate: Intermediate): UnstructuredObject {
  const files = {
    [CacertsFiles.cert]: intermediate.certPem,
    [CacertsFiles.key]: intermediate.keyPem,
    [CacertsFiles.chain]: intermediate.certPem + root.certPem,
    [CacertsFiles.root]: root.certPem,
  };
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'Opaque',
    metadata: { name: CacertsSecret, namespace: IstioSystemNamespace, labels: { 'app.kubernetes.io/managed-by': 'istio-mesh' } },
    data: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
  };
}

/** The root bundle a `cacerts` Secret holds (its `root-cert.pem`), or undefined when it has none. */
export function cacertsRoot(secret: UnstructuredObject | undefined): string | undefined {
  const encoded = (secret?.data as Record<string, string> | undefined)?.[CacertsFiles.root];
  return encoded ? Buffer.from(encoded, 'base64').toString('utf8') : undefined;
}

/** Writes the root for later clusters: root-cert.pem, and root-key.pem readable by the user only. Returns the paths. */
export async function saveRoot(root: RootCa, dir: string): Promise<{ cert: string; key: string }> {
  const cert = join(dir, 'root-cert.pem');
  const key = join(dir, 'root-key.pem');
  // Never over another root's files: its key may be the only one left of a mesh.
  await writeFile(key, root.key.export({ type: 'pkcs8', format: 'pem' }).toString(), { mode: 0o600, flag: 'wx' });
  await writeFile(cert, root.certPem, { mode: 0o644, flag: 'wx' });
  return { cert, key };
}
