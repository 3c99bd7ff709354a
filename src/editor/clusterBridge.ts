import * as vscode from 'vscode';
import { Kinds } from '../cluster/kinds';
import type { ClusterClient } from '../cluster/client';
import type { Services } from '../services';
import { clusterFactsOf } from '../yaml/clusterFacts';
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
  const update = () => {
    const store = services.mesh.store;
    const facts = store && services.mesh.state === 'ready' ? clusterFactsOf(store) : undefined;
    const key = JSON.stringify(facts ?? null);
    if (key !== lastFacts) {
      lastFacts = key;
      yaml.setClusterFacts(facts);
    }
    refreshIfInUse();
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

export async function refreshSchemas(yaml: YamlService, client: ClusterClient): Promise<number> {
  const crds = await istioCrds(client);
  // The service logs the refresh itself.
  return yaml.refreshSchemasFromCrds(crds, client.context);
}
