// The testbed: a real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager,
// kube-scheduler) with kwok's fake nodes, and optionally Istio (istioctl install + istiod as a
// local process serving the sidecar-injection webhook), all on free 127.0.0.1 ports.
//
//   import { up, down, status, env, installIstio, startIstiod } from './testbed/lib.mjs';
//
// State lives in one dir (see stateDir()): pki/, logs/<component>.log, pids/<component>.json,
// kubeconfig, state.json. Every process is started detached and recorded by pid (and start time,
// so a recycled pid is never signalled); `down` stops exactly those.
import { spawn } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { basename, join } from 'node:path';
import { dump } from 'js-yaml';
import { KWOK_STAGES, binaries, build, isBuilt, pendingBinaries } from './build.mjs';
import { ETCD_VERSION, ISTIO, K8S_VERSION, KWOK_VERSION } from './versions.mjs';
import { TestbedError, cacheRoot, run, since, stateDir, tail, waitFor } from './util.mjs';

export { build, binaries, isBuilt, pendingBinaries, stateDir, TestbedError };
export { ETCD_VERSION, ISTIO, K8S_VERSION, KWOK_VERSION };

/** Name of the kubeconfig context (and cluster) the testbed writes. */
export const CONTEXT = 'istio-mesh-testbed';
const MARKER = '.istio-mesh-testbed';
const SERVICE_CIDR = '10.96.0.0/16';
const SERVICE_IP = '10.96.0.1';
const ISTIO_NS = 'istio-system';
/** Start order; `down` stops in reverse. */
const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'istiod'];
const HOW_DOWN = 'npm run testbed -- down';

const defaultLog = (m) => process.stderr.write(`${m}\n`);

// ---------------------------------------------------------------------------------------------
// processes

function procStartTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], start: fields[19] };
  } catch {
    return undefined;
  }
}

/** True when the recorded process is still the one we started and has not exited. */
export function isAlive(rec) {
  if (!rec?.pid) return false;
  try {
    process.kill(rec.pid, 0);
  } catch {
    return false;
  }
  const st = procStartTime(rec.pid);
  if (!st) return process.platform !== 'linux';
  if (st.state === 'Z' || st.state === 'X') return false;
  return rec.startTime === undefined || st.start === rec.startTime;
}

function readPids(dir) {
  const pdir = join(dir, 'pids');
  if (!existsSync(pdir)) return {};
  const out = {};
  for (const f of readdirSync(pdir)) {
    if (!f.endsWith('.json')) continue;
    try {
      out[f.slice(0, -5)] = JSON.parse(readFileSync(join(pdir, f), 'utf8'));
    } catch {
      /* a half-written record of a crashed run: the process cannot be identified, skip it */
    }
  }
  return out;
}

