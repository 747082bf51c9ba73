/**
 * What the call layer holds: one speech session per call, reused across verbs (say, gather,
 * record) and closed on hangup. Underneath it is one MRCP session with every resource, or one
 * per resource when the server wants that (FreeSWITCH/Asterisk style) — the same API either way.
 *
 * Methods send one request and return its `response` and `done` promises; `done` resolves with a
 * typed result (completion cause, NLSML, record URI) or rejects with a coded MrcpClientError.
 * Events also reach the typed callbacks in `events`. Audio: `sendAudio` (caller → recognizer and
 * recorder), `sendDigits` (RFC 4733 → recognizer), `events.onAudio` (synthesizer → caller).
 * Barge-in: when the recognizer reports START-OF-INPUT while a SPEAK runs, the session sends
 * BARGE-IN-OCCURRED to the synthesizer (`autoBargeIn`), which stops a Kill-On-Barge-In prompt.
 */
import type { Body } from '../codec/builders.js';
import { getHeader } from '../codec/header-values.js';
import {
  headerList,
  headerValue,
  type HeaderField,
  type MrcpEvent,
  type MrcpResponse,
} from '../codec/message.js';
import type { MrcpMethod, ServedResource } from '../codec/tables.js';
import { observe, type MrcpNetCounters } from '../net/metrics.js';
import type { Clock, MrcpLogger } from '../server/clock.js';
import type { ClientChannel, RequestEnd, RequestHandle, RequestOptions } from './client-channel.js';
import { MrcpClientError } from './client-errors.js';
import type { ClientSession } from './client-session.js';
import {
  completionOf,
  recognizeResultOf,
  recordResultOf,
  type CompletionResult,
  type RecognizeResult,
  type RecordResult,
  type SpeakResult,
} from './results.js';

export interface SpeechSessionEvents {
  onSpeechMarker?(e: { requestId: number; marker: string | undefined; event: MrcpEvent }): void;
  onSpeakComplete?(r: SpeakResult): void;
  onStartOfInput?(e: { resource: ServedResource; requestId: number; inputType: string | undefined }): void;
  onRecognitionComplete?(r: RecognizeResult): void;
  onInterpretationComplete?(r: RecognizeResult): void;
  onRecordComplete?(r: RecordResult): void;
  /** Every event, raw, after its typed callback. */
  onEvent?(resource: ServedResource, e: MrcpEvent): void;
  /** A 20 ms PCM frame of synthesized audio (a reused buffer: copy what you keep). */
  onAudio?(frame: Int16Array): void;
  /** The session ended; everything pending was rejected. */
  onClosed?(reason: string): void;
}

export interface Handle<R> {
  readonly requestId: number;
  readonly response: Promise<MrcpResponse>;
  readonly done: Promise<R>;
}

export type Headers = Readonly<Record<string, string>> | readonly HeaderField[];

export interface SpeakOptions {
  /** text/plain (default), application/ssml+xml or text/uri-list. */
  contentType?: string;
  headers?: Headers;
  completionMs?: number;
}

export interface RecognizeOptions {
  /** Grammar URIs (`builtin:...`, `session:...`, http...); with `weights`, a text/grammar-ref-list. */
  uris?: readonly string[];
  weights?: readonly number[];
  /** An inline grammar (SRGS XML or ABNF); `contentId` makes it `session:<id>` for later requests. */
  grammar?: { body: string; contentType: string; contentId?: string };
  /** false: the no-input timer waits for startInputTimers() (the barge-in pattern, §9.4.14). */
  startInputTimers?: boolean;
  headers?: Headers;
  completionMs?: number;
}

export interface SpeechSessionOptions {
  clock: Clock;
  logger: MrcpLogger;
  counters: MrcpNetCounters;
  autoBargeIn: boolean;
  maxQueuedFrames: number;
  callId?: string;
  server: string;
  /** The owner's bookkeeping, called once when the session ends. */
  onEnded?: (s: MrcpSpeechSession) => void;
}

const quiet = <T>(p: Promise<T>): Promise<T> => {
  p.catch(() => undefined);
  return p;
};

function toHeaders(h: Headers | undefined): HeaderField[] {
  if (!h) return [];
  if (Array.isArray(h)) return [...(h as readonly HeaderField[])];
  return Object.entries(h as Record<string, string>).map(([name, value]) => ({ name, value }));
}

/** Whether a frame carries more than codec noise (G.711 silence decodes to ±8). */
function audible(f: Int16Array): boolean {
  for (let i = 0; i < f.length; i++) {
    const v = f[i] as number;
    if (v > 64 || v < -64) return true;
  }
  return false;
}

