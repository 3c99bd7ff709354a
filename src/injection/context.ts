import { isClusterError } from '../cluster/errors';
import type { MeshFacts } from '../istio/injection';
import { DefaultRevision, RevisionLabel } from '../istio/names';
import { chartEntries, injectorEntries } from '../istio/webhooks';
import type { Logger } from '../util/log';
import type { InjectionContext } from './explain';
import type { RolloutCluster } from './rolloutCluster';

/**
 * The injector webhooks, read now. A user who may not read the (cluster-scoped) webhooks, such as a namespace
 * admin, still gets the commands: Istio's chart webhooks are assumed for the default revision (and, at decision
 * time, for any revision a label names), and the log says so.
 */
export async function injectionFacts(cluster: RolloutCluster, log?: Logger, assumedFor = ''): Promise<MeshFacts> {
  const configurations = await cluster.listMutatingWebhookConfigurations().catch((err: unknown) => {
    if (!isClusterError(err, 'forbidden')) throw err;
    return undefined;
  });
  if (configurations) return { entries: injectorEntries(configurations), source: 'cluster' };
  log?.warn(`You may not list MutatingWebhookConfigurations in context "${cluster.context}": assuming Istio's standard injectors for the default revision${assumedFor ? ` and "${assumedFor}"` : ''}.`);
  return { entries: chartEntries([DefaultRevision]), source: 'chart' };
}

/** The facts injection depends on for one namespace, read now. */
export async function injectionContext(cluster: RolloutCluster, namespace: string, log?: Logger): Promise<InjectionContext> {
  const ns = await cluster.getNamespace(namespace);
  const namespaceLabels = ns.metadata.labels ?? {};
  const revision = namespaceLabels[RevisionLabel];
  const mesh = await injectionFacts(cluster, log, revision && revision !== DefaultRevision ? revision : '');
  return { namespace, namespaceLabels, mesh };
}