function startProcess(dir, name, file, args, { env = {}, cwd = dir } = {}) {
  const logPath = join(dir, 'logs', `${name}.log`);
  const fd = openSync(logPath, 'a');
  let child;
  try {
    child = spawn(file, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
  child.on('error', () => {}); // reported through the pid check below
  if (!child.pid) throw new TestbedError(`Could not start ${name} (${file}): is the testbed built? Run \`npm run testbed -- build\`.`);
  child.unref();
  const rec = { name, pid: child.pid, startTime: procStartTime(child.pid)?.start, file, args, log: logPath, startedAt: new Date().toISOString() };
  mkdirSync(join(dir, 'pids'), { recursive: true });
  writeFileSync(join(dir, 'pids', `${name}.json`), `${JSON.stringify(rec, null, 2)}\n`);
  return rec;
}

async function stopProcess(rec, { timeoutMs = 10_000 } = {}) {
  if (!isAlive(rec)) return false;
  const signal = (sig) => {
    try {
      process.kill(-rec.pid, sig); // its own process group (started detached)
    } catch {
      try {
        process.kill(rec.pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  try {
    await waitFor(`${rec.name} to exit`, () => !isAlive(rec), { timeoutMs, intervalMs: 100 });
  } catch {
    signal('SIGKILL');
    await waitFor(`${rec.name} to exit after SIGKILL`, () => !isAlive(rec), { timeoutMs: 5000, intervalMs: 100 });
  }
  return true;
}

/** Fails with the log tail of `rec` if its process is gone (used inside waits). */
function assertRunning(rec) {
  if (!isAlive(rec)) {
    const logTail = tail(rec.log, 30);
    const inUse = /address already in use/i.test(logTail);
    throw new TestbedError(
      `${rec.name} exited during start-up${inUse ? ': a port it was given was taken by another process in the meantime' : ''}. ` +
        `Its log is ${rec.log}; last lines:`,
      { logTail: `${logTail}\n  Fix: ${inUse ? 'run `npm run testbed -- up` again (it picks new free ports)' : `see the log above, then \`${HOW_DOWN}\` and \`npm run testbed -- up\``}.` },
    );
  }
}

/**
 * The kernel's ephemeral range (net.ipv4.ip_local_port_range): the local ports of outgoing connections come from it,
 * so a port picked there and bound seconds later may meanwhile be one end of, say, kube-apiserver's connection to etcd.
 */
function ephemeralStart() {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (low > 0) return low;
  } catch {
    /* not Linux: the usual default */
  }
  return 32768;
}

/** Ports this process has handed out: the clusters of a multi-cluster testbed start side by side. */
const handedOut = new Set();

/** True when nothing listens on 127.0.0.1:`port` now. */
function canListen(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that is free now and that no outgoing connection will take before its server binds it:
 * picked at random below the ephemeral range (between 10000 and its start), never one this process gave before.
 */
export async function freePort() {
  const low = ephemeralStart();
  const [from, to] = low > 11_000 ? [10_000, low - 1] : [61_000, 65_000];
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new TestbedError(`No free TCP port on 127.0.0.1 between ${from} and ${to} after 200 tries.`);
}

async function freePorts(names) {
  const ports = {};
  for (const n of names) ports[n] = await freePort();
  return ports;
}

// ---------------------------------------------------------------------------------------------
// certificates (openssl)

async function openssl(args, cwd) {
  try {
    return await run('openssl', args, { cwd });
  } catch (err) {
    if (err.code === 'ENOENT') throw new TestbedError('openssl not found: the testbed makes its certificates with it. Install it (Debian/Ubuntu: `apt-get install -y openssl`) and run this again.');
    throw new TestbedError(`openssl ${args.join(' ')} failed: ${(err.stderr || err.message).trim()}`);
  }
}

/** Checks for openssl; as root (CI's fresh machines) installs Debian's package, otherwise names the fix. */
async function ensureOpenssl(log) {
  try {
    await run('openssl', ['version']);
    return;
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
  const fix = 'openssl not found: the testbed makes its certificates with it. Install it (Debian/Ubuntu: `apt-get install -y openssl`) and run this again.';
  if (process.getuid?.() !== 0) throw new TestbedError(fix);
  log('testbed: openssl missing, installing it with apt-get');
  try {
    await run('apt-get', ['update'], { timeout: 300_000 });
    await run('apt-get', ['install', '-y', '--no-install-recommends', 'openssl'], { timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (err) {
    throw new TestbedError(`${fix} (apt-get failed: ${(err.stderr || err.message).trim().split('\n').pop()})`);
  }
}

async function makePki(pki) {
  mkdirSync(pki, { recursive: true });
  // ECDSA P-256: as good as RSA here and generated in milliseconds (RSA keys cost seconds on a busy machine).
  const key = (name) => openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', `${name}.key`], pki);
  await Promise.all(['ca', 'apiserver', 'admin', 'sa'].map(key));
  await openssl(['req', '-x509', '-new', '-key', 'ca.key', '-subj', '/CN=istio-mesh-testbed-ca', '-days', '3650', '-out', 'ca.crt',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], pki);
  await openssl(['pkey', '-in', 'sa.key', '-pubout', '-out', 'sa.pub'], pki);
  const sign = async (name, subj, ext) => {
    writeFileSync(join(pki, `${name}.ext`), ext);
    await openssl(['req', '-new', '-key', `${name}.key`, '-subj', subj, '-out', `${name}.csr`], pki);
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '825', '-extfile', `${name}.ext`, '-out', `${name}.crt`], pki);
  };
  await sign('apiserver', '/CN=kube-apiserver',
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n` +
      `subjectAltName=IP:127.0.0.1,DNS:localhost,IP:${SERVICE_IP},DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\n`);
  await sign('admin', '/O=system:masters/CN=istio-mesh-testbed-admin',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n');
}

function b64(path) {
  return readFileSync(path).toString('base64');
}

/**
 * The admin kubeconfig of the testbed: one cluster, one client-certificate user, one context, all named after the
 * context (CONTEXT unless a cluster of a multi-cluster testbed names its own).
 */
export function kubeconfigText({ server, caData, certData, keyData, context = CONTEXT }) {
  return dump({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: { server, 'certificate-authority-data': caData } }],
    users: [{ name: `${context}-admin`, user: { 'client-certificate-data': certData, 'client-key-data': keyData } }],
    contexts: [{ name: context, context: { cluster: context, user: `${context}-admin` } }],
    'current-context': context,
  });
}

function writeKubeconfig(dir, server, context) {
  const pki = join(dir, 'pki');
  const text = kubeconfigText({ server, context, caData: b64(join(pki, 'ca.crt')), certData: b64(join(pki, 'admin.crt')), keyData: b64(join(pki, 'admin.key')) });
  const path = join(dir, 'kubeconfig');
  writeFileSync(path, text, { mode: 0o600 });
  return path;
}

// ---------------------------------------------------------------------------------------------
// HTTP to the components

function get(url, { tls, timeoutMs = 5000, method = 'GET', body, contentType = 'application/json' } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method, timeout: timeoutMs, ...(tls ?? {}), headers: body ? { 'content-type': contentType } : {} },
      (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (data += c));
        res.on('end', () => resolve({ status: res.statusCode, body: data }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs}ms`)));
    req.on('error', reject);
    if (body) req.write(JSON.stringify(body));
    req.end();
  });
}

function adminTls(dir) {
  const pki = join(dir, 'pki');
  return { ca: readFileSync(join(pki, 'ca.crt')), cert: readFileSync(join(pki, 'admin.crt')), key: readFileSync(join(pki, 'admin.key')) };
}

/** A minimal admin client for the testbed's apiserver: kube(state)('GET', '/api/v1/nodes'). */
export function kubeClient(state) {
  const tls = adminTls(state.dir);
  return async (method, path, body, contentType) => {
    const res = await get(`${state.server}${path}`, { tls, method, body, contentType, timeoutMs: 15_000 });
    let json;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, json, text: res.body };
  };
}

// ---------------------------------------------------------------------------------------------
// state

function readState(dir) {
  const p = join(dir, 'state.json');
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeState(state) {
  writeFileSync(join(state.dir, 'state.json'), `${JSON.stringify(state, null, 2)}\n`);
}

/** Refuses to touch a dir that holds something other than a testbed. */
export function assertTestbedDir(dir) {
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, MARKER))) {
    throw new TestbedError(`${dir} exists and is not a testbed state dir (no ${MARKER} in it): pick another with --dir or ISTIO_MESH_TESTBED_DIR.`);
  }
}

// ---------------------------------------------------------------------------------------------
// components

async function startEtcd(state, bin) {
  const { dir, ports } = state;
  const rec = startProcess(dir, 'etcd', bin.etcd, [
    '--name', 'testbed',
    '--data-dir', join(dir, 'etcd'),
    '--listen-client-urls', `http://127.0.0.1:${ports.etcd}`,
    '--advertise-client-urls', `http://127.0.0.1:${ports.etcd}`,
    '--listen-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`,
    '--initial-advertise-peer-urls', `http://127.0.0.1:${ports.etcdPeer}`,
    '--initial-cluster', `testbed=http://127.0.0.1:${ports.etcdPeer}`,
    '--listen-metrics-urls', `http://127.0.0.1:${ports.etcdMetrics}`,
    '--unsafe-no-fsync', // throwaway data: no fsync keeps it fast on slow disks
    '--log-level', 'warn',
  ]);
  await waitFor('etcd /health', async () => {
    assertRunning(rec);
    const r = await get(`http://127.0.0.1:${ports.etcd}/health`);
    return r.status === 200 && /"health":\s*"true"/.test(r.body);
  }, { timeoutMs: 60_000 });
}

async function startApiserver(state, bin) {
  const { dir, ports } = state;
  const pki = join(dir, 'pki');
  const rec = startProcess(dir, 'kube-apiserver', bin['kube-apiserver'], [
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${ports.apiserver}`,
    `--cert-dir=${join(dir, 'apiserver')}`,
    `--tls-cert-file=${join(pki, 'apiserver.crt')}`,
    `--tls-private-key-file=${join(pki, 'apiserver.key')}`,
    `--client-ca-file=${join(pki, 'ca.crt')}`,
    '--authorization-mode=RBAC',
    '--anonymous-auth=false',
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-account-key-file=${join(pki, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(pki, 'sa.key')}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
    '--profiling=false',
  ]);
  const tls = adminTls(dir);
  await waitFor('kube-apiserver /readyz', async () => {
    assertRunning(rec);
    const r = await get(`${state.server}/readyz`, { tls });
    return r.status === 200;
  }, { timeoutMs: 120_000, intervalMs: 250 });
}

async function startControllers(state, bin) {
  const { dir, ports, kubeconfig } = state;
  const pki = join(dir, 'pki');
  const common = [`--kubeconfig=${kubeconfig}`, `--authentication-kubeconfig=${kubeconfig}`, `--authorization-kubeconfig=${kubeconfig}`, '--leader-elect=false', '--bind-address=127.0.0.1'];
  const kcm = startProcess(dir, 'kube-controller-manager', bin['kube-controller-manager'], [
    ...common,
    `--secure-port=${ports.controllerManager}`,
    `--cert-dir=${join(dir, 'controller-manager')}`,
    `--root-ca-file=${join(pki, 'ca.crt')}`,
    `--service-account-private-key-file=${join(pki, 'sa.key')}`,
    `--cluster-signing-cert-file=${join(pki, 'ca.crt')}`,
    `--cluster-signing-key-file=${join(pki, 'ca.key')}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--use-service-account-credentials=false',
  ]);
  const sched = startProcess(dir, 'kube-scheduler', bin['kube-scheduler'], [
    ...common,
    `--secure-port=${ports.scheduler}`,
    `--cert-dir=${join(dir, 'scheduler')}`,
  ]);
  const insecure = { rejectUnauthorized: false }; // loopback health probe of a self-signed serving cert
  await Promise.all(
    [[kcm, ports.controllerManager], [sched, ports.scheduler]].map(([rec, port]) =>
      waitFor(`${rec.name} /healthz`, async () => {
        assertRunning(rec);
        const r = await get(`https://127.0.0.1:${port}/healthz`, { tls: insecure });
        return r.status === 200;
      }, { timeoutMs: 90_000, intervalMs: 250 }),
    ),
  );
}

function nodeObject(name) {
  // Fake nodes cost nothing per pod: a capacity far above a kubelet's usual 110 lets the mesh benchmark's
  // 5,000 pods fit on the testbed's two nodes.
  const resources = { cpu: '1000', memory: '4Ti', pods: '5000', 'ephemeral-storage': '500Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', type: 'kwok' },
      annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
    },
    status: { allocatable: resources, capacity: resources, nodeInfo: { kubeletVersion: `${K8S_VERSION}-kwok`, operatingSystem: 'linux', architecture: 'amd64' } },
  };
}

/** Where kwok's pod-ready stage writes a pod's addresses. */
const POD_IPS = ['      {{ with $podIPs }}', '      podIP: {{ index . 0 | Quote }}', '      podIPs:', '      {{ range . }}', '      - ip: {{ . | Quote }}', '      {{ end }}', '      {{ end }}'].join('\n');

/**
 * Edits kwok's pod-ready stage so that istiod's pods (label `app=istiod`) get `address` (see `hostAddress`); other pods
 * keep kwok's fake addresses, and so do the nodes (the API server's port-forward to a node, which `istioctl install`
 * tries, must keep failing as it does on a fake node rather than reach this machine's port 10250).
 */
function istiodPodsAt(stage, address) {
  const text = readFileSync(stage, 'utf8');
  if (!text.includes(POD_IPS)) throw new TestbedError(`kwok's pod-ready stage (${stage}) no longer writes the pod's addresses as the testbed expects: it cannot give istiod's pods ${address}.`);
  const istiod = '{{ if and .metadata.labels ( eq ( printf "%v" ( index .metadata.labels "app" ) ) "istiod" ) }}';
  writeFileSync(stage, text.replace(POD_IPS, [`      ${istiod}`, `      podIP: "${address}"`, '      podIPs:', `      - ip: "${address}"`, '      {{ else }}', POD_IPS, '      {{ end }}'].join('\n')));
}

/**
 * kwok 0.8.0 may die as it starts with Go's "fatal error: concurrent map writes": its node workers register CEL types
 * in one map at once (github.com/wzshiming/easycel's registry, from kwok's lifecycle stages). Seen once in a CI run
 * (2026-12-07, two testbeds starting at once); started again, kwok gets past it. Any other early exit fails as before.
 */
const KWOK_START_RACE = /^fatal error: concurrent map writes$/m;
const KWOK_ATTEMPTS = 3;

async function startKwok(state, bin, nodes) {
  const { dir, ports, kubeconfig } = state;
  const stagesDir = join(dir, 'kwok');
  mkdirSync(stagesDir, { recursive: true });
  const configs = KWOK_STAGES.map((s) => {
    const f = s.split('/').pop();
    cpSync(join(bin.kwokStages, f), join(stagesDir, f));
    return join(stagesDir, f);
  });
  if (state.hostAddress) istiodPodsAt(join(stagesDir, 'pod-ready.yaml'), state.hostAddress);
  const kube = kubeClient(state);
  const names = Array.from({ length: nodes }, (_, i) => `testbed-node-${i}`);
  for (let attempt = 1; ; attempt++) {
    // The log is appended to: what this attempt wrote starts here.
    const logPath = join(dir, 'logs', 'kwok.log');
    const from = existsSync(logPath) ? statSync(logPath).size : 0;
    const rec = startProcess(dir, 'kwok', bin.kwok, [
      `--kubeconfig=${kubeconfig}`,
      '--manage-all-nodes=true',
      `--server-address=127.0.0.1:${ports.kwok}`,
      '--node-lease-duration-seconds=40',
      ...configs.map((c) => `--config=${c}`),
    ]);
    try {
      for (const n of names) {
        const r = await kube('POST', '/api/v1/nodes', nodeObject(n));
        if (r.status !== 201 && r.status !== 409) throw new TestbedError(`Creating node ${n} failed: HTTP ${r.status} ${r.text}`);
      }
      await waitFor(`${nodes} kwok node(s) Ready`, async () => {
        assertRunning(rec);
        const r = await kube('GET', '/api/v1/nodes');
        const ready = (r.json?.items ?? []).filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
        return ready.length >= nodes;
      }, { timeoutMs: 60_000, intervalMs: 250 });
      return;
    } catch (err) {
      const raced = !isAlive(rec) && KWOK_START_RACE.test(readFileSync(logPath).subarray(from).toString('utf8'));
      if (!raced || attempt === KWOK_ATTEMPTS) throw err;
    }
  }
}

async function waitDefaultServiceAccount(state) {
  const kube = kubeClient(state);
  await waitFor('the default ServiceAccount', async () => (await kube('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, { timeoutMs: 60_000 });
}

// ---------------------------------------------------------------------------------------------
// Istio

const ISTIOD_PORTS = ['istiodHttps', 'istiodGrpc', 'istiodSecureGrpc', 'istiodHttp', 'istiodMonitoring', 'istiodCtrlz'];
const isDefaultRevision = (revision) => !revision || revision === 'default';

/**
 * The local istiod ports of a revision: the default revision's were picked at `up`; another revision's are picked
 * on its first install (installIstio({ revision })) and kept in state.json.
 */
function revisionPorts(state, revision) {
  if (isDefaultRevision(revision)) return state.ports;
  const ports = state.revisionPorts?.[revision];
  if (!ports) throw new TestbedError(`No local istiod ports for revision ${revision}: install it with installIstio({ revision: '${revision}' }) first.`);
  return ports;
}

/**
 * The `--set` values that point Istio's webhooks at the local istiod of `revision` (default: the default revision)
 * (pass them to `istioctl install`).
 */
export function istioInstallSets(state, revision) {
  const ports = revisionPorts(state, revision);
  return [
    `values.istiodRemote.injectionURL=https://localhost:${ports.istiodHttps}/inject`,
    `values.base.validationURL=https://localhost:${ports.istiodHttps}/validate`,
    'values.pilot.env.ENABLE_NATIVE_SIDECARS=false',
  ];
}

/**
 * The address of this machine that kwok gives istiod's pods (see `istiodPodsAt`): its first IPv4 address that is not
 * a loopback one. The API server proxies to no loopback address (`pods/…/proxy` answers "address not allowed"), so
 * this is what lets the extension read istiod's metrics through the pod proxy here as in a real cluster (see
 * `reachIstiodThroughPodProxy`). Undefined on a machine without one: istiod's pod then stays unreachable, as a kwok
 * pod is.
 */
export function hostAddress() {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => a.family === 'IPv4' && !a.internal);
    if (found) return found.address;
  }
  return undefined;
}

/** The annotation naming where a pod's metrics are scraped (istiod's chart sets it to its monitoring port). */
const PROMETHEUS_PORT = 'prometheus.io/port';

/**
 * Makes the pod of the istiod Deployment `revision` stands for reachable through the API server's pod proxy: kwok
 * gives it this machine's address (see `istiodPodsAt`), and its `prometheus.io/port` annotation (where its metrics
 * are scraped) becomes the port the local istiod serves its monitoring and debug endpoints on. Waits until that pod
 * alone is Ready at that address. The Deployment is istioctl's otherwise; a later `istioctl install` takes the
 * annotation back, and the pod is then unreachable again.
 */
async function reachIstiodThroughPodProxy(state, revision) {
  const kube = kubeClient(state);
  const name = isDefaultRevision(revision) ? 'istiod' : `istiod-${revision}`;
  const path = `/apis/apps/v1/namespaces/${ISTIO_NS}/deployments/${name}`;
  const port = String(revisionPorts(state, revision).istiodMonitoring);
  // A merge patch of an annotation: a later `istioctl install` takes it back without a conflict.
  const patch = { spec: { template: { metadata: { annotations: { [PROMETHEUS_PORT]: port } } } } };
  const r = await kube('PATCH', path, patch, 'application/merge-patch+json');
  if (r.status !== 200) throw new TestbedError(`Patching ${ISTIO_NS}/${name} for the pod proxy failed: HTTP ${r.status} ${r.text}`);
  const selector = encodeURIComponent(`app=istiod,istio.io/rev=${isDefaultRevision(revision) ? 'default' : revision}`);
  let seen = [];
  try {
    await waitFor(`the ${name} pod at ${state.hostAddress}`, async () => {
      const pods = (await kube('GET', `/api/v1/namespaces/${ISTIO_NS}/pods?labelSelector=${selector}`)).json?.items ?? [];
      seen = pods.map((pod) => `${pod.metadata?.name} ${pod.status?.phase} ${pod.status?.podIP ?? 'no IP'} on ${pod.spec?.nodeName ?? 'no node'}${pod.metadata?.deletionTimestamp ? ' (deleting)' : ''}`);
      return pods.length > 0 && pods.every((pod) => pod.status?.podIP === state.hostAddress && pod.metadata?.annotations?.[PROMETHEUS_PORT] === port && pod.status?.phase === 'Running' && !pod.metadata?.deletionTimestamp);
    }, { timeoutMs: 120_000, intervalMs: 250 });
  } catch (err) {
    throw new TestbedError(`${err.message}; its pods: ${seen.join('; ') || 'none'}`);
  }
}

/**
 * Runs `istioctl install -y` against the testbed (profile minimal by default), with the webhooks
 * pointing at the local istiod. The istiod Deployment's pod is a kwok pod (Ready, runs nothing);
 * the real istiod is the local process started by startIstiod(). With `revision` (not `default`) it installs that
 * revision beside the default one (`istioctl install --revision`), its webhooks pointing at a second local istiod
 * on ports of its own (startIstiod({ revision })).
 */
export async function installIstio({ dir, profile = 'minimal', extraSets = [], revision, log = defaultLog } = {}) {
  const state = requireState(stateDir(dir));
  if (!isDefaultRevision(revision) && !state.revisionPorts?.[revision]) {
    state.revisionPorts = { ...state.revisionPorts, [revision]: await freePorts(ISTIOD_PORTS) };
    writeState(state);
  }
  const bin = binaries();
  const t0 = Date.now();
  const args = ['install', '-y', `--kubeconfig=${state.kubeconfig}`, `--context=${state.context ?? CONTEXT}`, '--set', `profile=${profile}`,
    ...(isDefaultRevision(revision) ? [] : ['--revision', revision]),
    ...[...istioInstallSets(state, revision), ...extraSets].flatMap((s) => ['--set', s]), '--readiness-timeout=3m'];
  const logPath = join(state.dir, 'logs', `istioctl-install${isDefaultRevision(revision) ? '' : `-${revision}`}.log`);
  const fd = openSync(logPath, 'a');
  const code = await new Promise((resolve, reject) => {
    const child = spawn(bin.istioctl, args, { cwd: state.dir, stdio: ['ignore', fd, fd] });
    child.on('error', reject);
    child.on('close', (c) => resolve(c));
  }).finally(() => closeSync(fd));
  if (code !== 0) {
    throw new TestbedError(`istioctl ${args.join(' ')} exited with ${code}. Log ${logPath}:`, { logTail: tail(logPath, 30) });
  }
  if (state.hostAddress) await reachIstiodThroughPodProxy(state, revision);
  log(`testbed: istioctl install (profile ${profile}${isDefaultRevision(revision) ? '' : `, revision ${revision}`}) done in ${since(t0)}s`);
}

/** True when Istio's injector ConfigMap exists (i.e. Istio was installed into the testbed). */
export async function istioInstalled({ dir } = {}) {
  const state = requireState(stateDir(dir));
  const r = await kubeClient(state)('GET', `/api/v1/namespaces/${ISTIO_NS}/configmaps/istio-sidecar-injector`);
  return r.status === 200;
}

/**
 * Starts istiod (pilot-discovery) as a local process against the testbed, serving the injection
 * and validation webhooks on https://localhost:<ports.istiodHttps>. Istio must be installed first
 * (with istioInstallSets()); `waitInstallMs` waits that long for the install to appear. With `revision`, starts that
 * revision's istiod (REVISION=<revision>, its own ports and ConfigMaps), recorded as component `istiod-<revision>`.
 */
export async function startIstiod({ dir, waitInstallMs = 0, revision, log = defaultLog } = {}) {
  const state = requireState(stateDir(dir));
  const rev = isDefaultRevision(revision) ? 'default' : revision;
  const name = rev === 'default' ? 'istiod' : `istiod-${rev}`;
  const injector = rev === 'default' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${rev}`;
  const existing = readPids(state.dir)[name];
  if (isAlive(existing)) return;
  const bin = binaries();
  const kube = kubeClient(state);
  const t0 = Date.now();
  const installed = async () => (await kube('GET', `/api/v1/namespaces/${ISTIO_NS}/configmaps/${injector}`)).status === 200;
  if (waitInstallMs > 0) await waitFor(`Istio to be installed (ConfigMap ${ISTIO_NS}/${injector})`, installed, { timeoutMs: waitInstallMs, intervalMs: 500 });
  else if (!(await installed())) {
    throw new TestbedError(
      `Istio${rev === 'default' ? '' : ` revision ${rev}`} is not installed in the testbed: install it first with \`npm run testbed -- istio\`, or \`istioctl install\` with ${istioInstallSets(state, revision).map((s) => `--set ${s}`).join(' ')}.`,
    );
  }
  const ports = revisionPorts(state, revision);
  // An empty working dir: istiod then reads its mesh config and injection template from the
  // cluster's ConfigMaps instead of files, and keeps its generated files here.
  const cwd = join(state.dir, name);
  rmSync(cwd, { recursive: true, force: true });
  mkdirSync(cwd, { recursive: true });
  const rec = startProcess(state.dir, name, bin['pilot-discovery'], [
    'discovery',
    `--kubeconfig=${state.kubeconfig}`,
    `--httpsAddr=127.0.0.1:${ports.istiodHttps}`,
    `--grpcAddr=127.0.0.1:${ports.istiodGrpc}`,
    `--secureGRPCAddr=127.0.0.1:${ports.istiodSecureGrpc}`,
    `--httpAddr=127.0.0.1:${ports.istiodHttp}`,
    // Where the API server's pod proxy reaches it (see `hostAddress`): istiod serves its debug endpoints there.
    `--monitoringAddr=${state.hostAddress ?? '127.0.0.1'}:${ports.istiodMonitoring}`,
    `--ctrlz_port=${ports.istiodCtrlz}`,
    '--ctrlz_address=127.0.0.1',
    '--domain=cluster.local',
    '--keepaliveMaxServerConnectionAge=30m',
  ], {
    cwd,
    env: {
      KUBECONFIG: state.kubeconfig,
      POD_NAMESPACE: ISTIO_NS,
      POD_NAME: `${name}-testbed-local`,
      SERVICE_ACCOUNT: 'istiod',
      REVISION: rev,
      CLUSTER_ID: state.clusterName ?? 'Kubernetes',
      ISTIOD_CUSTOM_HOST: 'localhost',
      ENABLE_NATIVE_SIDECARS: 'false',
      PILOT_CERT_PROVIDER: 'istiod',
      PILOT_CA_CERT_CONFIGMAP: 'istio-ca-root-cert',
      PILOT_ENABLE_ANALYSIS: 'false',
      INJECTION_WEBHOOK_CONFIG_NAME: injector,
      VALIDATION_WEBHOOK_CONFIG_NAME: rev === 'default' ? `istio-validator-${ISTIO_NS}` : `istio-validator-${rev}-${ISTIO_NS}`,
      // A cluster of a multi-cluster testbed: istiod loads the plugged-in CA from the `cacerts` Secret, as the
      // Secret mounted at ./etc/cacerts would give it in a pod.
      ...(state.pluggedCa ? { USE_REMOTE_CERTS: 'true' } : {}),
    },
  });
  if (rev === 'default') state.istiod = true;
  writeState(state);
  await waitFor(`${name} /ready`, async () => {
    assertRunning(rec);
    const r = await get(`http://127.0.0.1:${ports.istiodHttp}/ready`);
    return r.status === 200;
  }, { timeoutMs: 120_000, intervalMs: 250 });
  // istiod patches its CA into the webhook; until then the apiserver cannot call it.
  await waitFor(`${name} to patch the injection webhook caBundle`, async () => {
    assertRunning(rec);
    const r = await kube('GET', `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${injector}`);
    const hooks = r.json?.webhooks ?? [];
    return hooks.length > 0 && hooks.every((h) => h.clientConfig?.caBundle);
  }, { timeoutMs: 60_000, intervalMs: 250 });
  log(`testbed: ${name} running (webhooks on https://localhost:${ports.istiodHttps}) after ${since(t0)}s`);
}

/** Stops the local istiod (of `revision`, default the default revision's), if running. */
export async function stopIstiod({ dir, revision } = {}) {
  const d = stateDir(dir);
  const name = isDefaultRevision(revision) ? 'istiod' : `istiod-${revision}`;
  const rec = readPids(d)[name];
  if (rec) await stopProcess(rec);
  rmSync(join(d, 'pids', `${name}.json`), { force: true });
  const state = readState(d);
  if (state && name === 'istiod') {
    state.istiod = false;
    writeState(state);
  }
}

// ---------------------------------------------------------------------------------------------
// public API

function requireState(dir) {
  const state = readState(dir);
  if (!state) throw new TestbedError(`No testbed in ${dir}: start one with \`npm run testbed -- up\`.`);
  const pids = readPids(dir);
  const dead = COMPONENTS.filter((c) => c !== 'istiod' && pids[c] && !isAlive(pids[c]));
  if (dead.length > 0) {
    throw new TestbedError(`The testbed in ${dir} is broken: ${dead.join(', ')} no longer running (see ${join(dir, 'logs')}). Fix: \`${HOW_DOWN}\`, then \`npm run testbed -- up\`.`);
  }
  return state;
}

/**
 * Starts the testbed. Options: dir (state dir), istio (also install Istio and run istiod), nodes
 * (number of kwok nodes, default 2), build (build missing binaries first, default true), log, and
 * onStep({ text, step, total }) as each build or start step begins. One cluster of a multi-cluster
 * testbed (testbed/mesh.mjs) also passes context (its kubeconfig context), clusterName (istiod's
 * CLUSTER_ID) and pluggedCa (istiod loads its CA from the `cacerts` Secret).
 * Resolves with env() of the running testbed. On failure stops what it started, keeps the logs,
 * and throws a TestbedError with the failing component's log tail.
 */
export async function up({ dir, istio = false, nodes = 2, build: doBuild = true, log = defaultLog, onStep = () => {}, context = CONTEXT, clusterName, pluggedCa = false } = {}) {
  dir = stateDir(dir);
  const t0 = Date.now();
  // Progress for onStep({ text, step, total }): each binary still to build, then each phase below.
  const progress = { step: 0, total: pendingBinaries().length + upStepCount({ istio }) };
  const report = (text, { counts = true } = {}) => {
    if (counts) progress.step += 1;
    onStep({ text, ...progress });
  };
  if (!isBuilt()) {
    if (!doBuild) throw new TestbedError('The testbed is not built: run `npm run testbed -- build` first.');
    await build({ log, onStep: report });
  }
  progress.step = progress.total - upStepCount({ istio }); // binaries another build made count as done
  const bin = binaries();
  assertTestbedDir(dir);
  const pids = readPids(dir);
  const live = liveRecords(dir);
  if (live.length > 0) {
    const dead = Object.values(pids).filter((r) => !isAlive(r)).map((r) => r.name);
    throw new TestbedError(
      `A testbed is already ${dead.length ? `partly running (${dead.join(', ')} exited)` : 'running'} from ${dir} (${live.map((r) => `${r.name} pid ${r.pid}`).join(', ')}). ` +
        `Fix: \`${HOW_DOWN}${dir === stateDir() ? '' : ` --dir ${dir}`}\`, or start a second one with --dir <another dir>.`,
    );
  }
  if (existsSync(dir)) {
    if (Object.keys(pids).length > 0 || readState(dir)) log(`testbed: removing stale state of an earlier run in ${dir}`);
    rmSync(dir, { recursive: true, force: true });
  }
  mkdirSync(join(dir, 'logs'), { recursive: true });
  markTestbedDir(dir);

  const ports = await freePorts(['etcd', 'etcdPeer', 'etcdMetrics', 'apiserver', 'controllerManager', 'scheduler', 'kwok', ...ISTIOD_PORTS]);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  const state = { dir, ports, server, kubeconfig: join(dir, 'kubeconfig'), context, clusterName, pluggedCa, istio, istiod: false, hostAddress: hostAddress(), startedAt: new Date().toISOString(),
    versions: { kubernetes: K8S_VERSION, etcd: ETCD_VERSION, kwok: KWOK_VERSION, istio: `${ISTIO.buildVersion} (${ISTIO.branch} @ ${ISTIO.commit})` } };
  // Seconds each phase took, kept in state.json (the README's start-up figures come from here).
  const timings = {};
  let tp = Date.now();
  const phase = async (name, fn) => {
    report(UP_STEPS[name]);
    await fn();
    timings[name] = since(tp);
    tp = Date.now();
  };
  try {
    await phase('pki', async () => {
      await ensureOpenssl(log);
      await makePki(join(dir, 'pki'));
      writeKubeconfig(dir, server, context);
      writeState(state);
    });
    await phase('etcd', () => startEtcd(state, bin));
    await phase('kube-apiserver', () => startApiserver(state, bin));
    await phase('controllers+nodes', () => Promise.all([startControllers(state, bin), startKwok(state, bin, nodes)]));
    await phase('serviceaccount', () => waitDefaultServiceAccount(state));
    log(`testbed: Kubernetes ${K8S_VERSION} up in ${since(t0)}s (${server}, context ${context})`);
    if (istio) {
      await phase('istioctl install', () => installIstio({ dir, log }));
      await phase('istiod', () => startIstiod({ dir, log }));
    }
    Object.assign(state, readState(dir), { timings });
    state.upSeconds = since(t0);
    state.istiod = istio;
    writeState(state);
  } catch (err) {
    await stopAll(dir);
    if (err instanceof TestbedError) throw new TestbedError(`testbed up failed: ${err.message}\n  (logs kept in ${join(dir, 'logs')}; the next \`up\` clears them)`);
    throw err;
  }
  log(`testbed: ready in ${since(t0)}s`);
  return env({ dir });
}

/** Sub-dirs of `dir` that are testbed state dirs themselves (they hold the marker file). */
function nestedTestbeds(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && existsSync(join(dir, e.name, MARKER))).map((e) => join(dir, e.name));
}

