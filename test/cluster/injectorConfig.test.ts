// istiod's injector ConfigMap through the live store, against the real thing: the testbed's istiod reads
// istio-system/istio-sidecar-injector from the cluster (testbed/lib.mjs starts it without local files). The test edits
// that ConfigMap to `policy: disabled` with a neverInjectSelector and an alwaysInjectSelector, creates pods that each
// path of istiod's injectRequired decides, and compares the verdict the store gives each pod with what the real webhook
// did. The ConfigMap is restored afterwards, and the test waits until istiod injects by its policy again.
import * as assert from 'node:assert/strict';
import { dump, load } from 'js-yaml';
import { ClusterClient } from '../../src/cluster/client';
import { Kinds } from '../../src/cluster/kinds';
import type { ConfigMap } from '../../src/cluster/types';
import { LiveMesh } from '../../src/mesh/live';
import type { PodModel } from '../../src/mesh/model';
import { consoleLogger } from '../../src/util/log';
import { namespace, pod } from '../builders/kube';
import { ensureIstio, testbedEnv, waitUntil } from './support';

const RUN = Date.now().toString(36);
const NAME = 'istio-sidecar-injector';
const NS = 'istio-system';

describe("istiod's injector ConfigMap on the testbed", function () {
  this.timeout(5 * 60_000);
  const env = testbedEnv();
  const ns = `injcfg-${RUN}`;
  let client: ClusterClient;
  let live: LiveMesh;
  let original: string | undefined;

  /** Sets the ConfigMap's `config` with a merge patch; `edit` changes the parsed config. */
  async function editConfig(edit: (config: Record<string, unknown>) => void): Promise<void> {
    const cm = await client.get<ConfigMap>(Kinds.ConfigMap, NAME, NS);
    const config = load(cm.data?.config ?? '') as Record<string, unknown>;
    edit(config);
    await client.patch(Kinds.ConfigMap, NAME, NS, { data: { config: dump(config, { lineWidth: -1 }) } }, 'merge');
  }

  /** Whether the real webhook injects a plain pod now (a server-side dry run: the webhooks run, nothing is stored). */
  async function webhookInjectsPlainPod(): Promise<boolean> {
    const created = await client.create(pod(`probe-${RUN}`, { namespace: ns }), { dryRun: true });
    return created.spec?.containers?.some((c) => c.name === 'istio-proxy') ?? false;
  }

  before(async () => {
    await ensureIstio(env);
    client = await ClusterClient.connect({ settingPath: env.kubeconfig, context: env.context });
    await client.create(namespace(ns, { 'istio-injection': 'enabled' }));
    live = new LiveMesh(client, consoleLogger(), { debounceMs: 20, maxWaitMs: 100 });
    live.start();
    await live.whenSynced();
    // The ServiceAccount admission needs the namespace's default ServiceAccount, even on a dry run.
    await waitUntil('the default ServiceAccount', async () => client.get(Kinds.ServiceAccount, 'default', ns).then(() => true, () => false));
    original = (await client.get<ConfigMap>(Kinds.ConfigMap, NAME, NS)).data?.config;
    console.log(`      editing ConfigMap ${NS}/${NAME} in context "${client.context}" (restored afterwards)`);
    await editConfig((c) => {
      c.policy = 'disabled';
      c.neverInjectSelector = [{ matchLabels: { never: 'yes' } }];
      c.alwaysInjectSelector = [{ matchLabels: { always: 'yes' } }];
    });
  });

  after(async () => {
    await live?.stop();
    if (original !== undefined) {
      await client.patch(Kinds.ConfigMap, NAME, NS, { data: { config: original } }, 'merge');
      // Leave the shared testbed as the other suites expect it: istiod injecting by its policy again.
      await waitUntil(`istiod to read the restored ${NAME}`, webhookInjectsPlainPod, { timeoutMs: 60_000, intervalMs: 500 });
    }
    await client?.delete(Kinds.Namespace, ns).catch(() => undefined);
    client?.dispose();
  });

  it('reads the edited ConfigMap through the store', async () => {
    await waitUntil('the store to see the policy', async () => live.store.controlPlane.injection.injectors?.default?.policy === 'disabled');
    assert.deepEqual(live.store.controlPlane.injection.injectors?.default, {
      policy: 'disabled',
      neverInjectSelector: [{ matchLabels: { never: 'yes' } }],
      alwaysInjectSelector: [{ matchLabels: { always: 'yes' } }],
    });
  });

  it("predicts what the real webhook does with each pod under the edited policy and selectors", async () => {
    // istiod reads the ConfigMap through its own watch: wait until it no longer injects a plain pod.
    await waitUntil(`istiod to read the edited ${NAME}`, async () => !(await webhookInjectsPlainPod()), { timeoutMs: 60_000, intervalMs: 500 });
    const inject = 'sidecar.istio.io/inject';
    const cases: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> }[] = [
      { name: 'plain' },
      { name: 'opt-in', labels: { [inject]: 'true' } },
      { name: 'opt-in-annotation', annotations: { [inject]: 'true' } },
      { name: 'always', labels: { always: 'yes' } },
      { name: 'always-and-never', labels: { always: 'yes', never: 'yes' } },
      { name: 'never-but-opt-in', labels: { never: 'yes', [inject]: 'true' } },
      { name: 'always-but-opt-out', labels: { always: 'yes', [inject]: 'false' } },
      { name: 'always-invalid-value', labels: { always: 'yes', [inject]: 'maybe' } },
    ];
    for (const c of cases) await client.create(pod(c.name, { namespace: ns, labels: c.labels, annotations: c.annotations }));
    const models = await waitUntil('the store to hold every pod', async () => {
      const pods = live.store.namespace(ns)?.otherPods ?? [];
      return pods.length === cases.length ? pods : undefined;
    });
    const byName = new Map<string, PodModel>(models.map((p) => [p.name, p]));
    const rows = cases.map((c) => {
      const m = byName.get(c.name)!;
      return { name: c.name, webhook: m.hasSidecar, engine: m.decision.injected, reason: m.decision.reason.code };
    });
    console.log(rows.map((r) => `      ${r.name}: webhook ${r.webhook ? 'injected' : 'did not inject'}, engine ${r.engine ? 'injects' : 'does not'} (${r.reason})`).join('\n'));
    assert.deepEqual(rows.filter((r) => r.webhook !== r.engine), [], 'the engine agrees with the webhook on every pod');
    // Each of istiod's paths was taken, so the agreement is not a run of one answer.
    assert.deepEqual(Object.fromEntries(rows.map((r) => [r.name, r.reason])), {
      'plain': 'policyDisabled',
      'opt-in': 'namespaceLabel',
      'opt-in-annotation': 'namespaceLabel',
      'always': 'alwaysSelector',
      'always-and-never': 'neverSelector',
      'never-but-opt-in': 'namespaceLabel',
      'always-but-opt-out': 'optOutLabel',
      'always-invalid-value': 'alwaysSelector',
    });
    assert.ok(rows.some((r) => r.webhook) && rows.some((r) => !r.webhook));
  });
});
