/**
 * The daemon's HTTP listener: ops endpoints (/healthz, /readyz, /metrics) now, the call-control
 * API later. Routes are registered by exact method and path pattern; everything is bounded
 * (connections, header and request time, body size) so a slow or hostile client costs little.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface HttpLogger {
  info(msg: string, meta?: Record<string, unknown>): unknown;
  warn(msg: string, meta?: Record<string, unknown>): unknown;
  error(msg: string, meta?: Record<string, unknown>): unknown;
}

export interface HttpReply {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Handles a WebSocket (or other) upgrade for an exact path; it owns the socket from then on. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export type RouteHandler = (
  req: IncomingMessage,
  params: Record<string, string>,
) => Promise<HttpReply> | HttpReply;

export interface HttpServerOptions {
  host: string;
  port: number;
  maxConnections: number;
  logger: HttpLogger;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
}

export class HttpServer {
  private readonly server: Server;
  private readonly routes: Route[] = [];
  private readonly upgrades = new Map<string, UpgradeHandler>();
  private readonly sockets = new Set<Socket>();
  private listening = false;

  constructor(private readonly opts: HttpServerOptions) {
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.maxConnections = opts.maxConnections;
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.maxHeadersCount = 100;
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      const handler = this.upgrades.get(path);
      if (!handler) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      handler(req, socket, head);
    });
    this.server.on('clientError', (_err, socket: Socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
  }

  /** Registers a route; `:name` segments become params. */
  route(method: string, path: string, handler: RouteHandler): void {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`,
    );
    this.routes.push({ method, pattern, names, handler });
  }

  /** Registers the handler of upgrade requests (WebSocket) on `path`. */
  upgrade(path: string, handler: UpgradeHandler): void {
    this.upgrades.set(path, handler);
  }

  /** Method and path of every registered route, in registration order (for the OpenAPI check). */
  routeList(): { method: string; pattern: RegExp }[] {
    return this.routes.map((r) => ({ method: r.method, pattern: r.pattern }));
  }

  get isListening(): boolean {
    return this.listening;
  }

  /** The bound address (useful when port 0 was asked for). */
  address(): AddressInfo {
    return this.server.address() as AddressInfo;
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      this.server.once('error', onError);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off('error', onError);
        this.server.on('error', (err) => this.opts.logger.error('http server error', { err: err.message }));
        this.listening = true;
        resolve();
      });
    });
  }

  /** Stops listening and closes idle and active connections. */
  stop(): Promise<void> {
    if (!this.listening) return Promise.resolve();
    this.listening = false;
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      for (const s of this.sockets) s.destroy();
    });
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    let reply: HttpReply;
    try {
      const matching = this.routes.filter((r) => r.pattern.test(url.pathname));
      const route = matching.find((r) => r.method === req.method);
      if (!route) {
        reply =
          matching.length > 0
            ? jsonReply(405, { error: 'method_not_allowed', allow: matching.map((r) => r.method) })
            : jsonReply(404, { error: 'not_found', path: url.pathname });
        if (matching.length > 0)
          reply.headers = { ...reply.headers, allow: matching.map((r) => r.method).join(', ') };
      } else {
        const m = route.pattern.exec(url.pathname)!;
        const params = decodeParams(route.names, m);
        reply = params ? await route.handler(req, params) : jsonReply(400, { error: 'bad_path_escape' });
      }
    } catch (err) {
      this.opts.logger.error('http handler failed', { path: url.pathname, err: (err as Error).message });
      reply = jsonReply(500, { error: 'internal_error' });
    }
    if (res.headersSent) return;
    res.writeHead(reply.status, reply.headers ?? {});
    res.end(reply.body);
  }
}

function decodeParams(names: string[], m: RegExpExecArray): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  try {
    names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1] ?? '')));
  } catch {
    return undefined;
  }
  return params;
}

export function jsonReply(status: number, body: unknown): HttpReply {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: `${JSON.stringify(body)}\n`,
  };
}