/** The live processes recorded in `dir` and in the testbeds nested in it. */
export function liveRecords(dir) {
  return [...Object.values(readPids(dir)).filter(isAlive), ...nestedTestbeds(dir).flatMap(liveRecords)];
}

/** Marks `dir` as a testbed state dir (so `up`, `down` and runDir may remove it). */
export function markTestbedDir(dir) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, MARKER), 'state dir of the istio-mesh testbed; `npm run testbed -- down` removes it\n');
}

/**
 * Stops every process recorded in `dir`, and first those of the testbeds nested in it (the clusters of a
 * multi-cluster testbed, testbed/mesh.mjs, or one a test started inside its tier's dir). Keeps the dir.
 */
export async function stopAll(dir) {
  const stopped = [];
  for (const nested of nestedTestbeds(dir)) stopped.push(...(await stopAll(nested)).map((n) => `${basename(nested)}/${n}`));
  const pids = readPids(dir);
  // Other recorded processes first: the istiods of further revisions (startIstiod({ revision })) need the API server.
  for (const [name, rec] of Object.entries(pids)) if (!COMPONENTS.includes(name) && (await stopProcess(rec))) stopped.push(name);
  for (const name of [...COMPONENTS].reverse()) {
    const rec = pids[name];
    if (rec && (await stopProcess(rec))) stopped.push(name);
  }
  return stopped;
}

