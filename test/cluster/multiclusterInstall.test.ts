// Sets up a multi-primary mesh over two BARE testbed clusters through the extension's own multi-cluster flow (the
// functions `Istio: Install Multi-Cluster Mesh…`, `Link Cluster…` and `Unlink Cluster…` run), then breaks each
// thing on purpose and checks that the mesh checks name it.
//
// What is not real here: an istioctl-installed istiod Deployment runs as a kwok pod that runs nothing (no local
// istiod is started for these clusters), so no istiod loads `cacerts`, publishes its root or syncs a remote cluster.
// The test asserts what the flow writes (cacerts, install values, remote secrets and the servers in them) and what
// the checks read from it; "synced" is proven by test/cluster/multicluster.test.ts with the testbed's real istiods.
import * as assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ClusterClient } from '../../src/cluster/client';
import { installClusterFrom } from '../../src/install/installClusterAdapter';
import { IstioSystemNamespace, MultiClusterSecretLabel, NetworkLabel } from '../../src/istio/names';
import { remoteSecretFacts } from '../../src/mesh/clusterFacts';
import { meshFindings } from '../../src/mesh/meshChecks';
import { cacertsSecret, generateRoot, issueIntermediate, type RootCa } from '../../src/multicluster/ca';
import { readClusterFacts } from '../../src/multicluster/facts';
import { executeMeshPlan, inspectMesh, unlinkClusters, type MeshDeps, type MeshMember } from '../../src/multicluster/ops';
import type { MeshClusterChoice, MeshOptions } from '../../src/multicluster/plan';
import { consoleLogger, silentLogger } from '../../src/util/log';
import type { UnstructuredObject } from '../../src/cluster/types';
import { execFileText, testbedEnv } from './support';

interface MeshFile { kubeconfig: string; clusters: { context: string; server: string; dir: string }[] }

const cli = resolve(process.cwd(), 'testbed', 'testbed.mjs');
const log = process.env.ISTIO_MESH_TEST_VERBOSE ? consoleLogger() : silentLogger;
type Data = Record<string, string>;
const decoded = (o: UnstructuredObject | undefined, key: string) => Buffer.from((o?.data as Data | undefined)?.[key] ?? '', 'base64').toString('utf8');

