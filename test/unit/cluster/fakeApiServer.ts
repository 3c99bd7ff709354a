import { mkdtempSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export type Route = (req: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

/**
 * A local HTTP server standing in for the API server: tests give it one handler per request and read back
 * what the client sent. Plain HTTP, so the kubeconfig it writes uses insecure-skip-tls-verify.
 */
export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server = http.createServer((req, res) => void this.handle(req, res));
  private readonly openResponses = new Set<http.ServerResponse>();
  route: Route = (_req, res) => json(res, 404, { kind: 'Status', code: 404, message: 'no route' });

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Writes a kubeconfig with one context `fake` pointing at this server; returns its path. */
  writeKubeconfig(extra: { token?: string; namespace?: string } = {}): string {
    const dir = mkdtempSync(join(tmpdir(), 'istio-mesh-kc-'));
    const file = join(dir, 'config');
    writeFileSync(file, [
      'apiVersion: v1', 'kind: Config', 'current-context: fake',
      'clusters:', '- name: fake', '  cluster:', `    server: ${this.url}`, '    insecure-skip-tls-verify: true',
      'users:', '- name: fake', '  user:', `    token: ${extra.token ?? 'secret-token'}`,
      'contexts:', '- name: fake', '  context:', '    cluster: fake', '    user: fake', ...(extra.namespace ? [`    namespace: ${extra.namespace}`] : []),
    ].join('\n'));
    return file;
  }

  /** Ends every open (watch) response, as a server restart would. */
  dropConnections(): void {
    for (const res of this.openResponses) res.destroy();
    this.openResponses.clear();
  }

  async stop(): Promise<void> {
    this.dropConnections();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', this.url);
    const recorded = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
    this.requests.push(recorded);
    this.openResponses.add(res);
    res.on('close', () => this.openResponses.delete(res));
    await this.route(recorded, res);
  }
}

export function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** Starts a watch response; write events with `event()`. */
export function startWatch(res: http.ServerResponse): { event: (type: string, object: unknown) => void; end: () => void } {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  return {
    event: (type, object) => res.write(`${JSON.stringify({ type, object })}\n`),
    end: () => res.end(),
  };
}

/** Resolves when `predicate` holds, checking after each turn of the event loop; fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
