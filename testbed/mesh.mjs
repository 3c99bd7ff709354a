// A multi-cluster testbed: N independent control planes, each a full testbed of lib.mjs in <dir>/cluster-<i>/ (own
// etcd, kube-apiserver, controllers, kwok nodes and, with Istio, its own local istiod), one kubeconfig in <dir>
// holding every cluster's context, and optionally one Istio mesh over them, multi-primary on one network, set up
// as Istio's multi-cluster guide does it:
//   - a root CA shared by all clusters and an intermediate per cluster, plugged in as the `cacerts` Secret;
//   - `values.global.meshID`, `values.global.multiCluster.clusterName` and `values.global.network` at install;
//   - remote secrets made by `istioctl create-remote-secret` for every pair, so each istiod watches every other
//     cluster's API server.
//
//   import { upMesh, meshEnv } from './testbed/mesh.mjs';
//   await upMesh({ dir, clusters: 2, istio: true });   // lib.mjs's down({ dir }) stops it all
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { dump, load, loadAll } from 'js-yaml';
import { CONTEXT, assertTestbedDir, binaries, build, env, installIstio, isBuilt, kubeClient, liveRecords, markTestbedDir, startIstiod, status, stopAll, up } from './lib.mjs';
import { TestbedError, run, since, stateDir, waitFor } from './util.mjs';

export const MESH_ID = 'mesh1';
export const NETWORK = 'network1';
const MESH_FILE = 'mesh.json';
const ISTIO_NS = 'istio-system';
/** Label istiod reads on its system namespace for the cluster's network (istio.io/api label/labels.gen.go). */
const NETWORK_LABEL = 'topology.istio.io/network';
/** The plug-in CA files Istio's recipe puts in the `cacerts` Secret (tools/certs in istio/istio). */
const CACERTS_FILES = ['ca-cert.pem', 'ca-key.pem', 'root-cert.pem', 'cert-chain.pem'];

const defaultLog = (m) => process.stderr.write(`${m}\n`);

/** Cluster i (from 1) of a multi-cluster testbed: its kubeconfig context, Istio cluster name and state dir. */
export function meshMember(dir, i) {
  return { index: i, context: `${CONTEXT}-${i}`, name: `cluster${i}`, dir: join(dir, `cluster-${i}`) };
}

/**
 * Starts `clusters` control planes side by side, writes one kubeconfig with all their contexts, and with `istio`
 * installs one multi-primary mesh over them and waits until each istiod reports every other cluster synced.
 * Writes <dir>/mesh.json (see meshEnv) and resolves with meshEnv(). On failure stops everything it started.
 */
export async function upMesh({ dir, clusters = 2, istio = false, nodes = 1, meshId = MESH_ID, network = NETWORK, log = defaultLog } = {}) {
  dir = stateDir(dir);
  if (!Number.isInteger(clusters) || clusters < 2) throw new TestbedError(`A multi-cluster testbed needs 2 or more clusters, not ${clusters}.`);
  assertTestbedDir(dir);
  const live = liveRecords(dir);
  if (live.length > 0) {
    throw new TestbedError(`A testbed is already running from ${dir} (${live.map((r) => `${r.name} pid ${r.pid}`).join(', ')}). Fix: \`npm run testbed -- down --dir ${dir}\`, or pick another --dir.`);
  }
  // One build up front: the clusters' parallel starts would otherwise each wait on the build lock.
  if (!isBuilt()) await build({ log });
  rmSync(dir, { recursive: true, force: true });
  markTestbedDir(dir);
  const members = Array.from({ length: clusters }, (_, i) => meshMember(dir, i + 1));
  const t0 = Date.now();
  const timings = {};
  let tp = t0;
  const lap = (name) => {
    timings[name] = since(tp);
    tp = Date.now();
  };
  try {
    await all(members.map((m) => up({
      dir: m.dir, nodes, context: m.context, clusterName: m.name, pluggedCa: istio, build: false,
      log: (line) => log(line.replace(/^testbed:/, `testbed [${m.name}]:`)),
    })));
    lap('kubernetes');
    for (const m of members) Object.assign(m, { server: env({ dir: m.dir }).ISTIO_MESH_TESTBED_SERVER });
    writeMeshKubeconfig(dir, members);
    if (istio) {
      await makeMeshCa(join(dir, 'pki'), members);
      lap('ca');
      await all(members.map((m) => installPrimary(m, { meshId, network, caDir: join(dir, 'pki', m.name), log })));
      lap('istio');
      for (const m of members) m.istiodDebug = `http://127.0.0.1:${status({ dir: m.dir }).ports.istiodHttp}`;
      await linkClusters(dir, members);
      await waitLinked(members);
      lap('remote secrets');
    }
  } catch (err) {
    await stopAll(dir);
    if (err instanceof TestbedError) throw new TestbedError(`testbed up (${clusters} clusters) failed: ${err.message}\n  (logs kept under ${dir}; the next \`up\` clears them)`);
    throw err;
  }
  const mesh = { dir, kubeconfig: join(dir, 'kubeconfig'), istio, meshId: istio ? meshId : undefined, network: istio ? network : undefined,
    clusters: members, timings, upSeconds: since(t0) };
  writeFileSync(join(dir, MESH_FILE), `${JSON.stringify(mesh, null, 2)}\n`);
  log(`testbed: ${clusters} clusters${istio ? ` in mesh ${meshId} (multi-primary, network ${network})` : ''} ready in ${mesh.upSeconds}s; contexts ${members.map((m) => m.context).join(', ')}`);
  return meshEnv({ dir });
}

