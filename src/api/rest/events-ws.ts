/**
 * `/v1/events`: a WebSocket stream of call and verb events, filterable by call id and event type.
 * Backpressure: a consumer whose unsent backlog passes `maxBufferedBytes` is dropped (close 1013),
 * so a slow client never makes the daemon's memory grow; clients are bounded in number and pinged.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { HttpServer } from '../http-server.js';
import type { BearerAuth } from './auth.js';
import type { CallEvent, CallsPort } from './calls-port.js';
import { eventsQuerySchema } from './schemas.js';

export interface EventsOptions {
  maxClients: number;
  maxBufferedBytes: number;
  pingIntervalMs: number;
}

export interface EventsCounters {
  clients: number;
  eventsSent: number;
  slowConsumersDropped: number;
  rejected: number;
}

interface Client {
  ws: WebSocket;
  callId: string | undefined;
  types: string[] | undefined;
  alive: boolean;
}

function matches(c: Client, ev: CallEvent): boolean {
  if (c.callId !== undefined && ev.callId !== c.callId) return false;
  return (
    c.types === undefined || c.types.some((t) => ev.type === t || (t.endsWith('.') && ev.type.startsWith(t)))
  );
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export class EventsStream {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096, perMessageDeflate: false });
  private readonly clients = new Set<Client>();
  private unsubscribe: (() => void) | undefined;
  private pinger: NodeJS.Timeout | undefined;
  readonly counters: EventsCounters = { clients: 0, eventsSent: 0, slowConsumersDropped: 0, rejected: 0 };

  constructor(
    private readonly calls: CallsPort,
    private readonly auth: BearerAuth,
    private readonly opts: EventsOptions,
  ) {}

  attach(http: HttpServer, path = '/v1/events'): void {
    http.upgrade(path, (req, socket, head) => this.onUpgrade(req, socket, head));
    this.unsubscribe = this.calls.subscribe((ev) => this.publish(ev));
    this.pinger = setInterval(() => this.ping(), this.opts.pingIntervalMs);
    this.pinger.unref();
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const q = eventsQuerySchema.safeParse(
      Object.fromEntries(new URL(req.url ?? '/', 'http://localhost').searchParams),
    );
    if (!this.auth.enabled || !this.auth.check(req)) {
      this.counters.rejected++;
      return refuse(socket, '401 Unauthorized');
    }
    if (!q.success) {
      this.counters.rejected++;
      return refuse(socket, '400 Bad Request');
    }
    if (this.clients.size >= this.opts.maxClients) {
      this.counters.rejected++;
      return refuse(socket, '503 Service Unavailable');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = {
        ws,
        callId: q.data.callId,
        types: q.data.types
          ?.split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        alive: true,
      };
      this.clients.add(client);
      this.counters.clients = this.clients.size;
      ws.on('pong', () => (client.alive = true));
      ws.on('message', () => undefined); // the stream is one-way; client messages are ignored
      ws.on('error', () => ws.terminate());
      ws.on('close', () => {
        this.clients.delete(client);
        this.counters.clients = this.clients.size;
      });
    });
  }

  private publish(ev: CallEvent): void {
    if (this.clients.size === 0) return;
    const text = JSON.stringify(ev);
    for (const c of this.clients) {
      if (!matches(c, ev)) continue;
      if (c.ws.bufferedAmount + text.length > this.opts.maxBufferedBytes) {
        this.counters.slowConsumersDropped++;
        this.clients.delete(c);
        this.counters.clients = this.clients.size;
        c.ws.close(1013, 'too slow: events dropped');
        // A peer that does not read will not read the close either.
        setTimeout(() => c.ws.terminate(), 1000).unref();
        continue;
      }
      c.ws.send(text);
      this.counters.eventsSent++;
    }
  }

  private ping(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  close(): void {
    this.unsubscribe?.();
    if (this.pinger) clearInterval(this.pinger);
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
    this.counters.clients = 0;
    this.wss.close();
  }
}
