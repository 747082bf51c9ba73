/**
 * Speech synthesizer resource state machine (RFC 6787 §8).
 *
 *   idle ──SPEAK──▶ speaking ──PAUSE──▶ paused
 *    ▲               │  ▲ └──RESUME──────┘ │
 *    └─ SPEAK-COMPLETE / STOP / BARGE-IN ──┘ (queue empty)
 *
 * SPEAKs queue FIFO: answered IN-PROGRESS when idle, PENDING otherwise; a queued SPEAK that starts
 * gets a SPEECH-MARKER (IN-PROGRESS). STOP and BARGE-IN-OCCURRED list the terminated ids in
 * Active-Request-Id-List and no SPEAK-COMPLETE follows for them (§8.5, §8.10). When a SPEAK fails
 * the ones queued behind it complete with `cancelled` (§8.4.3).
 */
import { formatHeader, getHeader, headerOr } from '../codec/header-values.js';
import { bodyText, type HeaderField, type MrcpRequest } from '../codec/message.js';
import { formatCause, type SynthCause } from '../codec/tables.js';
import {
  EngineError,
  type SpeakJob,
  type SynthesizerEngine,
  type SynthFailure,
  type SynthOutput,
  type SynthTask,
  type SynthControl,
} from '../engines/engine-types.js';
import { AudioQueue, ntpTimestamp } from './audio-queue.js';
import { TimerSlots } from './clock.js';
import { guarded, withDeadline, type ChannelContext, type Reply, type ResourceMachine } from './machine.js';

export type SynthState = 'idle' | 'speaking' | 'paused';

const SPEAK_TYPES = ['text/plain', 'application/ssml+xml', 'text/uri-list'];

interface SpeakEntry {
  requestId: number;
  killOnBargeIn: boolean;
  engine: SynthesizerEngine;
  job: SpeakJob;
  task?: SynthTask;
  audio: AudioQueue;
  ended: boolean;
  markers: { at: number; name: string }[];
  drain?: () => void;
}

export class SynthMachine implements ResourceMachine {
  state: SynthState = 'idle';
  readonly defaults = new Map([
    ['Kill-On-Barge-In', 'true'],
    ['Speech-Language', ''],
  ]);
  private active: SpeakEntry | undefined;
  private readonly pending: SpeakEntry[] = [];
  private readonly timers: TimerSlots<'engine'>;
  private readonly frame: Int16Array;

  constructor(private readonly ctx: ChannelContext) {
    this.timers = new TimerSlots(ctx.clock);
    this.frame = new Int16Array(ctx.frameSamples);
    this.defaults.set('Speech-Language', ctx.defaultLanguage);
  }

  private to(next: SynthState, requestId?: number): void {
    if (next === this.state) return;
    this.ctx.transition(this.state, next, requestId);
    this.state = next;
  }

  private marker(name?: string): HeaderField {
    return formatHeader(
      'Speech-Marker',
      name === undefined
        ? { timestamp: ntpTimestamp(this.ctx.clock.now()) }
        : { timestamp: ntpTimestamp(this.ctx.clock.now()), marker: name },
    );
  }

  handle(req: MrcpRequest, reply: Reply): void | Promise<void> {
    switch (req.method) {
      case 'SPEAK':
        return this.speak(req, reply);
      case 'STOP':
        return this.stop(req, reply);
      case 'PAUSE':
        if (this.state !== 'speaking' || !this.active) return reply(402, 'COMPLETE');
        this.to('paused', req.requestId);
        return reply(200, 'COMPLETE', [formatHeader('Active-Request-Id-List', [this.active.requestId])]);
      case 'RESUME':
        if (this.state !== 'paused' || !this.active) return reply(402, 'COMPLETE');
        this.to('speaking', req.requestId);
        return reply(200, 'COMPLETE', [formatHeader('Active-Request-Id-List', [this.active.requestId])]);
      case 'BARGE-IN-OCCURRED':
        return this.bargeInOccurred(req, reply);
      case 'CONTROL':
        return this.control(req, reply);
      case 'DEFINE-LEXICON':
        return this.defineLexicon(req, reply);
      default:
        return reply(401, 'COMPLETE');
    }
  }

