/**
 * The REST API (`/v1/calls…`) as one route table: the same entries register the handlers and
 * produce the OpenAPI document, so the document cannot describe a route that does not exist.
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { jsonReply, type HttpReply, type HttpServer } from '../http-server.js';
import type { BearerAuth } from './auth.js';
import { STATUS_OF, type CallsPort, type PortError } from './calls-port.js';
import { readJsonBody } from './json-body.js';
import type { RateLimiter } from './rate-limit.js';
import { commandSchema, issuesOf, listQuerySchema, originateSchema } from './schemas.js';

export interface ApiContext {
  params: Record<string, string>;
  body: unknown;
  query: unknown;
}

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  summary: string;
  body?: z.ZodType;
  query?: z.ZodType;
  responses: Record<number, string>;
  handler(ctx: ApiContext): Promise<HttpReply> | HttpReply;
}

export interface RestOptions {
  calls: CallsPort;
  auth: BearerAuth;
  limiter: RateLimiter;
  maxBodyBytes: number;
}

function errorReply(e: PortError): HttpReply {
  const reply = jsonReply(STATUS_OF[e.code], { error: e.code, message: e.message, ...(e.detail ?? {}) });
  if (e.retryAfterSeconds !== undefined)
    reply.headers = { ...reply.headers, 'retry-after': String(e.retryAfterSeconds) };
  return reply;
}

export function apiRoutes(calls: CallsPort): ApiRoute[] {
  return [
    {
      method: 'POST',
      path: '/v1/calls',
      summary: 'Place an outbound call (privacy numbers go through their dialing plan)',
      body: originateSchema,
      responses: {
        201: 'Call created',
        400: 'Invalid request',
        401: 'Unauthorized',
        429: 'Queue full',
        503: 'Draining',
      },
      async handler({ body }) {
        const r = await calls.originate(body as z.output<typeof originateSchema>);
        return r.ok ? jsonReply(201, r.value) : errorReply(r.error);
      },
    },
    {
      method: 'GET',
      path: '/v1/calls',
      summary: 'List calls in progress',
      query: listQuerySchema,
      responses: { 200: 'Calls', 400: 'Invalid query', 401: 'Unauthorized' },
      handler({ query }) {
        return jsonReply(200, { calls: calls.list(query as z.output<typeof listQuerySchema>) });
      },
    },
    {
      method: 'GET',
      path: '/v1/calls/:id',
      summary: 'One call, with its record so far',
      responses: { 200: 'The call', 401: 'Unauthorized', 404: 'No such call' },
      handler({ params }) {
        const c = calls.get(params.id!);
        return c
          ? jsonReply(200, c)
          : jsonReply(404, { error: 'not_found', message: `no call ${params.id}` });
      },
    },
    {
      method: 'PUT',
      path: '/v1/calls/:id',
      summary: 'Redirect a call to new verbs, mute, unmute or hang up',
      body: commandSchema,
      responses: {
        200: 'Done',
        400: 'Invalid request',
        401: 'Unauthorized',
        404: 'No such call',
        409: 'Not possible now',
      },
      async handler({ params, body }) {
        const r = await calls.command(params.id!, body as z.output<typeof commandSchema>);
        return r.ok ? jsonReply(200, r.value) : errorReply(r.error);
      },
    },
    {
      method: 'DELETE',
      path: '/v1/calls/:id',
      summary: 'Hang up a call',
      responses: { 200: 'Hung up', 401: 'Unauthorized', 404: 'No such call' },
      async handler({ params }) {
        const r = await calls.command(params.id!, { action: 'hangup', reason: 'api' });
        return r.ok ? jsonReply(200, r.value) : errorReply(r.error);
      },
    },
  ];
}

function clientKey(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

/** Registers the table on the HTTP server behind auth, rate limiting and validation. */
export function registerRestRoutes(
  http: HttpServer,
  routes: readonly ApiRoute[],
  o: Omit<RestOptions, 'calls'>,
): void {
  for (const route of routes) {
    http.route(route.method, route.path, async (req, params) => {
      const wait = o.limiter.take(clientKey(req));
      if (wait > 0) {
        req.resume();
        const r = jsonReply(429, { error: 'rate_limited', message: 'too many requests' });
        r.headers = { ...r.headers, 'retry-after': String(wait) };
        return r;
      }
      if (!o.auth.enabled) {
        req.resume();
        return jsonReply(503, {
          error: 'api_disabled',
          message: 'no API token configured (api.tokens / VOICEGATE_API_TOKEN)',
        });
      }
      if (!o.auth.check(req)) {
        req.resume();
        const r = jsonReply(401, { error: 'unauthorized', message: 'missing or wrong bearer token' });
        r.headers = { ...r.headers, 'www-authenticate': 'Bearer realm="voicegate"' };
        return r;
      }
      let query: unknown;
      if (route.query) {
        const q = route.query.safeParse(
          Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams),
        );
        if (!q.success) return jsonReply(400, { error: 'invalid_query', issues: issuesOf(q.error) });
        query = q.data;
      }
      let body: unknown;
      if (route.body) {
        const b = await readJsonBody(req, o.maxBodyBytes);
        if (!b.ok) return jsonReply(b.status, { error: b.error, message: b.message });
        const v = route.body.safeParse(b.value);
        if (!v.success) return jsonReply(400, { error: 'invalid_request', issues: issuesOf(v.error) });
        body = v.data;
      } else {
        req.resume();
      }
      return route.handler({ params, body, query });
    });
  }
}