/**
 * Like Promise.all, but settles every promise before rejecting with the first error: a cluster still starting
 * when another failed would otherwise start processes after the clean-up stopped the rest.
 */
async function all(promises) {
  const results = await Promise.allSettled(promises);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return results.map((r) => r.value);
}

/** The mesh.json of a multi-cluster testbed in `dir`, or undefined when `dir` holds none. */
export function readMesh(dir) {
  const p = join(stateDir(dir), MESH_FILE);
  return existsSync(p) ? JSON.parse(readFileSync(p, 'utf8')) : undefined;
}

/**
 * The environment for clients of a running multi-cluster testbed: KUBECONFIG (every context), the contexts
 * (space-separated, in cluster order), the state dir and the built tools.
 */
export function meshEnv({ dir } = {}) {
  const mesh = readMesh(dir);
  if (!mesh) throw new TestbedError(`No multi-cluster testbed in ${stateDir(dir)}: start one with \`npm run testbed -- up --clusters 2 --istio\`.`);
  const bin = binaries();
  return {
    KUBECONFIG: mesh.kubeconfig,
    ISTIO_MESH_TESTBED_DIR: mesh.dir,
    ISTIO_MESH_TESTBED_CONTEXTS: mesh.clusters.map((c) => c.context).join(' '),
    ISTIO_MESH_TESTBED_ISTIOCTL: bin.istioctl,
    ISTIO_MESH_TESTBED_KUBECTL: bin.kubectl,
  };
}

/** One kubeconfig with every member's cluster, user and context (each member's own kubeconfig names them apart). */
export function writeMeshKubeconfig(dir, members) {
  const configs = members.map((m) => load(readFileSync(join(m.dir, 'kubeconfig'), 'utf8')));
  const text = dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: configs.flatMap((c) => c.clusters),
    users: configs.flatMap((c) => c.users),
    contexts: configs.flatMap((c) => c.contexts),
    'current-context': members[0].context,
  });
  writeFileSync(join(dir, 'kubeconfig'), text, { mode: 0o600 });
}

/**
 * Istio's plug-in CA recipe: one root CA, and per cluster an intermediate CA signed by it (ca-cert.pem, ca-key.pem,
 * cert-chain.pem = intermediate + root, root-cert.pem) in <pki>/<cluster name>/.
 */
