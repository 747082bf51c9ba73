/**
 * Ops endpoints. /healthz answers while the process is alive; /readyz is 200 only when every
 * listener is up and the daemon is not draining (a load balancer stops sending new calls on 503);
 * /metrics is Prometheus text.
 */
import type { HttpServer } from './http-server.js';
import { jsonReply } from './http-server.js';

export interface Readiness {
  ready: boolean;
  draining: boolean;
  /** Listener name → up. */
  listeners: Record<string, boolean>;
}

export interface OpsProviders {
  readiness(): Readiness;
  metrics(): Promise<{ contentType: string; body: string }>;
  version: string;
}

export function registerOpsRoutes(http: HttpServer, p: OpsProviders): void {
  const started = Date.now();
  http.route('GET', '/healthz', () =>
    jsonReply(200, {
      status: 'ok',
      version: p.version,
      uptimeSeconds: Math.round((Date.now() - started) / 1000),
    }),
  );
  http.route('GET', '/readyz', () => {
    const r = p.readiness();
    return jsonReply(r.ready ? 200 : 503, {
      status: r.ready ? 'ready' : r.draining ? 'draining' : 'starting',
      ...r,
    });
  });
  http.route('GET', '/metrics', async () => {
    const m = await p.metrics();
    return { status: 200, headers: { 'content-type': m.contentType }, body: m.body };
  });
}
