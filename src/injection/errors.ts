/**
 * Turning cluster failures into messages that say what was refused and where. The cluster wrapper
 * throws errors carrying a `kind` (unreachable, unauthorized, forbidden, notFound, conflict, ...);
 * this module reads it without depending on the wrapper's class, so the logic stays testable with fakes.
 */
import { errorMessage } from '../util/errors';

export type FailureKind = 'unreachable' | 'unauthorized' | 'forbidden' | 'notFound' | 'conflict' | 'invalid' | 'other';

export function failureKind(error: unknown): FailureKind {
  if (typeof error === 'object' && error !== null) {
    const kind = (error as { kind?: unknown }).kind;
    if (typeof kind === 'string' && ['unreachable', 'unauthorized', 'forbidden', 'notFound', 'conflict', 'invalid'].includes(kind)) {
      return kind as FailureKind;
    }
    const code = (error as { code?: unknown; statusCode?: unknown }).code ?? (error as { statusCode?: unknown }).statusCode;
    if (code === 403) return 'forbidden';
    if (code === 404) return 'notFound';
    if (code === 409) return 'conflict';
    if (code === 401) return 'unauthorized';
    if (code === 422) return 'invalid';
  }
  return 'other';
}

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
  constructor(message: string, readonly kind: FailureKind, readonly cause?: unknown) {
    super(message);
    this.name = 'InjectionError';
  }
}

export function describeFailure(error: unknown, op: Operation): InjectionError {
  const kind = failureKind(error);
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