/** Stops every process the testbed started (by recorded pid) and removes its state dir. */
export async function down({ dir, log = defaultLog } = {}) {
  dir = stateDir(dir);
  if (!existsSync(dir)) {
    log(`testbed: nothing to stop (${dir} does not exist)`);
    return;
  }
  assertTestbedDir(dir);
  const stopped = await stopAll(dir);
  rmSync(dir, { recursive: true, force: true });
  log(`testbed: ${stopped.length ? `stopped ${stopped.join(', ')}` : 'no process was running'}; removed ${dir}`);
}

/** What `up` tells `onStep` as each phase begins. */
const UP_STEPS = {
  pki: 'making certificates',
  etcd: 'starting etcd',
  'kube-apiserver': 'starting kube-apiserver',
  'controllers+nodes': 'starting the controllers and kwok nodes',
  serviceaccount: 'waiting for the default ServiceAccount',
  'istioctl install': 'installing Istio',
  istiod: 'starting istiod',
};

/** How many steps `up` reports after the build (one per phase). */
export function upStepCount({ istio = false } = {}) {
  return Object.keys(UP_STEPS).length - (istio ? 0 : 2);
}

/**
 * The state dir of one run of a test tier or benchmark, `<cache>/<name>-<pid>`: two runs of the same tier at once
 * each get a cluster of their own. Testbeds that earlier runs of `name` left behind (their process was killed hard)
 * are stopped first; those of runs still going are left alone.
 */
