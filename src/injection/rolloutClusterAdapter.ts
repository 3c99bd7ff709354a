/** The adapter of the injection feature's port (rolloutCluster.ts) over the cluster wrapper. */
import type { ClusterClient } from '../cluster/client';
import { isClusterError } from '../cluster/errors';
import { Kinds, type ResourceKind } from '../cluster/kinds';
import { type ConfigMap, type KindedWorkload, type MutatingWebhookConfiguration, type Namespace, type Pod, WORKLOAD_KINDS, type Workload, type WorkloadKind } from '../cluster/types';
import { IstioSystemNamespace } from '../istio/names';
import type { RolloutCluster } from './rolloutCluster';

const resourceKinds: Record<WorkloadKind, ResourceKind> = {
  Deployment: Kinds.Deployment,
  StatefulSet: Kinds.StatefulSet,
  DaemonSet: Kinds.DaemonSet,
};

/** The server leaves `kind` out of list items and watch events: set it, as the rest of the feature reads it. */
function withKind(kind: WorkloadKind, object: Workload): KindedWorkload {
  return { ...object, kind };
}

/** Every call goes to the wrapper's bound context. */
export function rolloutClusterFrom(client: ClusterClient): RolloutCluster {
  return {
    context: client.context,
    listNamespaces: async () => (await client.list<Namespace>(Kinds.Namespace)).items,
    getNamespace: (name) => client.get<Namespace>(Kinds.Namespace, name),
    patchNamespace: (name, patch) => client.patch<Namespace>(Kinds.Namespace, name, undefined, patch, 'merge'),
    async listWorkloads(namespace) {
      const lists = await Promise.all(WORKLOAD_KINDS.map(async (kind) => {
        const { items } = await client.list<Workload>(resourceKinds[kind], { namespace });
        return items.map((object) => withKind(kind, object));
      }));
      return lists.flat();
    },
    getWorkload: async (ref) => withKind(ref.kind, await client.get<Workload>(resourceKinds[ref.kind], ref.name, ref.namespace)),
    // A strategic merge patch, as kubectl sends; for this body it equals a merge patch.
    patchWorkload: async (ref, patch) =>
      withKind(ref.kind, await client.patch<Workload>(resourceKinds[ref.kind], ref.name, ref.namespace, patch, 'strategic')),
    async watchWorkloads(kind, namespace, onEvent, onEnd) {
      // List, then watch from the list's resourceVersion: the server replays every change after it, so
      // nothing is missed however late the watch connection is established.
      const { items, resourceVersion } = await client.list<Workload>(resourceKinds[kind], { namespace });
      for (const object of items) onEvent('ADDED', withKind(kind, object));
      const controller = new AbortController();
      client
        .watch<Workload>(resourceKinds[kind], { namespace, resourceVersion, signal: controller.signal }, (event) => {
          if (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED') onEvent(event.type, withKind(kind, event.object));
        })
        .then(() => !controller.signal.aborted && onEnd(), (error: unknown) => !controller.signal.aborted && onEnd(error));
      return { stop: () => controller.abort() };
    },
    listPods: async (namespace, labelSelector) => (await client.list<Pod>(Kinds.Pod, { namespace, labelSelector })).items,
    listMutatingWebhookConfigurations: async () => (await client.list<MutatingWebhookConfiguration>(Kinds.MutatingWebhookConfiguration)).items,
    listConfigMaps: async (namespace) => (await client.list<ConfigMap>(Kinds.ConfigMap, { namespace })).items,
    async ambientInstalled() {
      try {
        return (await client.list(Kinds.DaemonSet, { labelSelector: 'app=ztunnel', pageSize: 1 })).items.length > 0;
      } catch (error) {
        // Without cluster-wide list permission, look where istioctl installs it.
        if (!isClusterError(error, 'forbidden')) throw error;
        return (await client.list(Kinds.DaemonSet, { namespace: IstioSystemNamespace, labelSelector: 'app=ztunnel' })).items.length > 0;
      }
    },
  };
}
