import type { Services } from '../services';
import {
  type InjectionCommandArgs,
  type InjectionCommandResult,
  candidatesIn,
  chooseAndRestart,
  connectRollouts,
  injectionContext,
  namespaceOf,
  pickNamespace,
  prompterOf,
  reportFailure,
} from './injectionFlow';

/**
 * `istio.namespace.restartWorkloads`: a multi-select of the namespace's Deployments, StatefulSets and
 * DaemonSets (those whose pods do not match the namespace's injection pre-selected), restarted as
 * `kubectl rollout restart` does and followed as `kubectl rollout status` does.
 */
export const restartWorkloads = (services: Services) => async (item?: unknown, args?: InjectionCommandArgs): Promise<InjectionCommandResult> => {
  try {
    const cluster = await connectRollouts(services);
    const namespace = namespaceOf(item) ?? (await pickNamespace(cluster, prompterOf(args), 'Restart workloads in namespace'));
    if (!namespace) return { status: 'cancelled' };
    const ctx = await injectionContext(cluster, namespace);
    const candidates = await candidatesIn(cluster, ctx);
    if (candidates.length === 0) {
      void prompterOf(args).offer(`Namespace "${namespace}" has no Deployment, StatefulSet or DaemonSet to restart.`, []);
      return { status: 'done', namespace };
    }
    const restart = await chooseAndRestart(services, cluster, ctx, candidates, args);
    return restart ? { status: 'done', namespace, restart } : { status: 'cancelled' };
  } catch (error) {
    return reportFailure(services, error);
  }
};
