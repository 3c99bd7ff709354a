import { injectionContext } from '../injection/context';
import { candidatesIn, chooseAndRestart, namespaceCommand } from './injectionFlow';

/**
 * `istio.namespace.restartWorkloads`: a multi-select of the namespace's Deployments, StatefulSets and
 * DaemonSets (those whose pods do not match the namespace's injection pre-selected), restarted as
 * `kubectl rollout restart` does and followed as `kubectl rollout status` does.
 */
export const restartWorkloads = namespaceCommand('Restart workloads in namespace', async ({ services, cluster, namespace, prompter, args }) => {
  const ctx = await injectionContext(cluster, namespace, services.log);
  const candidates = await candidatesIn(cluster, ctx);
  if (candidates.length === 0) {
    void prompter.offer(`Namespace "${namespace}" has no Deployment, StatefulSet or DaemonSet to restart.`, []);
    return { status: 'done', namespace };
  }
  const restart = await chooseAndRestart(services, cluster, ctx, candidates, args);
  return restart ? { status: 'done', namespace, restart } : { status: 'cancelled' };
});
