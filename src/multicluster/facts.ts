/**
 * Reads what the mesh checks (src/mesh/meshChecks.ts) need of one cluster through the install flow's port: istiod's
 * cluster ID, the mesh ID, the root it trusts, its remote secrets and its namespaces' injection. istiod's own sync
 * state of each remote cluster is added by the run's closing check (ops.ts `waitForSync`), from istiod's metrics.
 */
import type { InstallCluster } from '../install/installCluster';
import { manifestMeshFacts, namespaceInjection } from '../istio/injection';
import { MeshConfigMap, meshIdOf } from '../istio/meshConfig';
import { IstioSystemNamespace, MultiClusterSecretLabel, NetworkLabel, RootCertConfigMap } from '../istio/names';
import { clusterIdOf, remoteSecretFacts, rootCertificates, type ClusterFacts } from '../mesh/clusterFacts';
import { controlPlaneRevisions } from '../install/controlPlane';
import { cacertsRoot, CacertsSecret } from './ca';

export interface ReadFacts {
  readonly facts: ClusterFacts;
  /** The `root-cert.pem` of its `cacerts` Secret, when it has one. */
  readonly cacertsRoot?: string;
  /** The network label of istiod's namespace, when set. */
  readonly network?: string;
}

export async function readClusterFacts(cluster: InstallCluster, server: string, signal?: AbortSignal): Promise<ReadFacts> {
  const [istiods, meshConfig, cacerts, published, secrets, namespaces] = await Promise.all([
    cluster.list('apps/v1', 'Deployment', { namespace: IstioSystemNamespace, labelSelector: 'app=istiod' }, signal),
    cluster.get('v1', 'ConfigMap', MeshConfigMap, IstioSystemNamespace, signal),
    cluster.get('v1', 'Secret', CacertsSecret, IstioSystemNamespace, signal),
    cluster.get('v1', 'ConfigMap', RootCertConfigMap, IstioSystemNamespace, signal),
    cluster.list('v1', 'Secret', { namespace: IstioSystemNamespace, labelSelector: `${MultiClusterSecretLabel}=true` }, signal),
    cluster.list('v1', 'Namespace', {}, signal),
  ]);
  const root = cacertsRoot(cacerts);
  // The root istiod signs with: the plugged-in one, else what it publishes (its self-signed root).
  const rootPem = root ?? (published?.data as Record<string, string> | undefined)?.['root-cert.pem'];
  const injection = manifestMeshFacts({ revisions: controlPlaneRevisions(istiods).map((r) => r.revision) });
  const clusterName = clusterIdOf(istiods);
  const facts: ClusterFacts = {
    context: cluster.context,
    server,
    clusterName,
    meshId: clusterName === undefined ? undefined : meshIdOf((meshConfig?.data as Record<string, string> | undefined)?.mesh),
    rootCerts: rootPem === undefined ? undefined : rootCertificates(rootPem),
    remoteSecrets: secrets.flatMap((s) => remoteSecretFacts(s as Parameters<typeof remoteSecretFacts>[0])),
    namespaces: namespaces.map((n) => {
      const decided = namespaceInjection({ name: n.metadata.name, labels: n.metadata.labels ?? {} }, injection);
      return { name: n.metadata.name, state: decided.state, revision: decided.plain.revision };
    }),
  };
  const network = namespaces.find((n) => n.metadata.name === IstioSystemNamespace)?.metadata.labels?.[NetworkLabel];
  return { facts, cacertsRoot: root, network };
}