/** A bounded queue of caller frames towards one MRCP session's RTP stream (buffers reused). */
class FrameQueue {
  private readonly ring: Int16Array[] = [];
  private head = 0;
  private size = 0;
  dropped = 0;
  constructor(
    private readonly capacity: number,
    private readonly samples: number,
  ) {
    for (let i = 0; i < capacity; i++) this.ring.push(new Int16Array(samples));
  }
  push(frame: Int16Array): boolean {
    if (frame.length !== this.samples) return false;
    if (this.size === this.capacity) {
      this.head = (this.head + 1) % this.capacity;
      this.size--;
      this.dropped++;
    }
    (this.ring[(this.head + this.size) % this.capacity] as Int16Array).set(frame);
    this.size++;
    return true;
  }
  shift(): Int16Array | undefined {
    if (this.size === 0) return undefined;
    const f = this.ring[this.head] as Int16Array;
    this.head = (this.head + 1) % this.capacity;
    this.size--;
    return f;
  }
}

export class MrcpSpeechSession {
  events: SpeechSessionEvents = {};
  readonly callId: string | undefined;
  /** The server (`<pool>/<server>`) the session runs on. */
  readonly server: string;
  private readonly byResource = new Map<ServedResource, ClientSession>();
  private readonly inputs: { part: ClientSession; queue: FrameQueue }[] = [];
  private closed = false;
  private speakAt: number | undefined;
  private readonly recognizeAt = new Map<number, number>();

  constructor(
    private readonly parts: readonly ClientSession[],
    private readonly opts: SpeechSessionOptions,
  ) {
    this.callId = opts.callId;
    this.server = opts.server;
    for (const p of parts) for (const r of p.channels.keys()) this.byResource.set(r, p);
    this.wireAudio();
  }

  private wireAudio(): void {
    this.inputs.length = 0;
    const synth = this.byResource.get('speechsynth');
    const inputs = new Set([this.byResource.get('speechrecog'), this.byResource.get('recorder')]);
    for (const p of this.parts) {
      const a = p.audio;
      if (!a) continue;
      const queue = new FrameQueue(this.opts.maxQueuedFrames, (a.sampleRate * 20) / 1000);
      if (inputs.has(p)) this.inputs.push({ part: p, queue });
      a.handlers = {
        ...(p === synth ? { onFrame: (f: Int16Array) => this.audioIn(f) } : {}),
        ...(inputs.has(p) ? { nextFrame: () => queue.shift() } : {}),
      };
    }
  }

  private audioIn(f: Int16Array): void {
    // Frames arrive every tick (silence between prompts): first audio is the first non-silent one.
    if (this.speakAt !== undefined && audible(f)) {
      observe(this.opts.counters.firstAudio, (this.opts.clock.now() - this.speakAt) / 1000);
      this.speakAt = undefined;
    }
    this.events.onAudio?.(f);
  }

  get isClosed(): boolean {
    return this.closed;
  }
  get resources(): ServedResource[] {
    return [...this.byResource.keys()];
  }
  /** PCM rate of the audio towards the recognizer (8000, or 16000 with G.722 / L16/16000). */
  get sampleRate(): number {
    return this.parts[0]?.audio?.sampleRate ?? 8000;
  }

  /** The channel of a resource (for requests this API does not wrap). */
  channel(resource: ServedResource): ClientChannel {
    const ch = this.byResource.get(resource)?.channels.get(resource);
    if (!ch) throw new MrcpClientError('unknown-resource', `no ${resource} channel in this session`);
    return ch;
  }

  /** Any request on any channel. */
  request(
    resource: ServedResource,
    method: MrcpMethod,
    headers?: Headers,
    body?: Body,
    opts?: RequestOptions,
  ): RequestHandle {
    if (this.closed) throw new MrcpClientError('closed', 'the speech session is closed');
    return this.channel(resource).request(method, toHeaders(headers), body, opts);
  }

  private simple(
    resource: ServedResource,
    method: MrcpMethod,
    headers?: Headers,
    body?: Body,
  ): Promise<MrcpResponse> {
    return quiet(this.request(resource, method, headers, body).response);
  }

  private typed<R>(h: RequestHandle, map: (id: number, end: RequestEnd) => R): Handle<R> {
    return {
      requestId: h.requestId,
      response: h.response,
      done: quiet(h.done.then((end) => map(h.requestId, end))),
    };
  }

  // --- generic (§6.1) ---

  setParams(resource: ServedResource, headers: Headers): Promise<MrcpResponse> {
    return this.simple(resource, 'SET-PARAMS', headers);
  }
  /** GET-PARAMS: the response carries the values of the headers named (empty values). */
  getParams(resource: ServedResource, names: readonly string[]): Promise<MrcpResponse> {
    return this.simple(
      resource,
      'GET-PARAMS',
      names.map((name) => ({ name, value: '' })),
    );
  }

  // --- synthesizer (§8) ---

