/**
 * One MRCPv2 control channel on the client (`<session>@<resource>`): increasing request ids
 * (§5.1), one response per request within `responseMs`, then — for IN-PROGRESS/PENDING
 * requests — the COMPLETE event within the completion deadline. A STOP or BARGE-IN-OCCURRED
 * response that lists a request in Active-Request-Id-List completes it (§8.5, §9.7: no
 * completion event follows for it). Every promise ends: resolved, or rejected with a coded
 * MrcpClientError on a timeout or when the channel closes.
 */
import { makeRequest, type Body } from '../codec/builders.js';
import { getHeader } from '../codec/header-values.js';
import type { HeaderField, MrcpEvent, MrcpMessage, MrcpResponse } from '../codec/message.js';
import type { MrcpMethod, ServedResource } from '../codec/tables.js';
import { count } from '../net/metrics.js';
import type { Clock, MrcpLogger, TimerHandle } from '../server/clock.js';
import { bump, type MrcpCounters } from '../server/machine.js';
import type { ChannelSink, ClientConnection } from './client-connection.js';
import { MrcpClientError } from './client-errors.js';

/** The message that ended a request: its COMPLETE response, its COMPLETE event, or the STOP that ended it. */
export type RequestEnd = MrcpResponse | MrcpEvent;

export interface RequestHandle {
  readonly requestId: number;
  readonly method: string;
  /** The response (any status). */
  readonly response: Promise<MrcpResponse>;
  /** The message that ended the request (see RequestEnd). */
  readonly done: Promise<RequestEnd>;
}

export interface RequestOptions {
  /** Completion deadline after an IN-PROGRESS/PENDING response (default per method family). */
  completionMs?: number;
}

export interface ChannelDeps {
  clock: Clock;
  logger: MrcpLogger;
  counters: MrcpCounters;
  responseMs: number;
  completionMs(method: string): number;
  maxPending: number;
  /** Every event received (after completion bookkeeping). */
  onEvent(channel: ClientChannel, event: MrcpEvent): void;
  /** A step timed out or the connection failed: the session tears down. */
  onFailure(channel: ClientChannel, error: MrcpClientError): void;
  onTimeoutCounted(step: 'response' | 'completion'): void;
}

interface Pending {
  readonly method: string;
  timer: TimerHandle | undefined;
  responded: boolean;
  resolveResponse(r: MrcpResponse): void;
  resolveDone(m: RequestEnd): void;
  reject(e: MrcpClientError): void;
  completionMs: number;
}

const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);

export class ClientChannel implements ChannelSink {
  private nextId: number;
  private readonly pending = new Map<number, Pending>();
  private closed = false;

  constructor(
    readonly resource: ServedResource,
    readonly channelId: string,
    private readonly connection: ClientConnection,
    private readonly deps: ChannelDeps,
  ) {
    // §5.1: request ids start anywhere below 2^31 and increase; a small random start.
    this.nextId = 1 + Math.floor(Math.random() * 1000);
    connection.register(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }
  get pendingCount(): number {
    return this.pending.size;
  }
  /** Request ids still waiting for a response or a completion. */
  activeRequests(method?: string): number[] {
    return [...this.pending.entries()].filter(([, p]) => !method || p.method === method).map(([id]) => id);
  }

  /** Sends a request; see RequestHandle. */
  request(
    method: MrcpMethod,
    headers: readonly HeaderField[] = [],
    body?: Body,
    opts: RequestOptions = {},
  ): RequestHandle {
    const requestId = this.nextId++;
    let resolveResponse!: (r: MrcpResponse) => void;
    let resolveDone!: (m: RequestEnd) => void;
    let rejectResponse!: (e: MrcpClientError) => void;
    let rejectDone!: (e: MrcpClientError) => void;
    const response = new Promise<MrcpResponse>((res, rej) => {
      resolveResponse = res;
      rejectResponse = rej;
    });
    const done = new Promise<RequestEnd>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    // Nobody may await them (fire-and-forget STOPs): a rejection must not become unhandled.
    quiet(response);
    quiet(done);
    const handle: RequestHandle = { requestId, method, response, done };
    if (this.closed) {
      const e = new MrcpClientError('closed', `${this.channelId} is closed`);
      rejectResponse(e);
      rejectDone(e);
      return handle;
    }
    if (this.pending.size >= this.deps.maxPending) {
      const e = new MrcpClientError('closed', `${this.channelId}: too many requests outstanding`);
      rejectResponse(e);
      rejectDone(e);
      return handle;
    }
    const p: Pending = {
      method,
      timer: undefined,
      responded: false,
      resolveResponse,
      resolveDone,
      reject: (e) => {
        rejectResponse(e);
        rejectDone(e);
      },
      completionMs: opts.completionMs ?? this.deps.completionMs(method),
    };
    this.pending.set(requestId, p);
    p.timer = this.deps.clock.setTimeout(() => this.timeout(requestId, 'response'), this.deps.responseMs);
    bump(this.deps.counters.requests, method);
    const sent = this.connection.send(makeRequest(method, requestId, this.channelId, headers, body));
    if (sent === 'too-large') {
      // Only this request fails; the channel and its session go on.
      if (p.timer !== undefined) this.deps.clock.clearTimeout(p.timer);
      this.pending.delete(requestId);
      p.reject(
        new MrcpClientError(
          'message-too-large',
          `${this.channelId}: ${method} larger than the message size limit`,
        ),
      );
    } else if (sent === 'closed') {
      this.fail(new MrcpClientError('closed', `${this.channelId}: the connection is closed`));
    }
    return handle;
  }

  private timeout(requestId: number, step: 'response' | 'completion'): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    p.timer = undefined;
    this.deps.onTimeoutCounted(step);
    this.deps.logger.warn(`<${this.channelId}> ${p.method} ${requestId}: no ${step} in time`);
    this.fail(
      new MrcpClientError(
        step === 'response' ? 'response-timeout' : 'completion-timeout',
        `${this.channelId}: ${p.method} ${requestId} got no ${step} in ${step === 'response' ? this.deps.responseMs : p.completionMs} ms`,
      ),
    );
  }

