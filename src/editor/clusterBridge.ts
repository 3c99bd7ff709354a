import * as vscode from 'vscode';
import { Kinds } from '../cluster/kinds';
import type { ClusterClient } from '../cluster/client';
import type { Services } from '../services';
import { clusterFactsOf } from '../yaml/clusterFacts';
import type { KubeObject } from '../cluster/types';
import type { YamlService } from './yamlService';
import { errorMessage } from '../util/errors';

/** The Istio CRDs of the cluster, with their schemas (the mesh store keeps only their names). */
async function istioCrds(client: ClusterClient): Promise<unknown[]> {
  const list = await client.list(Kinds.CustomResourceDefinition);
  return list.items.filter((crd) => {
    const group = (crd as { spec?: { group?: unknown } }).spec?.group;
    return typeof group === 'string' && group.endsWith('istio.io');
  });
}

/**
 * Feeds the YAML checks from the cluster: the connected rules' facts on every mesh change, and the
 * schemas of the cluster's own Istio CRDs once per context (so hovers and validation match its
 * exact Istio version). The schemas wait until YAML checks are in use: reading every CRD and starting
 * the language service's worker would otherwise compete with the Mesh view's first render for users
 * who never open a manifest. Read-only: nothing is written to the cluster.
 */
export function bridgeClusterToYaml(services: Services, yaml: YamlService): vscode.Disposable {
  let lastFacts = '';
  let schemaContext: string | undefined;
  // The live mesh config's root namespace, read once per context and control-plane namespace.
  let meshConfigOf: string | undefined;
  let rootNamespace: string | undefined;
  const update = () => {
    const store = services.mesh.store;
    const ready = store && services.mesh.state === 'ready' ? clusterFactsOf(store) : undefined;
    readRootNamespace(ready?.controlPlaneNamespace);
    const facts = ready && rootNamespace ? { ...ready, rootNamespace } : ready;
    const key = JSON.stringify(facts ?? null);
    if (key !== lastFacts) {
      lastFacts = key;
      yaml.setClusterFacts(facts);
    }
    refreshIfInUse();
  };
  const readRootNamespace = (namespace: string | undefined) => {
    const client = services.mesh.client;
    const key = client && namespace ? `${client.context}/${namespace}` : undefined;
    if (key === meshConfigOf) return;
    meshConfigOf = key;
    rootNamespace = undefined;
    if (!client || !namespace) return;
    void meshRootNamespace(client, namespace).then((found) => {
      if (found === rootNamespace || meshConfigOf !== key) return;
      rootNamespace = found;
      update();
    }, (err: unknown) => services.log.info(`Mesh config not read from context "${client.context}" (istio-system taken as the root namespace): ${errorMessage(err)}`));
  };
  const refreshIfInUse = () => {
    const client = services.mesh.client;
    if (client && yaml.isStarted && services.mesh.store?.controlPlane.installed && schemaContext !== client.context) {
      schemaContext = client.context;
      void refreshSchemas(yaml, client).catch((err: unknown) => services.log.warn(`YAML schemas not refreshed from context "${client.context}": ${errorMessage(err)}`));
    }
  };
  return vscode.Disposable.from(services.mesh.onDidChange(update), yaml.onDidStart(refreshIfInUse));
}

/** `rootNamespace` of the `istio` ConfigMap's mesh config in the control plane's namespace, when it names one. */
async function meshRootNamespace(client: ClusterClient, namespace: string): Promise<string | undefined> {
  const { MeshConfigMap, rootNamespaceOf } = await import('../istio/meshConfig');
  const map = await client.get<KubeObject & { data?: Record<string, string> }>(Kinds.ConfigMap, MeshConfigMap, namespace);
  return rootNamespaceOf(map.data?.mesh);
}

export async function refreshSchemas(yaml: YamlService, client: ClusterClient): Promise<number> {
  const crds = await istioCrds(client);
  // The service logs the refresh itself.
  return yaml.refreshSchemasFromCrds(crds, client.context);
}
