import * as http from 'node:http';
import * as https from 'node:https';
import type { ContextAccess } from './contextAccess';
import { errorFromCredentials, errorFromNetwork, errorFromProxied, errorFromStatus, type KubeStatus, type RequestTarget } from './errors';

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query, e.g. `/api/v1/pods?limit=500`. */
  path: string;
  body?: string;
  contentType?: string;
  accept?: string;
  target?: RequestTarget;
  signal?: AbortSignal;
  /** Socket idle timeout for plain requests; watches pass 0 and use their own liveness timer. */
  idleTimeoutMs?: number;
}

const defaultIdleTimeoutMs = 30_000;

/**
 * HTTP to the API server of one kubeconfig context. The context's access gives the TLS material and the
 * Authorization header for every request, so rotated credentials are picked up; the connection pool is ours and
 * keeps connections alive.
 */
export class Transport {
  private agent: http.Agent | undefined;
  private agentKey: string | undefined;
  readonly server: string;

  constructor(private readonly access: ContextAccess, readonly context: string) {
    this.server = access.server.replace(/\/+$/, '');
  }

  /** Sends a request and returns the status and whole body; throws ClusterError unless the status is 2xx. */
  async request(options: RequestOptions): Promise<{ status: number; body: Buffer }> {
    const res = await this.send(options);
    const body = await readBody(res, options.signal).catch((err) => {
      throw errorFromNetwork(err, this.server, options.target);
    });
    const status = res.statusCode ?? 0;
    if (status >= 200 && status < 300) return { status, body };
    const parsed = parseStatus(body);
    // Through a proxy subresource, an answer that is no Status is the proxied server's, not the API server's.
    if (options.target?.resource.endsWith('/proxy') && parsed?.kind !== 'Status') throw errorFromProxied(status, body.toString('utf8'), options.target);
    throw errorFromStatus(status, parsed, options.target, this.context);
  }

  /** Opens a streaming response (watch); throws ClusterError unless the status is 200. The caller consumes it. */
  async stream(options: RequestOptions): Promise<http.IncomingMessage> {
    const res = await this.send({ ...options, idleTimeoutMs: 0 });
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const body = await readBody(res, options.signal).catch(() => Buffer.alloc(0));
      throw errorFromStatus(status, parseStatus(body), options.target, this.context);
    }
    return res;
  }

  dispose(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  private async send(options: RequestOptions): Promise<http.IncomingMessage> {
    const { agent, headers } = await this.connection();
    if (options.accept) headers.Accept = options.accept;
    else headers.Accept = 'application/json';
    if (options.contentType) headers['Content-Type'] = options.contentType;
    // Node sends DELETE bodies without chunked encoding, so the length must always be explicit.
    if (options.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(options.body));
    const url = new URL(this.server + options.path);
    const lib = url.protocol === 'http:' ? http : https;
    return new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = lib.request(url, { method: options.method, agent, headers, signal: options.signal }, resolve);
      const idle = options.idleTimeoutMs ?? defaultIdleTimeoutMs;
      if (idle > 0) req.setTimeout(idle, () => req.destroy(Object.assign(new Error(`timed out after ${idle} ms`), { code: 'ETIMEDOUT' })));
      req.on('error', (err) => reject(errorFromNetwork(err, this.server, options.target)));
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  private async connection(): Promise<{ agent: http.Agent; headers: Record<string, string> }> {
    const opts: https.RequestOptions = {};
    try {
      await this.access.applyTo(opts);
    } catch (err) {
      throw errorFromCredentials(err, this.context);
    }
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(opts.headers ?? {})) {
      if (value !== undefined) headers[key] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return { agent: this.agentFor(opts), headers };
  }

  /** One keep-alive pool per context; rebuilt when the client certificate changes (exec plugins may rotate it). */
  private agentFor(opts: https.RequestOptions): http.Agent {
    if (this.access.proxyUrl && opts.agent) return opts.agent as http.Agent;
    const key = [opts.cert, opts.key, opts.ca].map((b) => (b ? Buffer.from(b as Buffer).toString('base64').slice(-32) : '')).join('|');
    if (this.agent && this.agentKey === key) return this.agent;
    this.agent?.destroy();
    const tls = {
      keepAlive: true,
      ca: opts.ca, cert: opts.cert, key: opts.key,
      rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername,
    };
    this.agent = this.server.startsWith('http:') ? new http.Agent({ keepAlive: true }) : new https.Agent(tls);
    this.agentKey = key;
    return this.agent;
  }
}

function readBody(res: http.IncomingMessage, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    // A reflector's signal lives as long as the session: the listener must go with the body, or every page
    // of every list would leave one behind.
    const onAbort = () => reject(signal?.reason);
    const settle = () => signal?.removeEventListener('abort', onAbort);
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => {
      settle();
      resolve(Buffer.concat(chunks));
    });
    res.on('error', (error) => {
      settle();
      reject(error);
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function parseStatus(body: Buffer): KubeStatus | undefined {
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as KubeStatus) : undefined;
  } catch {
    const text = body.toString('utf8').trim();
    return text ? { message: text.slice(0, 500) } : undefined;
  }
}