  private speak(req: MrcpRequest, reply: Reply): void {
    const ct = getHeader(req.headers, 'Content-Type');
    if (!ct.present || req.body.length === 0)
      return reply(406, 'COMPLETE', [
        { name: 'Completion-Reason', value: 'SPEAK needs a body with Content-Type' },
      ]);
    if (!ct.ok || !SPEAK_TYPES.includes(ct.value.mediaType))
      return reply(409, 'COMPLETE', [
        {
          name: 'Content-Type',
          value: req.headers.find((h) => h.name.toLowerCase() === 'content-type')?.value ?? '',
        },
      ]);
    const params = this.ctx.params.effective(req.headers);
    const language = headerOr(params, 'Speech-Language', '') || this.ctx.defaultLanguage;
    const engine = this.ctx.engines.synthesizer(language);
    if (!engine)
      return reply(407, 'COMPLETE', [
        { name: 'Completion-Cause', value: formatCause('speechsynth', 'language-unsupported') },
      ]);
    if (!engine.contentTypes.includes(ct.value.mediaType))
      return reply(409, 'COMPLETE', [{ name: 'Content-Type', value: ct.value.mediaType }]);
    if (this.pending.length >= this.ctx.limits.maxQueue)
      return reply(407, 'COMPLETE', [{ name: 'Completion-Reason', value: 'SPEAK queue full' }]);
    const entry: SpeakEntry = {
      requestId: req.requestId,
      killOnBargeIn: headerOr(params, 'Kill-On-Barge-In', true),
      engine,
      job: {
        channelId: this.ctx.channelId,
        requestId: req.requestId,
        sampleRate: this.ctx.sampleRate,
        language,
        params,
        vendor: this.ctx.params.vendorParams(req.headers),
        contentType: ct.value.mediaType,
        body: req.body,
        text: bodyText(req),
      },
      audio: new AudioQueue(Math.round((this.ctx.sampleRate * this.ctx.limits.maxBufferedAudioMs) / 1000)),
      ended: false,
      markers: [],
    };
    if (this.state === 'idle') {
      reply(200, 'IN-PROGRESS', [this.marker()]);
      this.activate(entry, false);
    } else {
      reply(200, 'PENDING');
      this.pending.push(entry);
    }
  }

  private activate(entry: SpeakEntry, fromQueue: boolean): void {
    this.active = entry;
    this.to('speaking', entry.requestId);
    if (fromQueue) this.ctx.event('SPEECH-MARKER', entry.requestId, 'IN-PROGRESS', [this.marker()]);
    const live = (): boolean => this.active === entry;
    const out: SynthOutput = {
      write: (samples) => {
        if (!live() || entry.ended) return false;
        entry.audio.write(samples);
        if (entry.audio.full) {
          this.timers.clear('engine'); // waiting for playout, not for the engine
          return false;
        }
        this.armWatchdog(entry);
        return true;
      },
      onDrain: (cb) => {
        if (live()) entry.drain = cb;
      },
      marker: (name) => {
        if (live()) entry.markers.push({ at: entry.audio.written, name });
      },
      end: () => {
        if (!live()) return;
        entry.ended = true;
        this.timers.clear('engine');
      },
      fail: (cause, reason) => {
        if (live()) this.fail(entry, cause, reason);
      },
    };
    this.armWatchdog(entry);
    try {
      entry.task = entry.engine.speak(entry.job, out);
    } catch (err) {
      this.ctx.counters.engineFailures++;
      if (live())
        this.fail(
          entry,
          err instanceof EngineError ? (err.completionCause as SynthFailure) : 'error',
          String((err as Error).message ?? err),
        );
    }
  }

