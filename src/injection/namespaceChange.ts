import type { Logger } from '../util/log';
import { isClusterError } from '../cluster/errors';
import { InjectionError, describeFailure } from './errors';
import { type InjectionChange, type Labels, describeChange } from './labels';
import { type LabelChanges, injectionLabelChanges, namespaceLabelPatch } from './patches';
import type { RolloutCluster } from './rolloutCluster';

export interface NamespaceChangeResult {
  readonly namespace: string;
  readonly before: Labels;
  readonly after: Labels;
  /** Empty when the namespace already was as asked (nothing was sent). */
  readonly changes: LabelChanges;
  readonly attempts: number;
}

/**
 * Puts a namespace into an injection mode with one JSON merge patch of only the labels concerned,
 * pinned to the resourceVersion it was computed from. On 409 Conflict (someone changed the namespace
 * meanwhile) it reads the namespace again and recomputes, so the change never lands on labels it did
 * not see and is never half-applied.
 */
export async function changeNamespaceInjection(
  cluster: RolloutCluster,
  namespace: string,
  change: InjectionChange,
  options: { readonly maxAttempts?: number; readonly log?: Logger } = {},
): Promise<NamespaceChangeResult> {
  const maxAttempts = options.maxAttempts ?? 5;
  const op = { resource: 'namespaces', name: namespace, context: cluster.context };
  for (let attempt = 1; ; attempt++) {
    let current;
    try {
      current = await cluster.getNamespace(namespace);
    } catch (error) {
      throw describeFailure(error, { ...op, verb: 'get' });
    }
    if (current.status?.phase === 'Terminating' || current.metadata?.deletionTimestamp) {
      throw new InjectionError(`Namespace "${namespace}" is being deleted (context "${cluster.context}"): nothing was changed.`, 'notFound');
    }
    const before = current.metadata?.labels ?? {};
    const changes = injectionLabelChanges(before, change);
    if (Object.keys(changes).length === 0) return { namespace, before, after: before, changes, attempts: attempt };
    try {
      const patched = await cluster.patchNamespace(namespace, namespaceLabelPatch(changes, current.metadata?.resourceVersion));
      options.log?.info(`namespace ${namespace} (context ${cluster.context}): ${describeChange(change)} ${JSON.stringify(changes)}`);
      return { namespace, before, after: patched.metadata?.labels ?? {}, changes, attempts: attempt };
    } catch (error) {
      if (isClusterError(error, 'conflict') && attempt < maxAttempts) {
        options.log?.trace(`namespace ${namespace} changed meanwhile (409); retrying`);
        continue;
      }
      throw describeFailure(error, { ...op, verb: 'patch' });
    }
  }
}
