import type { KindedWorkload, Workload } from '../cluster/types';

/**
 * Where a rollout stands, decided exactly as `kubectl rollout status` decides it
 * (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go), with kubectl's messages.
 */
export type RolloutStatus =
  | { readonly state: 'waiting'; readonly message: string }
  | { readonly state: 'done'; readonly message: string }
  | { readonly state: 'failed'; readonly message: string };

const waiting = (message: string): RolloutStatus => ({ state: 'waiting', message });
const done = (message: string): RolloutStatus => ({ state: 'done', message });
const failed = (message: string): RolloutStatus => ({ state: 'failed', message });

/** The Progressing condition's reason once `spec.progressDeadlineSeconds` has passed without progress. */
const PROGRESS_DEADLINE_EXCEEDED = 'ProgressDeadlineExceeded';

export function rolloutStatus(w: KindedWorkload): RolloutStatus {
  switch (w.kind) {
    case 'Deployment': return deploymentStatus(w);
    case 'StatefulSet': return statefulSetStatus(w);
    case 'DaemonSet': return daemonSetStatus(w);
  }
}

export function deploymentStatus(d: Workload): RolloutStatus {
  const name = d.metadata?.name ?? '';
  const generation = d.metadata?.generation ?? 0;
  const status = d.status ?? {};
  if (generation > (status.observedGeneration ?? 0)) return waiting('Waiting for deployment spec update to be observed...');
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === PROGRESS_DEADLINE_EXCEEDED) return failed(`deployment "${name}" exceeded its progress deadline`);
  const wanted = d.spec?.replicas;
  const updated = status.updatedReplicas ?? 0;
  if (wanted !== undefined && updated < wanted) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${updated} out of ${wanted} new replicas have been updated...`);
  }
  const replicas = status.replicas ?? 0;
  if (replicas > updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${replicas - updated} old replicas are pending termination...`);
  }
  const available = status.availableReplicas ?? 0;
  if (available < updated) {
    return waiting(`Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`);
  }
  return done(`deployment "${name}" successfully rolled out`);
}

function daemonSetStatus(ds: Workload): RolloutStatus {
  const name = ds.metadata?.name ?? '';
  // The API server defaults the strategy to RollingUpdate; OnDelete never replaces pods by itself.
  if ((ds.spec?.updateStrategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return failed('rollout status is only available for RollingUpdate strategy type');
  }
  const status = ds.status;
  if ((ds.metadata?.generation ?? 0) > (status?.observedGeneration ?? 0)) {
    return waiting('Waiting for daemon set spec update to be observed...');
  }
  const desired = status?.desiredNumberScheduled ?? 0;
  const updated = status?.updatedNumberScheduled ?? 0;
  if (updated < desired) {
    return waiting(`Waiting for daemon set "${name}" rollout to finish: ${updated} out of ${desired} new pods have been updated...`);
  }
  const available = status?.numberAvailable ?? 0;
  if (available < desired) {
    return waiting(`Waiting for daemon set "${name}" rollout to finish: ${available} of ${desired} updated pods are available...`);
  }
  return done(`daemon set "${name}" successfully rolled out`);
}

function statefulSetStatus(sts: Workload): RolloutStatus {
  const strategy = sts.spec?.updateStrategy;
  if ((strategy?.type ?? 'RollingUpdate') !== 'RollingUpdate') {
    return failed('rollout status is only available for RollingUpdate strategy type');
  }
  const status = sts.status;
  const observed = status?.observedGeneration ?? 0;
  if (observed === 0 || (sts.metadata?.generation ?? 0) > observed) {
    return waiting('Waiting for statefulset spec update to be observed...');
  }
  const wanted = sts.spec?.replicas;
  const ready = status?.readyReplicas ?? 0;
  if (wanted !== undefined && ready < wanted) return waiting(`Waiting for ${wanted - ready} pods to be ready...`);
  const updated = status?.updatedReplicas ?? 0;
  if (strategy?.rollingUpdate) {
    const partition = strategy.rollingUpdate.partition;
    if (wanted !== undefined && partition !== undefined && updated < wanted - partition) {
      return waiting(`Waiting for partitioned roll out to finish: ${updated} out of ${wanted - partition} new pods have been updated...`);
    }
    return done(`partitioned roll out complete: ${updated} new pods have been updated...`);
  }
  if (status?.updateRevision !== status?.currentRevision) {
    return waiting(`waiting for statefulset rolling update to complete ${updated} pods at revision ${status?.updateRevision}...`);
  }
  return done(`statefulset rolling update complete ${status?.currentReplicas ?? 0} pods at revision ${status?.currentRevision}...`);
}