  /** Rejects everything on this channel with `e`, then the session tears down. */
  private fail(e: MrcpClientError): void {
    this.close(e);
    this.deps.onFailure(this, e);
  }

  private finish(requestId: number, p: Pending, end: RequestEnd): void {
    if (p.timer !== undefined) this.deps.clock.clearTimeout(p.timer);
    this.pending.delete(requestId);
    p.resolveDone(end);
  }

  /** A message from the server for this channel. */
  receive(msg: MrcpMessage): void {
    if (this.closed) return;
    if (msg.kind === 'response') return this.response(msg);
    if (msg.kind === 'event') {
      bump(this.deps.counters.events, msg.event);
      const cause = getHeader(msg.headers, 'Completion-Cause');
      if (cause.present && cause.ok)
        bump(
          this.deps.counters.causes,
          `${this.resource} ${String(cause.value.code).padStart(3, '0')} ${cause.value.name}`,
        );
      const p = this.pending.get(msg.requestId);
      // IN-PROGRESS events (START-OF-INPUT, SPEECH-MARKER) leave the request waiting.
      if (p && msg.requestState === 'COMPLETE') this.finish(msg.requestId, p, msg);
      this.deps.onEvent(this, msg);
    }
  }

  private response(res: MrcpResponse): void {
    const p = this.pending.get(res.requestId);
    bump(this.deps.counters.responses, `${p?.method ?? 'unknown'} ${res.statusCode}`);
    if (!p || p.responded) {
      count(this.deps.counters.responses, 'unexpected');
      return;
    }
    p.responded = true;
    if (p.timer !== undefined) this.deps.clock.clearTimeout(p.timer);
    p.timer = undefined;
    p.resolveResponse(res);
    // STOP / BARGE-IN-OCCURRED: the requests it lists end here, with no completion event.
    if (p.method === 'STOP' || p.method === 'BARGE-IN-OCCURRED') {
      const list = getHeader(res.headers, 'Active-Request-Id-List');
      if (list.present && list.ok) {
        for (const id of list.value) {
          const q = this.pending.get(id);
          if (q && id !== res.requestId) this.finish(id, q, res);
        }
      }
    }
    if (res.requestState === 'COMPLETE') {
      this.finish(res.requestId, p, res);
      return;
    }
    const id = res.requestId;
    p.timer = this.deps.clock.setTimeout(() => this.timeout(id, 'completion'), p.completionMs);
  }

  /** The TCP connection died. */
  connectionLost(reason: string): void {
    if (this.closed) return;
    this.fail(new MrcpClientError('closed', `${this.channelId}: connection lost (${reason})`));
  }

  /** Rejects everything outstanding and leaves the connection. Idempotent. */
  close(error: MrcpClientError = new MrcpClientError('closed', `${this.channelId} closed`)): void {
    if (this.closed) return;
    this.closed = true;
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer !== undefined) this.deps.clock.clearTimeout(p.timer);
      p.reject(error);
    }
    this.connection.unregister(this);
  }
}