  speak(content: string, o: SpeakOptions = {}): Handle<SpeakResult> {
    const ch = this.channel('speechsynth');
    const idle = ch.activeRequests('SPEAK').length === 0;
    const h = this.request(
      'speechsynth',
      'SPEAK',
      [...toHeaders(o.headers), { name: 'Content-Type', value: o.contentType ?? 'text/plain' }],
      content,
      o.completionMs !== undefined ? { completionMs: o.completionMs } : {},
    );
    if (idle) this.speakAt = this.opts.clock.now();
    return this.typed(h, (id, end) => completionOf(id, end));
  }
  stopSpeaking(): Promise<MrcpResponse> {
    this.speakAt = undefined;
    return this.simple('speechsynth', 'STOP');
  }
  pause(): Promise<MrcpResponse> {
    return this.simple('speechsynth', 'PAUSE');
  }
  resume(): Promise<MrcpResponse> {
    return this.simple('speechsynth', 'RESUME');
  }
  bargeInOccurred(): Promise<MrcpResponse> {
    this.speakAt = undefined;
    return this.simple('speechsynth', 'BARGE-IN-OCCURRED');
  }
  /** CONTROL (§8.8): e.g. `{ 'Jump-Size': '+2 Seconds' }` or `{ 'Speak-Restart': 'true' }`. */
  control(headers: Headers): Promise<MrcpResponse> {
    return this.simple('speechsynth', 'CONTROL', headers);
  }
  defineLexicon(body: string, contentType: string, contentId?: string): Promise<CompletionResult> {
    const h = this.request(
      'speechsynth',
      'DEFINE-LEXICON',
      headerList([
        ['Content-Type', contentType],
        ['Content-ID', contentId],
      ]),
      body,
    );
    return quiet(h.done.then((end) => completionOf(h.requestId, end)));
  }

  // --- recognizer (§9) ---