describe('multi-cluster install through the extension (two bare clusters)', function () {
  this.timeout(10 * 60_000);
  // Inside the tier's own state dir: the tier's `down` stops it with the rest, also after a crash.
  const dir = join(testbedEnv().dir, 'mc-install');
  let mesh: MeshFile;
  const clients: ClusterClient[] = [];
  const members = new Map<string, MeshMember>();
  let deps: MeshDeps;
  let choices: MeshClusterChoice[];
  let root: RootCa;
  let one: string;
  let two: string;
  const options = (o: Partial<MeshOptions> = {}): MeshOptions => ({ meshId: 'mesh-a', profile: 'minimal', setValues: [], readinessTimeoutSeconds: 180, clusters: choices, ...o });
  const port = (ctx: string) => members.get(ctx)!.cluster;
  const facts = () => Promise.all([one, two].map(async (ctx) => (await readClusterFacts(port(ctx), members.get(ctx)!.server)).facts));
  const remoteSecrets = (ctx: string) => port(ctx).list('v1', 'Secret', { namespace: IstioSystemNamespace, labelSelector: `${MultiClusterSecretLabel}=true` });

  before(async function () {
    this.timeout(15 * 60_000);
    await execFileText(process.execPath, [cli, 'up', '--clusters', '2', '--dir', dir], 12 * 60_000);
    mesh = JSON.parse(readFileSync(join(dir, 'mesh.json'), 'utf8')) as MeshFile;
    choices = [];
    for (const [i, c] of mesh.clusters.entries()) {
      const client = await ClusterClient.connect({ settingPath: mesh.kubeconfig, context: c.context });
      clients.push(client);
      members.set(c.context, { cluster: installClusterFrom(client), target: { kubeconfig: mesh.kubeconfig, context: c.context }, server: client.server });
      // No istiod answers these clusters: the webhook URLs keep the API server from calling a kwok pod's fake IP.
      const env = JSON.parse(await execFileText(process.execPath, [cli, 'env', '--json', '--dir', c.dir], 60_000)) as Record<string, string>;
      choices.push({ context: c.context, clusterName: ['east', 'west'][i], network: 'net1', role: 'primary', setValues: env.ISTIO_MESH_TESTBED_ISTIO_SETS.split(' ').filter(Boolean) });
    }
    [one, two] = choices.map((c) => c.context);
    deps = { members, istioctlPath: testbedEnv().istioctl, log, pollIntervalMs: 250 };
    root = generateRoot();
  });

  after(async () => {
    for (const c of clients) c.dispose();
    await execFileText(process.execPath, [cli, 'down', '--dir', dir], 2 * 60_000).catch((err: Error) => console.error(err.message));
  });

  it('installs two primaries with one root, their values and remote secrets both ways; the mesh checks are clean', async () => {
    const plan = await inspectMesh(options(), root, deps);
    assert.deepEqual(plan.refusals, []);
    assert.deepEqual(plan.clusters.map((c) => [c.cacerts, c.install?.action]), [['create', 'install'], ['create', 'install']]);
    assert.deepEqual(plan.links, [[one, two], [two, one]]);
    const t0 = Date.now();
    const progress: string[] = [];
    const report = await executeMeshPlan(plan, root, { ...deps, onProgress: (m) => progress.push(m) });
    console.log(`      two primaries installed and linked in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    assert.equal(report.error, undefined, JSON.stringify(report.steps));
    assert.deepEqual(report.steps.map((s) => s.status), report.steps.map(() => 'done'));
    assert.ok(progress.some((m) => m.startsWith(`"${two}": `)), 'progress names each context');
    assert.deepEqual(report.findings, []);

    const rootCert = new X509Certificate(root.certPem);
    const intermediates: string[] = [];
    for (const c of choices) {
      const cacerts = await port(c.context).get('v1', 'Secret', 'cacerts', IstioSystemNamespace);
      assert.equal(decoded(cacerts, 'root-cert.pem'), root.certPem, `${c.context}: the shared root`);
      const intermediate = new X509Certificate(decoded(cacerts, 'ca-cert.pem'));
      assert.ok(intermediate.verify(rootCert.publicKey), `${c.context}: intermediate signed by the root`);
      assert.match(intermediate.subject, new RegExp(`L=${c.clusterName}`));
      intermediates.push(intermediate.fingerprint256);

      const istiod = await port(c.context).get('apps/v1', 'Deployment', 'istiod', IstioSystemNamespace);
      const env = (istiod?.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0].env;
      assert.equal(env.find((e) => e.name === 'CLUSTER_ID')?.value, c.clusterName);
      const meshConfig = await port(c.context).get('v1', 'ConfigMap', 'istio', IstioSystemNamespace);
      assert.match((meshConfig?.data as Data).mesh, /^\s*meshId: "?mesh-a"?\s*$/m);
      const ns = await port(c.context).get('v1', 'Namespace', IstioSystemNamespace);
      assert.equal(ns?.metadata.labels?.[NetworkLabel], 'net1');
    }
    assert.notEqual(intermediates[0], intermediates[1], 'an intermediate per cluster');

    for (const [local, remote] of [[one, two], [two, one]]) {
      const linked = (await remoteSecrets(local)).flatMap((s) => remoteSecretFacts(s as Parameters<typeof remoteSecretFacts>[0]));
      const other = choices.find((c) => c.context === remote)!;
      assert.deepEqual(linked.map((f) => [f.clusterName, f.server]), [[other.clusterName, members.get(remote)!.server]], `${local} watches ${remote}`);
    }
  });

  it('re-runs safely: keeps cacerts of the same root, re-applies Istio and the secrets', async () => {
    const before = await port(one).get('v1', 'Secret', 'cacerts', IstioSystemNamespace);
    const plan = await inspectMesh(options(), root, deps);
    assert.deepEqual(plan.refusals, []);
    assert.deepEqual(plan.clusters.map((c) => [c.cacerts, c.install?.action]), [['keep', 'reconfigure'], ['keep', 'reconfigure']]);
    const report = await executeMeshPlan(plan, root, deps);
    assert.equal(report.error, undefined);
    assert.deepEqual(report.steps.filter((s) => s.step.includes('cacerts')).map((s) => s.status), ['kept', 'kept']);
    const after = await port(one).get('v1', 'Secret', 'cacerts', IstioSystemNamespace);
    assert.equal(decoded(after, 'ca-cert.pem'), decoded(before, 'ca-cert.pem'), 'the intermediate is not replaced');
    assert.deepEqual(report.findings, []);
  });

  it('refuses another root, naming the context and the reason', async () => {
    const plan = await inspectMesh(options(), generateRoot(), deps);
    assert.equal(plan.refusals.length, 2);
    assert.match(plan.refusals[0], new RegExp(`^"${one}" already has the Secret istio-system/cacerts of another root`));
    await assert.rejects(executeMeshPlan(plan, root, deps), /cannot run/);
  });

  it('names a cluster whose cacerts holds another root', async () => {
    const saved = await port(two).get('v1', 'Secret', 'cacerts', IstioSystemNamespace);
    const other = generateRoot();
    await port(two).apply(cacertsSecret(other, issueIntermediate(other, 'west')));
    const found = meshFindings(await facts());
    assert.deepEqual(found.map((f) => [f.code, [...f.contexts].sort()]), [['rootCaMismatch', [one, two].sort()]]);
    await port(two).apply({ ...saved!, metadata: { name: 'cacerts', namespace: IstioSystemNamespace } });
    assert.deepEqual(meshFindings(await facts()), []);
  });

  it('names a remote secret pointing at the wrong server', async () => {
    // Cluster one's secret for "west" made from context one: it points at one's own API server.
    const [secret] = await remoteSecrets(one);
    const kubeconfig = decoded(secret, 'west');
    const wrong = kubeconfig.replace(members.get(two)!.server, members.get(one)!.server);
    assert.notEqual(wrong, kubeconfig);
    await port(one).apply({ ...secret, metadata: { name: secret.metadata.name, namespace: IstioSystemNamespace, labels: secret.metadata.labels }, data: { west: Buffer.from(wrong).toString('base64') } });
    const found = meshFindings(await facts());
    assert.deepEqual(found.map((f) => [f.code, f.contexts]), [['remoteSecretWrongServer', [one, two]]]);
    assert.match(found[0].message, new RegExp(members.get(one)!.server.replace(/[.:/]/g, '\\$&')));
    await port(one).apply({ ...secret, metadata: { name: secret.metadata.name, namespace: IstioSystemNamespace, labels: secret.metadata.labels }, data: { west: Buffer.from(kubeconfig).toString('base64') } });
    assert.deepEqual(meshFindings(await facts()), []);
  });

  it('names a mismatched mesh ID, and the plan of a link refuses it', async () => {
    const config = (await port(two).get('v1', 'ConfigMap', 'istio', IstioSystemNamespace))!;
    const meshText = (config.data as Data).mesh;
    const edit = (text: string) => port(two).apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: IstioSystemNamespace }, data: { ...(config.data as Data), mesh: text } });
    await edit(meshText.replace(/meshId: "?mesh-a"?/, 'meshId: mesh-b'));
    const found = meshFindings(await facts());
    assert.deepEqual(found.map((f) => f.code), ['meshIdMismatch']);
    const link = await inspectMesh(options({ clusters: choices.map((c) => ({ ...c, role: 'member' as const })) }), undefined, deps);
    assert.deepEqual(link.refusals, [`"${two}" is in mesh "mesh-b", not "mesh-a": one mesh needs one mesh ID.`]);
    await edit(meshText);
    assert.deepEqual(meshFindings(await facts()), []);
  });

  it('unlinks both ways, and links the two existing primaries again', async () => {
    const unlinked = await unlinkClusters(one, two, deps);
    assert.deepEqual(unlinked.removed, [`"${one}": istio-system/istio-remote-secret-west`, `"${two}": istio-system/istio-remote-secret-east`]);
    assert.deepEqual((await remoteSecrets(one)).length + (await remoteSecrets(two)).length, 0);
    assert.deepEqual(meshFindings(await facts()).map((f) => f.code), ['missingRemoteSecret', 'missingRemoteSecret']);

    const plan = await inspectMesh(options({ clusters: choices.map((c) => ({ ...c, role: 'member' as const })) }), undefined, deps);
    assert.deepEqual(plan.refusals, []);
    assert.deepEqual(plan.clusters.map((c) => c.install), [undefined, undefined], 'members keep their Istio');
    const report = await executeMeshPlan(plan, undefined, deps);
    assert.deepEqual(report.steps.map((s) => [s.context, s.step, s.status]), [[one, `remote secret for "${two}"`, 'done'], [two, `remote secret for "${one}"`, 'done']]);
    assert.deepEqual(report.findings, []);
  });
});