export async function runDir(name, { log = defaultLog } = {}) {
  const root = cacheRoot();
  const runnerGone = (entry) => {
    if (entry === name) return true; // the unsuffixed dir of older versions
    const pid = entry.startsWith(`${name}-`) ? entry.slice(name.length + 1) : '';
    return /^\d+$/.test(pid) && Number(pid) !== process.pid && !processExists(Number(pid));
  };
  for (const entry of existsSync(root) ? readdirSync(root).filter(runnerGone) : []) {
    await down({ dir: join(root, entry), log }).catch((err) => log(`testbed: left ${join(root, entry)} as it is: ${err.message}`));
  }
  return join(root, `${name}-${process.pid}`);
}

function processExists(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Resident memory of a live recorded process in MiB (Linux /proc), else undefined. */
function rssMiB(rec) {
  if (!isAlive(rec)) return undefined;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${rec.pid}/status`, 'utf8'))?.[1];
    return kb ? Math.round(Number(kb) / 1024) : undefined;
  } catch {
    return undefined;
  }
}

/** What runs: { dir, running, components: [{name, pid, alive, rssMiB, log}], ports, server, ... }. */
export function status({ dir } = {}) {
  dir = stateDir(dir);
  const state = readState(dir);
  const pids = readPids(dir);
  const names = [...COMPONENTS, ...Object.keys(pids).filter((n) => n.startsWith('istiod-')).sort()];
  const components = names.filter((n) => pids[n]).map((n) => ({ name: n, pid: pids[n].pid, alive: isAlive(pids[n]), rssMiB: rssMiB(pids[n]), log: pids[n].log }));
  const running = components.length > 0 && components.every((c) => c.alive);
  return { dir, exists: existsSync(dir), running, components, ...(state ?? {}) };
}

/**
 * The environment for clients of a running testbed: KUBECONFIG, ISTIO_MESH_TESTBED_DIR,
 * ISTIO_MESH_TESTBED_CONTEXT, ISTIO_MESH_TESTBED_SERVER, the built tools' paths and the istiod
 * webhook URLs to pass to `istioctl install` (see istioInstallSets()).
 */
export function env({ dir } = {}) {
  dir = stateDir(dir);
  const state = readState(dir);
  if (!state) throw new TestbedError(`No testbed in ${dir}: start one with \`npm run testbed -- up\`.`);
  const bin = binaries();
  return {
    KUBECONFIG: state.kubeconfig,
    ISTIO_MESH_TESTBED_DIR: dir,
    ISTIO_MESH_TESTBED_CONTEXT: state.context ?? CONTEXT,
    ISTIO_MESH_TESTBED_SERVER: state.server,
    ISTIO_MESH_TESTBED_ISTIOCTL: bin.istioctl,
    ISTIO_MESH_TESTBED_KUBECTL: bin.kubectl,
    ISTIO_MESH_TESTBED_INJECTION_URL: `https://localhost:${state.ports.istiodHttps}/inject`,
    ISTIO_MESH_TESTBED_VALIDATION_URL: `https://localhost:${state.ports.istiodHttps}/validate`,
    ISTIO_MESH_TESTBED_ISTIO_SETS: istioInstallSets(state).join(' '),
  };
}
