import assert from 'node:assert/strict';
import { rolloutStatus } from '../../../src/istio/rolloutStatus';
import type { KindedWorkload } from '../../../src/cluster/types';
import { daemonSet, deployment, statefulSet } from '../../builders/injection';

// Each row: a workload in some state, and what `kubectl rollout status` says about it.
const table: { name: string; workload: KindedWorkload; state: 'waiting' | 'done' | 'failed'; message: string }[] = [
  {
    name: 'deployment: spec change not yet observed',
    workload: deployment('web', { generation: 3, status: { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 2 } }),
    state: 'waiting',
    message: 'Waiting for deployment spec update to be observed...',
  },
  {
    name: 'deployment: new replicas not all updated',
    workload: deployment('web', { replicas: 3, generation: 2, status: { observedGeneration: 2, replicas: 4, updatedReplicas: 1, availableReplicas: 3 } }),
    state: 'waiting',
    message: 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...',
  },
  {
    name: 'deployment: old replicas pending termination',
    workload: deployment('web', { replicas: 3, generation: 2, status: { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 } }),
    state: 'waiting',
    message: 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
  },
  {
    name: 'deployment: updated replicas not yet available',
    workload: deployment('web', { replicas: 3, generation: 2, status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 1 } }),
    state: 'waiting',
    message: 'Waiting for deployment "web" rollout to finish: 1 of 3 updated replicas are available...',
  },
  {
    name: 'deployment: rolled out',
    workload: deployment('web', { replicas: 3, generation: 2 }),
    state: 'done',
    message: 'deployment "web" successfully rolled out',
  },
  {
    name: 'deployment: scaled to zero is rolled out',
    workload: deployment('web', { replicas: 0, generation: 2, status: { observedGeneration: 2 } }),
    state: 'done',
    message: 'deployment "web" successfully rolled out',
  },
  {
    name: 'deployment: progress deadline exceeded fails even while replicas are missing',
    workload: deployment('web', {
      replicas: 2,
      generation: 2,
      status: {
        observedGeneration: 2, replicas: 3, updatedReplicas: 1, availableReplicas: 2,
        conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }],
      },
    }),
    state: 'failed',
    message: 'deployment "web" exceeded its progress deadline',
  },
  {
    name: 'statefulset: observedGeneration 0 means not observed',
    workload: statefulSet('db', { status: { replicas: 1, observedGeneration: 0 } }),
    state: 'waiting',
    message: 'Waiting for statefulset spec update to be observed...',
  },
  {
    name: 'statefulset: pods not ready',
    workload: statefulSet('db', { replicas: 3, status: { observedGeneration: 1, replicas: 3, readyReplicas: 1, updatedReplicas: 1 } }),
    state: 'waiting',
    message: 'Waiting for 2 pods to be ready...',
  },
  {
    name: 'statefulset: partitioned update not finished',
    workload: statefulSet('db', {
      replicas: 3,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } },
      status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 1 },
    }),
    state: 'waiting',
    message: 'Waiting for partitioned roll out to finish: 1 out of 2 new pods have been updated...',
  },
  {
    name: 'statefulset: partitioned update complete',
    workload: statefulSet('db', { replicas: 3, status: { observedGeneration: 1, replicas: 3, readyReplicas: 3, updatedReplicas: 3 } }),
    state: 'done',
    message: 'partitioned roll out complete: 3 new pods have been updated...',
  },
  {
    name: 'statefulset without rollingUpdate: revisions differ',
    workload: statefulSet('db', {
      replicas: 2,
      updateStrategy: { type: 'RollingUpdate' },
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' },
    }),
    state: 'waiting',
    message: 'waiting for statefulset rolling update to complete 1 pods at revision db-2...',
  },
  {
    name: 'statefulset without rollingUpdate: complete',
    workload: statefulSet('db', {
      replicas: 2,
      updateStrategy: { type: 'RollingUpdate' },
      status: { observedGeneration: 1, replicas: 2, readyReplicas: 2, currentReplicas: 2, currentRevision: 'db-2', updateRevision: 'db-2' },
    }),
    state: 'done',
    message: 'statefulset rolling update complete 2 pods at revision db-2...',
  },
  {
    name: 'statefulset: OnDelete has no rollout status',
    workload: statefulSet('db', { updateStrategy: { type: 'OnDelete' } }),
    state: 'failed',
    message: 'rollout status is only available for RollingUpdate strategy type',
  },
  {
    name: 'daemonset: not observed',
    workload: daemonSet('agent', { generation: 2, status: { observedGeneration: 1, desiredNumberScheduled: 2, numberReady: 2 } }),
    state: 'waiting',
    message: 'Waiting for daemon set spec update to be observed...',
  },
  {
    name: 'daemonset: pods not all updated',
    workload: daemonSet('agent', { status: { observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 3, updatedNumberScheduled: 1, numberAvailable: 3 } }),
    state: 'waiting',
    message: 'Waiting for daemon set "agent" rollout to finish: 1 out of 3 new pods have been updated...',
  },
  {
    name: 'daemonset: updated pods not available',
    workload: daemonSet('agent', { status: { observedGeneration: 1, desiredNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2 } }),
    state: 'waiting',
    message: 'Waiting for daemon set "agent" rollout to finish: 2 of 3 updated pods are available...',
  },
  {
    name: 'daemonset: rolled out',
    workload: daemonSet('agent'),
    state: 'done',
    message: 'daemon set "agent" successfully rolled out',
  },
  {
    name: 'daemonset: OnDelete has no rollout status',
    workload: daemonSet('agent', { updateStrategy: { type: 'OnDelete' } }),
    state: 'failed',
    message: 'rollout status is only available for RollingUpdate strategy type',
  },
];

describe('rollout status (as kubectl rollout status)', () => {
  for (const row of table) {
    it(row.name, () => {
      assert.deepEqual(rolloutStatus(row.workload), { state: row.state, message: row.message });
    });
  }
});
