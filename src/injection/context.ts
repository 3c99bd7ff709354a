import { isClusterError } from '../cluster/errors';
import type { Logger } from '../util/log';
import type { InjectionContext } from './explain';
import { chartInjectorWebhooks, injectorWebhooks } from './injectors';
import { REVISION_LABEL } from './labels';
import type { RolloutCluster } from './port';

/**
 * The facts injection depends on, read now. A user who may not read the (cluster-scoped) webhooks, such as a
 * namespace admin, still gets the commands: Istio's own injectors are assumed for the default revision and the one
 * the namespace names, and the log says so.
 */
export async function injectionContext(cluster: RolloutCluster, namespace: string, log?: Logger): Promise<InjectionContext> {
  const [ns, configurations] = await Promise.all([
    cluster.getNamespace(namespace),
    cluster.listMutatingWebhookConfigurations().catch((err: unknown) => {
      if (!isClusterError(err, 'forbidden')) throw err;
      return undefined;
    }),
  ]);
  const namespaceLabels = ns.metadata.labels ?? {};
  if (configurations) return { namespace, namespaceLabels, webhooks: injectorWebhooks(configurations) };
  const revision = namespaceLabels[REVISION_LABEL];
  log?.warn(`You may not list MutatingWebhookConfigurations in context "${cluster.contextName}": assuming Istio's standard injectors for the default revision${revision ? ` and "${revision}"` : ''}.`);
  return { namespace, namespaceLabels, webhooks: [...chartInjectorWebhooks(), ...(revision && revision !== 'default' ? chartInjectorWebhooks(revision) : [])] };
}