  private armWatchdog(entry: SpeakEntry): void {
    this.timers.set('engine', this.ctx.limits.engineTimeoutMs, () => {
      if (this.active !== entry) return;
      this.ctx.counters.engineFailures++;
      this.ctx.logger.warn(
        `${this.ctx.tag} synthesizer ${entry.engine.name} stalled on SPEAK ${entry.requestId}`,
      );
      this.fail(entry, 'error', 'synthesizer timed out');
    });
  }

  /** The active SPEAK failed: complete it with `cause`, cancel everything queued behind it. */
  private fail(entry: SpeakEntry, cause: SynthFailure, reason?: string): void {
    this.release(entry);
    const headers: HeaderField[] = [{ name: 'Completion-Cause', value: formatCause('speechsynth', cause) }];
    if (reason)
      headers.push({ name: 'Completion-Reason', value: reason.replace(/[\r\n]+/g, ' ').slice(0, 200) });
    this.ctx.event('SPEAK-COMPLETE', entry.requestId, 'COMPLETE', headers);
    for (const p of this.pending.splice(0)) this.complete(p, 'cancelled');
    this.to('idle', entry.requestId);
  }

  private complete(entry: SpeakEntry, cause: SynthCause): void {
    this.ctx.event('SPEAK-COMPLETE', entry.requestId, 'COMPLETE', [
      { name: 'Completion-Cause', value: formatCause('speechsynth', cause) },
      this.marker(),
    ]);
  }

  /** Cancels the entry's engine task and forgets it (no callback of it has effect afterwards). */
  private release(entry: SpeakEntry): void {
    if (this.active === entry) this.active = undefined;
    this.timers.clear('engine');
    entry.audio.clear();
    try {
      entry.task?.cancel();
    } catch (err) {
      this.ctx.logger.warn(`${this.ctx.tag} synthesizer cancel threw: ${String(err)}`);
    }
  }

  private next(requestId: number): void {
    const n = this.pending.shift();
    if (n) this.activate(n, true);
    else this.to('idle', requestId);
  }

  pullAudio(): Int16Array | undefined {
    const e = this.active;
    if (this.state !== 'speaking' || !e) return undefined;
    const n = e.audio.read(this.frame);
    while (e.markers.length > 0 && (e.markers[0] as { at: number }).at <= e.audio.played) {
      const m = e.markers.shift() as { name: string };
      this.ctx.event('SPEECH-MARKER', e.requestId, 'IN-PROGRESS', [this.marker(m.name)]);
    }
    if (e.drain && e.audio.length <= e.audio.capacity / 2) {
      const cb = e.drain;
      e.drain = undefined;
      this.armWatchdog(e);
      cb();
    }
    if (e.ended && e.audio.length === 0 && this.active === e) {
      this.release(e);
      this.complete(e, 'normal');
      this.next(e.requestId);
    }
    return n > 0 ? this.frame : undefined;
  }

