/**
 * Turning cluster failures into messages that say what was refused and where. The port's calls fail
 * with the cluster wrapper's `ClusterError`s (the unit tests' fakes throw the same class), so the kind
 * is read from them; anything else is a bug or a cancellation and keeps its own message.
 */
import { type ClusterErrorKind, isClusterError } from '../cluster/errors';
import { errorMessage } from '../util/errors';

/** The operation that failed, e.g. `{ verb: 'patch', resource: 'namespaces', name: 'shop' }`. */
export interface Operation {
  readonly verb: string;
  readonly resource: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly context: string;
}

/** A failure the user can act on; `kind` lets callers react (e.g. "namespace deleted"). */
export class InjectionError extends Error {
  constructor(message: string, readonly kind: ClusterErrorKind, readonly cause?: unknown) {
    super(message);
    this.name = 'InjectionError';
  }
}

export function describeFailure(error: unknown, op: Operation): InjectionError {
  const kind = isClusterError(error) ? error.kind : 'unknown';
  const target = `${op.resource}${op.name ? ` "${op.name}"` : ''}${op.namespace ? ` in namespace "${op.namespace}"` : ''}`;
  const where = `(context "${op.context}")`;
  switch (kind) {
    case 'forbidden':
      return new InjectionError(`Forbidden: you may not ${op.verb} ${target} ${where}. Ask for the "${op.verb}" permission on ${op.resource}.`, kind, error);
    case 'notFound':
      return new InjectionError(`Not found: ${target} ${where}; it was deleted meanwhile.`, kind, error);
    case 'unauthorized':
      return new InjectionError(`The cluster rejected your credentials ${where}: log in again and retry.`, kind, error);
    case 'unreachable':
      return new InjectionError(`The cluster cannot be reached ${where}: ${errorMessage(error)}`, kind, error);
    default:
      return new InjectionError(`Could not ${op.verb} ${target} ${where}: ${errorMessage(error)}`, kind, error);
  }
}
