/**
 * The typed error model of cluster access. Every failure of the wrapper is a `ClusterError` whose `kind`
 * the UI can switch on and whose `message` can be shown to the user as is; `detail` is for the output channel.
 */
import { errorMessage } from '../util/errors';
export type ClusterErrorKind =
  | 'unreachable' // network, TLS, API server unavailable
  | 'unauthorized' // 401 or the credential plugin failed: credentials missing or expired
  | 'forbidden' // 403: RBAC denies the verb on the resource
  | 'notFound'
  | 'conflict' // 409: already exists, or a stale resourceVersion
  | 'invalid' // 400/422: the server rejected the request body
  | 'kubeconfig' // no kubeconfig, unparsable, or no such context
  | 'unknown';

/** What the request was trying to do; used to word messages like "may not list pods in namespace x". */
export interface RequestTarget {
  verb: string;
  /** Plural resource name, e.g. `pods`, `deployments.apps`. */
  resource: string;
  namespace?: string;
  name?: string;
}

/** The `Status` object the API server returns with errors (and in watch ERROR events). */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly options: {
      /** HTTP status, when the server answered. 410 means a watch's resourceVersion is too old. */
      status?: number;
      /** The Kubernetes `Status.reason`, e.g. `AlreadyExists`, `Expired`. */
      reason?: string;
      target?: RequestTarget;
      /** Technical detail for the log (server message, error code); never contains credentials. */
      detail?: string;
      cause?: unknown;
    } = {},
  ) {
    super(message);
  }
  get status(): number | undefined {
    return this.options.status;
  }
  get reason(): string | undefined {
    return this.options.reason;
  }
  get target(): RequestTarget | undefined {
    return this.options.target;
  }
  get detail(): string | undefined {
    return this.options.detail;
  }
  /** One line for the output channel: message plus detail. */
  toLogString(): string {
    return this.detail ? `${this.message} (${this.detail})` : this.message;
  }
}

export function isClusterError(e: unknown, kind?: ClusterErrorKind): e is ClusterError {
  return e instanceof ClusterError && (kind === undefined || e.kind === kind);
}

function describeTarget(t: RequestTarget | undefined): string {
  if (!t) return 'this resource';
  const what = t.name ? `${t.resource}/${t.name}` : t.resource;
  return t.namespace ? `${what} in namespace "${t.namespace}"` : `${what} (cluster-wide)`;
}

/**
 * An error answer that came through the API server's proxy (`pods/…/proxy`, `services/…/proxy`) from what it proxies
 * to, or from a network proxy on the way: not a Kubernetes Status, so no verdict of the API server (a 403 there is
 * no missing permission). Says so, with the answer's own text.
 */
export function errorFromProxied(status: number, text: string, target: RequestTarget): ClusterError {
  const answer = text.trim().replace(/\s+/g, ' ').slice(0, 200);
  return new ClusterError('unknown', `${capitalize(describeTarget(target))} answered HTTP ${status}${answer ? `: ${answer}` : ''} (through the API server's proxy).`, { status, target, detail: `HTTP ${status}` });
}

/** Maps an HTTP error answer of the API server to a ClusterError. */
export function errorFromStatus(status: number, body: KubeStatus | undefined, target?: RequestTarget, context?: string): ClusterError {
  const serverMessage = body?.message;
  const options = { status, reason: body?.reason, target, detail: serverMessage ? `HTTP ${status}: ${serverMessage}` : `HTTP ${status}` };
  const ctx = context ? ` for context "${context}"` : '';
  switch (status) {
    case 401:
      return new ClusterError('unauthorized', `The cluster rejected the credentials${ctx}: they are missing or expired. Log in again (for example refresh your cloud CLI token) and retry.`, options);
    case 403:
      return new ClusterError('forbidden', `You may not ${target?.verb ?? 'access'} ${describeTarget(target)}${ctx}.`, options);
    case 404:
      return new ClusterError('notFound', `${capitalize(describeTarget(target))} was not found.`, options);
    case 409:
      return new ClusterError('conflict', serverMessage ?? `Conflict on ${describeTarget(target)}.`, options);
    case 400:
    case 422:
      return new ClusterError('invalid', serverMessage ?? `The cluster rejected the request on ${describeTarget(target)}.`, options);
    case 502:
    case 503:
    case 504:
      // Through a proxy subresource the API server answered: what it could not reach is the pod or service.
      if (target?.resource.endsWith('/proxy') && serverMessage) return new ClusterError('unreachable', `The API server could not reach ${describeTarget(target)}: ${serverMessage}`, options);
      return new ClusterError('unreachable', `The API server is unavailable (HTTP ${status}).`, options);
    default:
      return new ClusterError('unknown', serverMessage ?? `The API server answered HTTP ${status}.`, options);
  }
}

const networkCodes = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT',
  'EPIPE', 'ECONNABORTED', 'UND_ERR_SOCKET', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** TLS verification failures (the server's certificate cannot be trusted). */
function isCertificateCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS|ERR_SSL|DEPTH_ZERO/.test(code);
}

/** Maps an error thrown before an HTTP answer (socket, DNS, TLS) to a ClusterError. */
export function errorFromNetwork(err: unknown, server: string, target?: RequestTarget): ClusterError {
  if (err instanceof ClusterError) return err;
  const code = errorCode(err);
  const text = errorMessage(err);
  const detail = code ? `${code}: ${text}` : text;
  if (code && isCertificateCode(code)) {
    return new ClusterError('unreachable', `The API server's TLS certificate at ${server} cannot be verified (${code}). Check the cluster's certificate-authority in your kubeconfig.`, { target, detail, cause: err });
  }
  if ((code && networkCodes.has(code)) || /socket hang up|timed? ?out/i.test(text)) {
    return new ClusterError('unreachable', `Cannot reach the API server at ${server}${code ? ` (${code})` : ''}.`, { target, detail, cause: err });
  }
  return new ClusterError('unknown', `Request to ${server} failed: ${text}`, { target, detail, cause: err });
}

/** Errors while obtaining credentials (exec plugin, OIDC refresh, unreadable key file). */
export function errorFromCredentials(err: unknown, context: string): ClusterError {
  if (err instanceof ClusterError) return err;
  const text = errorMessage(err);
  return new ClusterError('unauthorized', `Could not get credentials for context "${context}": ${firstLine(text)}`, { detail: text, cause: err });
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; cause?: unknown };
  if (typeof e.code === 'string') return e.code;
  return e.cause ? errorCode(e.cause) : undefined;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
