/** Loopback application servers for the runner tests: a scripted webhook app and a jambonz-style WebSocket app. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  json: Record<string, unknown> | undefined;
}

/** Answers each request with `route(path, json)`: a value (JSON), a string (raw), or a function taking the response. */
export type Route = (
  path: string,
  json: Record<string, unknown> | undefined,
) => unknown[] | string | ((res: ServerResponse) => void);

export class WebhookApp {
  readonly seen: SeenRequest[] = [];
  private server: Server | undefined;
  url = '';

  constructor(public route: Route) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = new URL(req.url!, 'http://x').pathname;
        let json: Record<string, unknown> | undefined;
        try {
          json = body ? (JSON.parse(body) as Record<string, unknown>) : undefined;
        } catch {
          json = undefined;
        }
        this.seen.push({ method: req.method!, path, headers: req.headers, body, json });
        const r = this.route(path, json);
        if (typeof r === 'function') return r(res);
        res.setHeader('content-type', 'application/json');
        res.end(typeof r === 'string' ? r : JSON.stringify(r));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  paths(): string[] {
    return this.seen.map((s) => s.path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}

export interface WsMessage {
  type: string;
  msgid: string;
  call_sid?: string;
  hook?: string;
  data?: Record<string, unknown>;
}

/** A WebSocket app: `onMessage` decides; `received` keeps every message; `sockets` the connections. */
export class WsApp {
  readonly received: WsMessage[] = [];
  readonly sockets: WebSocket[] = [];
  readonly protocols: string[] = [];
  readonly headers: IncomingMessage['headers'][] = [];
  private wss: WebSocketServer | undefined;
  url = '';

  constructor(public onMessage: (ws: WebSocket, msg: WsMessage) => void) {}

  async start(): Promise<this> {
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (p) => [...p][0] ?? false,
    });
    await new Promise<void>((r) => this.wss!.on('listening', () => r()));
    this.wss.on('connection', (ws, req) => {
      this.sockets.push(ws);
      this.protocols.push(ws.protocol);
      this.headers.push(req.headers);
      ws.on('message', (d: Buffer) => {
        const msg = JSON.parse(d.toString()) as WsMessage;
        this.received.push(msg);
        this.onMessage(ws, msg);
      });
    });
    this.url = `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/app`;
    return this;
  }

  of(type: string): WsMessage[] {
    return this.received.filter((m) => m.type === type);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => (this.wss ? this.wss.close(() => r()) : r()));
  }
}

export function ack(ws: WebSocket, msg: WsMessage, verbs?: unknown[]): void {
  ws.send(JSON.stringify({ type: 'ack', msgid: msg.msgid, ...(verbs ? { data: verbs } : {}) }));
}

export function command(ws: WebSocket, cmd: string, data?: unknown): void {
  ws.send(JSON.stringify({ type: 'command', command: cmd, ...(data !== undefined ? { data } : {}) }));
}