  /** DEFINE-GRAMMAR (§9.8): the grammar becomes `session:<contentId>`. */
  defineGrammar(
    contentId: string,
    body: string,
    contentType = 'application/srgs+xml',
  ): Promise<CompletionResult> {
    const h = this.request(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        { name: 'Content-Type', value: contentType },
        { name: 'Content-ID', value: contentId },
      ],
      body,
    );
    return quiet(h.done.then((end) => completionOf(h.requestId, end)));
  }

  recognize(o: RecognizeOptions): Handle<RecognizeResult> {
    const headers = toHeaders(o.headers);
    if (o.startInputTimers !== undefined)
      headers.push({ name: 'Start-Input-Timers', value: String(o.startInputTimers) });
    let body: string;
    if (o.grammar) {
      body = o.grammar.body;
      headers.push({ name: 'Content-Type', value: o.grammar.contentType });
      if (o.grammar.contentId) headers.push({ name: 'Content-ID', value: o.grammar.contentId });
    } else if (o.uris && o.weights) {
      body = o.uris.map((u, i) => `<${u}>;weight="${o.weights?.[i] ?? 1}"`).join('\r\n');
      headers.push({ name: 'Content-Type', value: 'text/grammar-ref-list' });
    } else {
      body = (o.uris ?? []).join('\r\n');
      headers.push({ name: 'Content-Type', value: 'text/uri-list' });
    }
    const h = this.request(
      'speechrecog',
      'RECOGNIZE',
      headers,
      body,
      o.completionMs !== undefined ? { completionMs: o.completionMs } : {},
    );
    if (this.recognizeAt.size >= 32) this.recognizeAt.clear();
    this.recognizeAt.set(h.requestId, this.opts.clock.now());
    return this.typed(h, recognizeResultOf);
  }
  /** INTERPRET (§9.13): text against grammars (URIs). */
  interpret(text: string, uris: readonly string[]): Handle<RecognizeResult> {
    const h = this.request(
      'speechrecog',
      'INTERPRET',
      [
        { name: 'Interpret-Text', value: text },
        { name: 'Content-Type', value: 'text/uri-list' },
      ],
      uris.join('\r\n'),
    );
    return this.typed(h, recognizeResultOf);
  }
  /** GET-RESULT (§9.10): the last result again (e.g. with another Confidence-Threshold). */
  getResult(headers?: Headers): Promise<RecognizeResult> {
    const h = this.request('speechrecog', 'GET-RESULT', headers);
    return quiet(h.done.then((end) => recognizeResultOf(h.requestId, end)));
  }
  startInputTimers(resource: 'speechrecog' | 'recorder' = 'speechrecog'): Promise<MrcpResponse> {
    return this.simple(resource, 'START-INPUT-TIMERS');
  }
  stopRecognition(): Promise<MrcpResponse> {
    return this.simple('speechrecog', 'STOP');
  }

  // --- recorder (§10) ---

  record(o: { headers?: Headers; completionMs?: number } = {}): Handle<RecordResult> {
    const h = this.request(
      'recorder',
      'RECORD',
      o.headers,
      undefined,
      o.completionMs !== undefined ? { completionMs: o.completionMs } : {},
    );
    return this.typed(h, recordResultOf);
  }
  stopRecording(): Promise<MrcpResponse> {
    return this.simple('recorder', 'STOP');
  }

  // --- audio ---

  /** Queues a caller frame (20 ms at `sampleRate`) towards the recognizer/recorder; false if refused. */
  sendAudio(frame: Int16Array): boolean {
    if (this.closed) return false;
    let ok = this.inputs.length > 0;
    for (const i of this.inputs) ok = i.queue.push(frame) && ok;
    return ok;
  }
  /** RFC 4733 digits towards the recognizer. */
  sendDigits(digits: string): boolean {
    if (this.closed) return false;
    return this.byResource.get('speechrecog')?.audio?.sendDigits(digits) ?? false;
  }

  // --- resources (re-INVITE) ---

  /** Adds a resource to the session with a re-INVITE (on the recognizer's or first session). */
  async addResource(resource: ServedResource): Promise<void> {
    if (this.byResource.has(resource)) return;
    const part = this.parts[0];
    if (!part || this.closed) throw new MrcpClientError('closed', 'the speech session is closed');
    await part.update([...part.channels.keys(), resource]);
    this.byResource.set(resource, part);
    this.wireAudio();
  }
  /** Removes a resource (port 0 in a re-INVITE, §4.2). */
  async removeResource(resource: ServedResource): Promise<void> {
    const part = this.byResource.get(resource);
    if (!part) return;
    const rest = [...part.channels.keys()].filter((r) => r !== resource);
    await part.update(rest);
    this.byResource.delete(resource);
    this.wireAudio();
  }

  // --- events from the parts ---

  /** @internal */
  event(channel: ClientChannel, e: MrcpEvent): void {
    const resource = channel.resource;
    try {
      switch (e.event) {
        case 'SPEECH-MARKER': {
          const m = getHeader(e.headers, 'Speech-Marker');
          this.events.onSpeechMarker?.({
            requestId: e.requestId,
            marker: m.present && m.ok ? m.value.marker : undefined,
            event: e,
          });
          break;
        }
        case 'SPEAK-COMPLETE':
          this.speakAt = undefined;
          this.events.onSpeakComplete?.(completionOf(e.requestId, e));
          break;
        case 'START-OF-INPUT':
          if (resource === 'speechrecog' && this.opts.autoBargeIn) this.bargeIn();
          this.events.onStartOfInput?.({
            resource,
            requestId: e.requestId,
            inputType: headerValue(e.headers, 'Input-Type'),
          });
          break;
        case 'RECOGNITION-COMPLETE': {
          const t = this.recognizeAt.get(e.requestId);
          if (t !== undefined)
            observe(this.opts.counters.recognitionTime, (this.opts.clock.now() - t) / 1000);
          this.recognizeAt.delete(e.requestId);
          this.events.onRecognitionComplete?.(recognizeResultOf(e.requestId, e));
          break;
        }
        case 'INTERPRETATION-COMPLETE':
          this.events.onInterpretationComplete?.(recognizeResultOf(e.requestId, e));
          break;
        case 'RECORD-COMPLETE':
          this.events.onRecordComplete?.(recordResultOf(e.requestId, e));
          break;
      }
      this.events.onEvent?.(resource, e);
    } catch (err) {
      this.opts.logger.error(`<${channel.channelId}> event callback threw: ${String(err)}`, this.fields());
    }
  }

  /** START-OF-INPUT while a prompt plays: tell the synthesizer (§8.10), once per prompt. */
  private bargeIn(): void {
    const synth = this.byResource.get('speechsynth')?.channels.get('speechsynth');
    if (!synth || synth.isClosed || synth.activeRequests('SPEAK').length === 0) return;
    if (synth.activeRequests('BARGE-IN-OCCURRED').length > 0) return;
    void this.bargeInOccurred();
  }

  private fields(): Record<string, unknown> {
    return this.callId ? { callId: this.callId } : {};
  }

  /** @internal one of the underlying sessions ended: the speech session ends with it. */
  partClosed(part: ClientSession, reason: string): void {
    if (this.closed) return;
    this.close(reason, part);
  }

  /** Ends every underlying session (BYE), rejecting whatever is pending. Idempotent. */
  close(reason = 'closed by the application', from?: ClientSession): void {
    if (this.closed) return;
    this.closed = true;
    this.recognizeAt.clear();
    for (const p of this.parts) if (p !== from) p.close(reason);
    this.opts.onEnded?.(this);
    try {
      this.events.onClosed?.(reason);
    } catch (err) {
      this.opts.logger.error(`onClosed callback threw: ${String(err)}`, this.fields());
    }
  }
}
