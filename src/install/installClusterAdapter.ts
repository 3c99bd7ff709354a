/** The adapter of the install flow's port (installCluster.ts) over the cluster wrapper. */
import type { ClusterClient } from '../cluster/client';
import { isClusterError } from '../cluster/errors';
import type { UnstructuredObject } from '../cluster/types';
import type { InstallCluster } from './installCluster';

export function installClusterFrom(client: ClusterClient): InstallCluster {
  return {
    context: client.context,
    version: (signal) => client.version(signal),
    canI: (verb, resource, namespace) => client.canI(verb, resource, namespace),
    async apply(object, signal) {
      // Our own objects: take over fields someone else changed rather than fail on a conflict.
      await client.apply(object, { force: true, signal });
    },
    async list(apiVersion, kind, query = {}, signal) {
      const resource = await client.resolveKind(apiVersion, kind);
      // The wrapper returns objects as the server sent them; the port only names the fields it reads.
      return (await client.list(resource, { namespace: query.namespace, labelSelector: query.labelSelector, signal })).items as UnstructuredObject[];
    },
    async get(apiVersion, kind, name, namespace, signal) {
      try {
        const resource = await client.resolveKind(apiVersion, kind);
        return (await client.get(resource, name, resource.namespaced ? namespace : undefined, signal)) as UnstructuredObject;
      } catch (err) {
        // A kind the cluster does not know yet (CRDs not installed) means the object does not exist either.
        if (isClusterError(err, 'notFound')) return undefined;
        throw err;
      }
    },
    async delete(apiVersion, kind, name, namespace) {
      return client.delete(await client.resolveKind(apiVersion, kind), name, namespace);
    },
  };
}
