import { type InjectionTarget, describeChange } from '../injection/labels';
import { changeNamespaceInjection } from '../injection/namespaceChange';
import { injectionContext } from '../injection/context';
import { injectionOffer } from '../istio/webhooks';
import { namespaceCommand, offerRestart, reportFailure } from './injectionFlow';
import type { PickItem } from './prompter';

/**
 * `istio.namespace.enableInjection`: pick default, a revision or tag the cluster serves, or ambient (where
 * ztunnel runs); label the namespace with one patch; offer to restart what no longer matches.
 */
export const enableInjection = namespaceCommand('Enable sidecar injection in namespace', async ({ services, cluster, namespace, prompter, args }) => {
  const before = await injectionContext(cluster, namespace, services.log);
  const offer = injectionOffer(before.mesh.entries);
  const ambient = await cluster.ambientInstalled();
  const choices: PickItem<InjectionTarget>[] = [];
  if (offer.defaultInjector) {
    choices.push({ label: 'Default revision', description: describeChange({ mode: 'default' }), value: { mode: 'default' }, picked: true });
  }
  for (const revision of offer.revisions) {
    if (revision === 'default' && offer.defaultInjector) continue;
    choices.push({ label: `Revision ${revision}`, description: describeChange({ mode: 'revision', revision }), value: { mode: 'revision', revision } });
  }
  if (ambient) {
    choices.push({ label: 'Ambient mode', description: describeChange({ mode: 'ambient' }), detail: 'No sidecar: ztunnel carries the traffic. Pods need no restart.', value: { mode: 'ambient' } });
  }
  if (choices.length === 0) {
    return reportFailure(services, new Error(`No Istio sidecar injector is installed in context "${cluster.context}": install Istio first (Istio: Install…).`));
  }
  const target = await prompter.pickOne(`Enable injection in namespace "${namespace}" (context "${cluster.context}")`, choices, 'How pods of this namespace join the mesh');
  if (!target) return { status: 'cancelled' };
  const result = await changeNamespaceInjection(cluster, namespace, target, { log: services.log });
  const headline = Object.keys(result.changes).length === 0
    ? `Namespace "${namespace}" already has ${describeChange(target)}.`
    : `Namespace "${namespace}" now has ${describeChange(target)} (context "${cluster.context}").`;
  const restart = await offerRestart(services, cluster, { ...before, namespaceLabels: result.after }, headline, args);
  return { status: 'done', namespace, restart };
});
