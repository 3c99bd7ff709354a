import { describeChange } from '../injection/labels';
import { changeNamespaceInjection } from '../injection/namespaceChange';
import { injectionContext } from '../injection/context';
import { namespaceCommand, offerRestart } from './injectionFlow';

/**
 * `istio.namespace.disableInjection`: after a confirmation naming the context, sets `istio-injection=disabled`
 * and removes `istio.io/rev` in one patch; offers to restart the workloads whose pods still have a sidecar.
 */
export const disableInjection = namespaceCommand('Disable sidecar injection in namespace', async ({ services, cluster, namespace, prompter, args }) => {
  const confirmed = await prompter.confirm(
    `Disable sidecar injection in namespace "${namespace}"?`,
    `Context "${cluster.context}". Sets ${describeChange({ mode: 'disabled' })} and removes istio.io/rev. Running pods keep their sidecar until they are restarted.`,
    'Disable',
  );
  if (!confirmed) return { status: 'cancelled' };
  const before = await injectionContext(cluster, namespace, services.log);
  const result = await changeNamespaceInjection(cluster, namespace, { mode: 'disabled' }, { log: services.log });
  const headline = `Sidecar injection is off in namespace "${namespace}" (context "${cluster.context}").`;
  const restart = await offerRestart(services, cluster, { ...before, namespaceLabels: result.after }, headline, args);
  return { status: 'done', namespace, restart };
});
