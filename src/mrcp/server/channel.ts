/**
 * One MRCPv2 control channel on the server (RFC 6787 §4.2 `a=channel:<session>@<resource>`):
 * validates each request (Channel-Identifier §6.2.1, monotonic request ids §5.1, known method,
 * legal header values), answers SET-PARAMS/GET-PARAMS (§6.1), hands the rest to its resource
 * machine, and guarantees exactly one response per request. Requests are processed one at a
 * time in arrival order; a machine that answers asynchronously holds the next request back.
 */
import { makeEvent, makeResponse, type Body } from '../codec/builders.js';
import { firstIllegalHeader, getHeader } from '../codec/header-values.js';
import type { HeaderField, MrcpMessage, MrcpRequest } from '../codec/message.js';
import { isMethod, methodAppliesTo, type RequestState, type ServedResource } from '../codec/tables.js';
import type { EngineRegistry } from '../engines/registry.js';
import { silentLogger, type Clock, type MrcpLogger } from './clock.js';
import {
  bump,
  DEFAULT_LIMITS,
  newCounters,
  type ChannelContext,
  type ChannelLimits,
  type MrcpCounters,
  type Reply,
  type ResourceMachine,
} from './machine.js';
import { ParamStore } from './params.js';
import { RecognizerMachine } from './recog-machine.js';
import { RecorderMachine } from './recorder-machine.js';
import { SynthMachine } from './synth-machine.js';

export interface ChannelOptions {
  sessionId: string;
  resource: ServedResource;
  engines: EngineRegistry;
  clock: Clock;
  /** Every MRCP message this channel sends (responses and events), in order. */
  send: (msg: MrcpMessage) => void;
  logger?: MrcpLogger;
  /** Audio sample rate of the channel's media stream (default 8000) and frame length (20 ms). */
  sampleRate?: number;
  frameMs?: number;
  defaultLanguage?: string;
  limits?: Partial<ChannelLimits>;
  counters?: MrcpCounters;
  /** Called when this channel's recognizer detects input (the session wires local barge-in). */
  onInputStarted?: () => void;
}

export class MrcpChannel {
  readonly channelId: string;
  readonly counters: MrcpCounters;
  private readonly ctx: ChannelContext;
  private readonly machine: ResourceMachine;
  private readonly queue: MrcpRequest[] = [];
  private busy = false;
  private closed = false;
  private lastRequestId = -1;

  constructor(private readonly opts: ChannelOptions) {
    const logger = opts.logger ?? silentLogger;
    const sampleRate = opts.sampleRate ?? 8000;
    this.channelId = `${opts.sessionId}@${opts.resource}`;
    this.counters = opts.counters ?? newCounters();
    const tag = `<${this.channelId}>`;
    const limits = { ...DEFAULT_LIMITS, ...opts.limits };
    this.ctx = {
      sessionId: opts.sessionId,
      resource: opts.resource,
      channelId: this.channelId,
      tag,
      clock: opts.clock,
      logger,
      engines: opts.engines,
      params: new ParamStore(opts.resource),
      limits,
      counters: this.counters,
      sampleRate,
      frameSamples: Math.round((sampleRate * (opts.frameMs ?? 20)) / 1000),
      defaultLanguage: opts.defaultLanguage ?? 'en-US',
      event: (name, requestId, state, headers, body) => this.sendEvent(name, requestId, state, headers, body),
      transition: (from, to, requestId) =>
        logger.debug(
          `${tag} State Transition ${from} -> ${to}`,
          requestId === undefined ? {} : { requestId },
        ),
      inputStarted: () => opts.onInputStarted?.(),
    };
    this.machine =
      opts.resource === 'speechsynth'
        ? new SynthMachine(this.ctx)
        : opts.resource === 'speechrecog'
          ? new RecognizerMachine(this.ctx)
          : new RecorderMachine(this.ctx);
  }

  get state(): string {
    return this.machine.state;
  }

  /** Feeds one received message. Requests are answered through `send`; anything else is counted and dropped. */
  receive(msg: MrcpMessage): void {
    if (this.closed) return;
    if (msg.kind !== 'request') {
      this.ctx.logger.warn(`${this.ctx.tag} dropped a ${msg.kind} sent to the server`);
      return;
    }
    bump(this.counters.requests, msg.method);
    if (this.queue.length >= this.ctx.limits.maxQueue * 2) {
      this.respond(msg, 407, 'COMPLETE', [{ name: 'Completion-Reason', value: 'request queue full' }]);
      return;
    }
    this.queue.push(msg);
    if (!this.busy) this.drain();
  }