export async function makeMeshCa(pki, members) {
  mkdirSync(pki, { recursive: true });
  const openssl = (args, cwd) => run('openssl', args, { cwd }).catch((err) => {
    throw new TestbedError(`openssl ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  });
  const ecKey = (path) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', path], pki);
  await ecKey('root-key.pem');
  await openssl(['req', '-x509', '-new', '-key', 'root-key.pem', '-subj', '/O=Istio/CN=Root CA', '-days', '3650', '-out', 'root-cert.pem',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], pki);
  // One after another: the root's serial file is shared.
  for (const m of members) {
    const d = join(pki, m.name);
    mkdirSync(d, { recursive: true });
    await ecKey(join(d, 'ca-key.pem'));
    writeFileSync(join(d, 'ca.ext'), `basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,digitalSignature,keyCertSign,cRLSign\nsubjectAltName=DNS:istiod.${ISTIO_NS}.svc\n`);
    await openssl(['req', '-new', '-key', join(d, 'ca-key.pem'), '-subj', `/O=Istio/CN=Intermediate CA/L=${m.name}`, '-out', join(d, 'ca.csr')], pki);
    await openssl(['x509', '-req', '-in', join(d, 'ca.csr'), '-CA', 'root-cert.pem', '-CAkey', 'root-key.pem', '-CAcreateserial', '-days', '730',
      '-extfile', join(d, 'ca.ext'), '-out', join(d, 'ca-cert.pem')], pki);
    const root = readFileSync(join(pki, 'root-cert.pem'));
    writeFileSync(join(d, 'root-cert.pem'), root);
    writeFileSync(join(d, 'cert-chain.pem'), Buffer.concat([readFileSync(join(d, 'ca-cert.pem')), root]));
  }
}

const clientOf = (m) => kubeClient({ dir: m.dir, server: m.server });

/** POSTs `body` to `collection`; if it exists, replaces it at `collection/<name>`. */
async function apply(kube, collection, body) {
  const created = await kube('POST', collection, body);
  if (created.status === 201) return;
  const replaced = created.status === 409 ? await kube('PUT', `${collection}/${body.metadata.name}`, body) : created;
  if (replaced.status !== 200 && replaced.status !== 201) throw new TestbedError(`Writing ${collection}/${body.metadata.name} failed: HTTP ${replaced.status} ${replaced.json?.message ?? ''}`);
}

/** One primary: istio-system with its network label, the `cacerts` Secret, `istioctl install` with the mesh values, its istiod. */
async function installPrimary(m, { meshId, network, caDir, log }) {
  const kube = clientOf(m);
  await apply(kube, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ISTIO_NS, labels: { [NETWORK_LABEL]: network } } });
  const data = Object.fromEntries(CACERTS_FILES.map((f) => [f, readFileSync(join(caDir, f)).toString('base64')]));
  await apply(kube, `/api/v1/namespaces/${ISTIO_NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cacerts', namespace: ISTIO_NS }, type: 'Opaque', data });
  const prefixed = (line) => log(line.replace(/^testbed:/, `testbed [${m.name}]:`));
  await installIstio({ dir: m.dir, log: prefixed, extraSets: [`values.global.meshID=${meshId}`, `values.global.multiCluster.clusterName=${m.name}`, `values.global.network=${network}`] });
  await startIstiod({ dir: m.dir, log: prefixed });
}

/** For every pair, `istioctl create-remote-secret` of one cluster applied to the other (nothing of it is logged: it holds a token). */
async function linkClusters(dir, members) {
  const { istioctl } = binaries();
  for (const remote of members) {
    const args = ['create-remote-secret', `--kubeconfig=${join(dir, 'kubeconfig')}`, `--context=${remote.context}`, `--name=${remote.name}`, `--server=${remote.server}`];
    let yaml;
    try {
      yaml = await run(istioctl, args, { timeout: 120_000 });
    } catch (err) {
      throw new TestbedError(`istioctl ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
    }
    // istioctl prints the Secret between `---` separators: several documents, of which only the Secret is not empty.
    const secrets = loadAll(yaml).filter((doc) => doc && doc.kind === 'Secret');
    if (secrets.length !== 1) throw new TestbedError(`istioctl create-remote-secret for ${remote.name} printed ${secrets.length} Secrets, expected one`);
    for (const local of members.filter((m) => m !== remote)) await apply(clientOf(local), `/api/v1/namespaces/${ISTIO_NS}/secrets`, secrets[0]);
  }
}

/** What istiod's /debug/clusterz lists (the JSON `istioctl remote-clusters` prints as a table): [{ id, secretName, syncStatus }]. */
export function remoteClusters(istiodDebug) {
  return new Promise((resolve, reject) => {
    const req = request(`${istiodDebug}/debug/clusterz`, { timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        else {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err);
          }
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout after 5000ms')));
    req.on('error', reject);
    req.end();
  });
}

/** Waits until each istiod reports every other cluster `synced`. */
async function waitLinked(members) {
  await Promise.all(members.map((m) => waitFor(`istiod of ${m.name} to sync ${members.filter((o) => o !== m).map((o) => o.name).join(', ')}`, async () => {
    const listed = await remoteClusters(m.istiodDebug);
    return members.filter((o) => o !== m).every((o) => listed.some((c) => c.id === o.name && c.syncStatus === 'synced'));
  }, { timeoutMs: 180_000, intervalMs: 500 })));
}
