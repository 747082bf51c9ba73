/** Mounts the REST routes, their OpenAPI document and the events stream on the daemon's HTTP server. */
import { jsonReply, type HttpServer } from './http-server.js';
import { BearerAuth } from './rest/auth.js';
import type { CallsPort } from './rest/calls-port.js';
import { EventsStream, type EventsCounters } from './rest/events-ws.js';
import { openApiDocument } from './rest/openapi.js';
import { RateLimiter } from './rest/rate-limit.js';
import { apiRoutes, registerRestRoutes } from './rest/routes.js';

export interface CallApiOptions {
  tokens: readonly string[];
  maxBodyBytes: number;
  rateLimit: { perSecond: number; burst: number };
  events: { maxClients: number; maxBufferedBytes: number; pingIntervalMs?: number };
  version: string;
}

export interface CallApi {
  events: EventsStream;
  limiter: RateLimiter;
  counters(): EventsCounters & { rateLimited: number };
  close(): void;
}

export function mountCallApi(http: HttpServer, calls: CallsPort, o: CallApiOptions): CallApi {
  const auth = new BearerAuth(o.tokens);
  const limiter = new RateLimiter({ ...o.rateLimit, maxClients: 10_000 });
  const routes = apiRoutes(calls);
  registerRestRoutes(http, routes, { auth, limiter, maxBodyBytes: o.maxBodyBytes });
  const doc = `${JSON.stringify(openApiDocument(routes, o.version), null, 2)}\n`;
  http.route('GET', '/v1/openapi.json', () => ({ ...jsonReply(200, null), body: doc }));
  const events = new EventsStream(calls, auth, { pingIntervalMs: 30_000, ...o.events });
  events.attach(http);
  return {
    events,
    limiter,
    counters: () => ({ ...events.counters, rateLimited: limiter.rejected }),
    close: () => events.close(),
  };
}