  /** The next 20 ms frame of synthesized audio (speechsynth), or undefined when silent. */
  pullAudio(): Int16Array | undefined {
    return this.closed ? undefined : this.machine.pullAudio?.();
  }

  /** A received audio frame (speechrecog, recorder). */
  pushAudio(frame: Int16Array): void {
    if (!this.closed) this.machine.pushAudio?.(frame);
  }

  /** A received DTMF digit (RFC 4733 or in-band), `0-9 * # A-D`. */
  pushDtmf(digit: string): void {
    if (!this.closed) this.machine.pushDtmf?.(digit);
  }

  /** Local barge-in (from a recognizer of the same session). */
  bargeIn(): void {
    if (!this.closed) this.machine.bargeIn?.();
  }

  /** Ends the channel (BYE, re-INVITE removing it, connection loss): cancels engines and timers. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.machine.close();
  }

  private drain(): void {
    while (!this.closed && !this.busy && this.queue.length > 0) {
      const req = this.queue.shift() as MrcpRequest;
      this.busy = true;
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        this.busy = false;
      };
      const r = this.process(req);
      if (r instanceof Promise) {
        r.then(finish, finish).then(
          () => this.drain(),
          () => this.drain(),
        );
        return;
      }
      finish();
    }
  }

  private process(req: MrcpRequest): void | Promise<void> {
    const ch = getHeader(req.headers, 'Channel-Identifier');
    if (!ch.present)
      return this.respond(req, 406, 'COMPLETE', [
        { name: 'Completion-Reason', value: 'Channel-Identifier missing' },
      ]);
    if (!ch.ok || `${ch.value.sessionId}@${ch.value.resource}` !== this.channelId)
      return this.respond(req, 405, 'COMPLETE');
    if (!isMethod(req.method) || !methodAppliesTo(req.method, this.opts.resource))
      return this.respond(req, 401, 'COMPLETE');
    // §5.1: request ids increase monotonically within a channel.
    if (req.requestId <= this.lastRequestId) return this.respond(req, 410, 'COMPLETE');
    this.lastRequestId = req.requestId;
    if (req.method !== 'GET-PARAMS') {
      const bad = firstIllegalHeader(req.headers);
      if (bad)
        return this.respond(req, 404, 'COMPLETE', [{ name: bad.name, value: getRaw(req.headers, bad.name) }]);
    }
    if (req.method === 'SET-PARAMS') {
      const r = this.ctx.params.set(req.headers);
      return this.respond(req, r.status, 'COMPLETE', r.bad ? [r.bad] : []);
    }
    if (req.method === 'GET-PARAMS') {
      return this.respond(req, 200, 'COMPLETE', this.ctx.params.get(req.headers, this.machine.defaults));
    }
    let replied = false;
    const reply: Reply = (status, state, headers, body) => {
      if (replied) {
        this.ctx.logger.error(`${this.ctx.tag} second response to request ${req.requestId} suppressed`);
        return;
      }
      replied = true;
      this.respond(req, status, state, headers, body);
    };
    const fallback = (err?: unknown): void => {
      if (err !== undefined)
        this.ctx.logger.error(`${this.ctx.tag} ${req.method} ${req.requestId} failed: ${String(err)}`);
      if (!replied) reply(501, 'COMPLETE', [{ name: 'Completion-Reason', value: 'internal error' }]);
    };
    try {
      const r = this.machine.handle(req, reply);
      if (r instanceof Promise) return r.then(() => fallback(), fallback);
      fallback();
    } catch (err) {
      fallback(err);
    }
  }

  private respond(
    req: MrcpRequest,
    status: number,
    state: RequestState,
    headers: HeaderField[] = [],
    body?: Body,
  ): void {
    if (this.closed) return;
    bump(this.counters.responses, `${req.method} ${status}`);
    this.opts.send(makeResponse(req.requestId, status, state, this.channelId, headers, body));
  }

  private sendEvent(...[name, requestId, state, headers, body]: Parameters<ChannelContext['event']>): void {
    if (this.closed) return;
    bump(this.counters.events, name);
    const cause = headers?.find((h) => h.name === 'Completion-Cause');
    if (cause) bump(this.counters.causes, `${this.opts.resource} ${cause.value}`);
    this.opts.send(makeEvent(name, requestId, state, this.channelId, headers, body));
  }
}

function getRaw(headers: readonly HeaderField[], name: string): string {
  return headers.find((h) => h.name === name)?.value ?? '';
}
