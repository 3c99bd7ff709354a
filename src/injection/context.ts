import { isClusterError } from '../cluster/errors';
import type { MeshFacts } from '../istio/injection';
import type { MutatingWebhookConfiguration } from '../cluster/types';
import { type InjectorFacts, injectorConfigMaps, injectorFacts } from '../istio/injectorConfig';
import { DefaultRevision, InjectorWebhookSuffix, IstioSystemNamespace, RevisionLabel, revisionOf } from '../istio/names';
import { chartEntries, injectorEntries } from '../istio/webhooks';
import type { Logger } from '../util/log';
import type { InjectionContext } from './explain';
import type { RolloutCluster } from './rolloutCluster';

/**
 * The injector webhooks and istiod's injector ConfigMaps, read now. A user who may not read the (cluster-scoped)
 * webhooks, such as a namespace admin, still gets the commands: Istio's chart webhooks are assumed for the default
 * revision (and, at decision time, for any revision a label names), and the log says so. ConfigMaps that may not be
 * read leave the injectors' policies unknown, which every verdict then says.
 */
export async function injectionFacts(cluster: RolloutCluster, log?: Logger, assumedFor = ''): Promise<MeshFacts> {
  const configurations = await cluster.listMutatingWebhookConfigurations().catch((err: unknown) => {
    if (!isClusterError(err, 'forbidden')) throw err;
    return undefined;
  });
  const { enableNamespacesByDefault, ...injectors } = await readInjectorConfigs(cluster, configurations ?? [], log);
  if (configurations) return { entries: injectorEntries(configurations), source: 'cluster', ...injectors };
  log?.warn(`You may not list MutatingWebhookConfigurations in context "${cluster.context}": assuming Istio's standard injectors for the default revision${assumedFor ? ` and "${assumedFor}"` : ''}.`);
  return { entries: chartEntries([DefaultRevision], [], { enableNamespacesByDefault }), source: 'chart', ...injectors };
}

/** The injector ConfigMaps of istio-system and of every namespace an injector webhook calls istiod in. */
async function readInjectorConfigs(cluster: RolloutCluster, configurations: readonly MutatingWebhookConfiguration[], log?: Logger): Promise<InjectorFacts> {
  const istiodNamespaces = new Map<string, string>();
  for (const c of configurations) {
    const namespace = c.webhooks?.find((w) => w.name.endsWith(InjectorWebhookSuffix))?.clientConfig?.service?.namespace;
    if (namespace) istiodNamespaces.set(revisionOf(c.metadata.labels), namespace);
  }
  const hidden: string[] = [];
  const lists = await Promise.all([...new Set([IstioSystemNamespace, ...istiodNamespaces.values()])].sort().map((ns) =>
    cluster.listConfigMaps(ns).catch((err: unknown) => {
      if (!isClusterError(err, 'forbidden')) throw err;
      log?.warn(`You may not list ConfigMaps in ${ns} in context "${cluster.context}": the sidecar injector's policy and selectors are unknown; verdicts assume the chart's defaults.`);
      hidden.push(ns);
      return [];
    })));
  return injectorFacts(injectorConfigMaps(lists.flat()), hidden.sort(), (revision) => istiodNamespaces.get(revision));
}

/** The facts injection depends on for one namespace, read now. */
export async function injectionContext(cluster: RolloutCluster, namespace: string, log?: Logger): Promise<InjectionContext> {
  const ns = await cluster.getNamespace(namespace);
  const namespaceLabels = ns.metadata.labels ?? {};
  const revision = namespaceLabels[RevisionLabel];
  const mesh = await injectionFacts(cluster, log, revision && revision !== DefaultRevision ? revision : '');
  return { namespace, namespaceLabels, mesh };
}