  private stop(req: MrcpRequest, reply: Reply): void {
    const list = getHeader(req.headers, 'Active-Request-Id-List');
    const wanted = list.present && list.ok ? new Set(list.value) : undefined;
    const hit = (id: number): boolean => wanted === undefined || wanted.has(id);
    const stopped: number[] = [];
    const active = this.active;
    const activeStopped = active !== undefined && hit(active.requestId);
    if (active && activeStopped) stopped.push(active.requestId);
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i] as SpeakEntry;
      if (hit(p.requestId)) {
        stopped.push(p.requestId);
        this.pending.splice(i, 1);
      } else i++;
    }
    if (active && activeStopped) this.release(active);
    reply(200, 'COMPLETE', stopped.length ? [formatHeader('Active-Request-Id-List', stopped)] : []);
    if (active && activeStopped) this.next(req.requestId);
  }

  private bargeInOccurred(req: MrcpRequest, reply: Reply): void {
    const a = this.active;
    if (!a || !a.killOnBargeIn) return reply(200, 'COMPLETE');
    const ids = [a.requestId, ...this.pending.map((p) => p.requestId)];
    this.pending.length = 0;
    this.release(a);
    reply(200, 'COMPLETE', [formatHeader('Active-Request-Id-List', ids)]);
    this.to('idle', req.requestId);
  }

  /** Local barge-in (recognizer of the same session): SPEAK-COMPLETE `barge-in` for what it kills. */
  bargeIn(): void {
    const a = this.active;
    if (!a || !a.killOnBargeIn) return;
    this.release(a);
    this.complete(a, 'barge-in');
    for (const p of this.pending.splice(0)) this.complete(p, 'barge-in');
    this.to('idle', a.requestId);
  }

  private control(req: MrcpRequest, reply: Reply): void {
    const a = this.active;
    if (!a) return reply(402, 'COMPLETE');
    const restart = headerOr(req.headers, 'Speak-Restart', false);
    const jump = getHeader(req.headers, 'Jump-Size');
    if (restart || jump.present) {
      const c: SynthControl = { playedSamples: a.audio.played };
      if (restart) c.restart = true;
      if (jump.present && jump.ok) c.jump = jump.value;
      let done = false;
      try {
        done = a.task?.control?.(c) ?? false;
      } catch (err) {
        this.ctx.logger.warn(`${this.ctx.tag} synthesizer control threw: ${String(err)}`);
      }
      if (!done)
        return reply(409, 'COMPLETE', [
          {
            name: restart ? 'Speak-Restart' : 'Jump-Size',
            value: restart ? 'true' : jump.present && jump.ok ? jump.value : '',
          },
        ]);
      // Audio already queued belongs to the old position; the engine writes anew (§8.8).
      a.audio.clear();
      a.markers.length = 0;
      a.ended = false;
      a.drain = undefined;
      this.armWatchdog(a);
    }
    reply(200, 'COMPLETE', [formatHeader('Active-Request-Id-List', [a.requestId])]);
  }

  private async defineLexicon(req: MrcpRequest, reply: Reply): Promise<void> {
    if (this.state !== 'idle') return reply(402, 'COMPLETE');
    const ct = getHeader(req.headers, 'Content-Type');
    if (!ct.present || !ct.ok || req.body.length === 0) return reply(406, 'COMPLETE');
    const language =
      headerOr(this.ctx.params.effective(req.headers), 'Speech-Language', '') || this.ctx.defaultLanguage;
    const engine = this.ctx.engines.synthesizer(language);
    if (!engine?.defineLexicon)
      return reply(200, 'COMPLETE', [
        { name: 'Completion-Cause', value: formatCause('speechsynth', 'normal') },
      ]);
    const id = getHeader(req.headers, 'Content-ID');
    const lexicon: { contentType: string; contentId?: string; body: Uint8Array } = {
      contentType: ct.value.mediaType,
      body: req.body,
    };
    if (id.present && id.ok) lexicon.contentId = id.value;
    try {
      const define = engine.defineLexicon.bind(engine);
      await withDeadline(
        this.ctx.clock,
        this.ctx.limits.engineTimeoutMs,
        guarded(() => define(lexicon)),
        () => new Error('lexicon load timed out'),
      );
      reply(200, 'COMPLETE', [{ name: 'Completion-Cause', value: formatCause('speechsynth', 'normal') }]);
    } catch (err) {
      reply(407, 'COMPLETE', [
        { name: 'Completion-Cause', value: formatCause('speechsynth', 'lexicon-load-failure') },
        { name: 'Completion-Reason', value: String((err as Error).message).slice(0, 200) },
      ]);
    }
  }

  close(): void {
    const a = this.active;
    if (a) this.release(a);
    this.pending.length = 0;
    this.timers.clearAll();
  }
}
