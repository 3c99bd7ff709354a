import * as assert from 'node:assert/strict';
import { buildControlPlane } from '../../../src/mesh/controlPlane';
import type { WorkloadModel } from '../../../src/mesh/model';
import { buildNamespace } from '../../../src/mesh/namespaces';
import { rolloutView } from '../../../src/views/nodes/rollout';
import { rolloutState } from '../../builders/injection';
import { deployment, namespace, pod } from '../../builders/kube';

const ns = 'shop';
const web = { namespace: ns, name: 'web' };

/** The tree's model of deployment "web" in an injected namespace, with the given live pods. */
function webWorkload(pods: { name: string; sidecar?: boolean; terminating?: boolean }[]): WorkloadModel {
  const cp = buildControlPlane({ deployments: [], daemonSets: [], services: [], webhooks: [], crdNames: [] });
  const model = buildNamespace({
    namespace: namespace(ns, { 'istio-injection': 'enabled' }),
    workloads: [deployment('web', { namespace: ns, replicas: pods.length })],
    pods: pods.map((p) => pod(p.name, { namespace: ns, owner: { kind: 'Deployment', name: 'web' }, sidecar: p.sidecar, terminating: p.terminating })),
  }, cp);
  return model.workloads[0]!;
}

describe('workload rows during a followed restart', () => {
  it('show nothing of a workload no restart touched', () => {
    assert.equal(rolloutView(webWorkload([{ name: 'web-old' }]), undefined), undefined);
  });

  it('say "queued", then "restarting" with a spinner, whatever the live pods are', () => {
    const live = webWorkload([{ name: 'web-old' }]);
    assert.deepEqual(rolloutView(live, rolloutState(web, 'queued')), { description: 'queued', look: 'pending', message: 'queued' });
    const restarting = rolloutView(live, rolloutState(web, 'restarting'));
    assert.equal(restarting?.description, 'restarting');
    assert.equal(restarting?.look, 'restarting');
    assert.match(restarting?.message ?? '', /Waiting for deployment "web" rollout to finish/);
  });

  it('say "2/2 injected" once ready, while the pods it ended with are the live ones (old ones terminating)', () => {
    const live = webWorkload([{ name: 'web-new', sidecar: true }, { name: 'web-old', terminating: true }]);
    const view = rolloutView(live, rolloutState(web, 'ready', { pods: [{ name: 'web-new' }] }));
    assert.deepEqual(view && [view.description, view.look], ['2/2 injected', 'done']);
  });

  it('count replicas that came up alike', () => {
    const live = webWorkload([{ name: 'web-a', sidecar: true }, { name: 'web-b', sidecar: true }]);
    const view = rolloutView(live, rolloutState(web, 'ready', { pods: [{ name: 'web-b' }, { name: 'web-a' }] }));
    assert.equal(view?.description, '2× 2/2 injected');
  });

  it('flag a finished rollout whose pods are not all ready', () => {
    const live = webWorkload([{ name: 'web-new' }]);
    const view = rolloutView(live, rolloutState(web, 'ready', { pods: [{ name: 'web-new', ready: 1, total: 2 }] }));
    assert.equal(view?.look, 'incomplete');
  });

  it('give way to the live state once the pods changed after the rollout (scale, later restart)', () => {
    const live = webWorkload([{ name: 'web-new', sidecar: true }, { name: 'web-scaled', sidecar: true }]);
    assert.equal(rolloutView(live, rolloutState(web, 'ready', { pods: [{ name: 'web-new' }] })), undefined);
  });

  it('give way to the live state until the pods it ended with are listed, and after a cancel', () => {
    const live = webWorkload([{ name: 'web-old' }]);
    assert.equal(rolloutView(live, rolloutState(web, 'ready')), undefined);
    assert.equal(rolloutView(live, rolloutState(web, 'cancelled')), undefined);
  });

  it('say why a rollout failed while its pods are still there', () => {
    const live = webWorkload([{ name: 'web-new' }]);
    const view = rolloutView(live, rolloutState(web, 'failed', { message: 'deployment "web" exceeded its progress deadline', pods: [{ name: 'web-new', ready: 1, sidecar: false }] }));
    assert.deepEqual(view && [view.description, view.look], ['failed: deployment "web" exceeded its progress deadline', 'failed']);
  });
});
