/**
 * Speech recognizer resource state machine (RFC 6787 §9).
 *
 *   idle ──RECOGNIZE──▶ recognizing ──RECOGNITION-COMPLETE──▶ recognized
 *    ▲  ◀──STOP / no-input / error──┘ ◀──────RECOGNIZE───────────┘
 *    └──INTERPRET──▶ interpreting ──INTERPRETATION-COMPLETE──▶ idle
 *
 * The machine owns the protocol and every timer (no-input, recognition, speech-complete,
 * speech-incomplete, DTMF interdigit and term); the engine owns audio analysis and grammar
 * matching and reports start of input and match state through a listener.
 */
import { formatHeader, getHeader, headerOr } from '../codec/header-values.js';
import type { MrcpRequest } from '../codec/message.js';
import { formatCause, type RecogCause } from '../codec/tables.js';
import {
  EngineError,
  type RecogFailure,
  type RecognitionListener,
  type RecognitionOutcome,
  type RecognizeJob,
  type RecognizerEngine,
  type RecognizerTask,
} from '../engines/engine-types.js';
import { TimerSlots } from './clock.js';
import { contentId, GrammarStore, INLINE_GRAMMAR_TYPES } from './grammars.js';
import { guarded, withDeadline, type ChannelContext, type Reply, type ResourceMachine } from './machine.js';
import {
  completionFor,
  completionMessage,
  filterOutcome,
  isResult,
  isSuccess,
  type FinishReason,
  type RecogCompletion,
} from './recog-results.js';

export type RecogState = 'idle' | 'recognizing' | 'recognized' | 'interpreting';
type Timer =
  'no-input' | 'recognition' | 'speech-complete' | 'speech-incomplete' | 'interdigit' | 'term' | 'engine';

interface Recognition {
  requestId: number;
  engine: RecognizerEngine;
  job: RecognizeJob;
  task?: RecognizerTask;
  cancelIfQueue: boolean;
  clearDtmf: boolean;
  timersStarted: boolean;
  inputStarted: boolean;
  finishing?: FinishReason;
}

const ms = (
  h: RecognizeJob['params'],
  name:
    | 'No-Input-Timeout'
    | 'Recognition-Timeout'
    | 'Speech-Complete-Timeout'
    | 'Speech-Incomplete-Timeout'
    | 'DTMF-Interdigit-Timeout'
    | 'DTMF-Term-Timeout',
  d: number,
): number => headerOr(h, name, d);

export class RecognizerMachine implements ResourceMachine {
  state: RecogState = 'idle';
  readonly defaults = new Map([
    ['No-Input-Timeout', '5000'],
    ['Recognition-Timeout', '10000'],
    ['Speech-Complete-Timeout', '1000'],
    ['Speech-Incomplete-Timeout', '3000'],
    ['DTMF-Interdigit-Timeout', '5000'],
    ['DTMF-Term-Timeout', '0'],
    ['Confidence-Threshold', '0.5'],
    ['N-Best-List-Length', '1'],
    ['Recognition-Mode', 'normal'],
    ['Start-Input-Timers', 'true'],
    ['DTMF-Buffer-Time', '0'],
  ]);
  private active: Recognition | undefined;
  private readonly pending: Recognition[] = [];
  private readonly timers: TimerSlots<Timer>;
  private readonly grammars: GrammarStore;
  private dtmfBuffer: { digit: string; at: number }[] = [];
  private lastResult: RecognitionOutcome | undefined;
  private lastGrammar: string | undefined;
  private interpretToken: object | undefined;
  private interpretId = 0;

  constructor(private readonly ctx: ChannelContext) {
    this.timers = new TimerSlots(ctx.clock);
    this.grammars = new GrammarStore(ctx.limits.maxGrammars, ctx.limits.maxGrammarBytes);
  }

  private to(next: RecogState, requestId?: number): void {
    if (next === this.state) return;
    this.ctx.transition(this.state, next, requestId);
    this.state = next;
  }

  handle(req: MrcpRequest, reply: Reply): void | Promise<void> {
    switch (req.method) {
      case 'DEFINE-GRAMMAR':
        return this.defineGrammar(req, reply);
      case 'RECOGNIZE':
        return this.recognize(req, reply);
      case 'START-INPUT-TIMERS': {
        const a = this.active;
        if (this.state !== 'recognizing' || !a) return reply(402, 'COMPLETE');
        reply(200, 'COMPLETE');
        if (!a.timersStarted) {
          a.timersStarted = true;
          if (a.task && !a.inputStarted) this.armNoInput(a);
        }
        return;
      }
      case 'GET-RESULT':
        return this.getResult(req, reply);
      case 'STOP':
        return this.stop(req, reply);
      case 'INTERPRET':
        return this.interpret(req, reply);
      default:
        return reply(401, 'COMPLETE');
    }
  }

  private language(req: MrcpRequest): string {
    return (
      headerOr(this.ctx.params.effective(req.headers), 'Speech-Language', '') || this.ctx.defaultLanguage
    );
  }

  private async defineGrammar(req: MrcpRequest, reply: Reply): Promise<void> {
    const id = getHeader(req.headers, 'Content-ID');
    const ct = getHeader(req.headers, 'Content-Type');
    if (!id.present || !ct.present || req.body.length === 0)
      return reply(406, 'COMPLETE', [
        { name: 'Completion-Reason', value: 'DEFINE-GRAMMAR needs Content-ID, Content-Type and a body' },
      ]);
    if (!id.ok || !ct.ok || !INLINE_GRAMMAR_TYPES.includes(ct.value.mediaType))
      return reply(409, 'COMPLETE', [{ name: 'Content-Type', value: ct.ok ? ct.value.mediaType : '' }]);
    if (req.body.length > this.ctx.limits.maxGrammarBytes)
      return this.failCause(reply, 'grammar-definition-failure', 'grammar too large');
    const engine = this.ctx.engines.recognizer(this.language(req));
    if (!engine) return this.failCause(reply, 'language-unsupported');
    const key = contentId(id.value);
    const g = {
      ref: `session:${key}`,
      contentType: ct.value.mediaType,
      text: Buffer.from(req.body).toString('utf8'),
      weight: 1,
    };
    try {
      if (engine.defineGrammar) {
        const define = engine.defineGrammar.bind(engine);
        await withDeadline(
          this.ctx.clock,
          this.ctx.limits.engineTimeoutMs,
          guarded(() => define(g)),
          () => new EngineError('grammar-definition-failure', 'engine timed out'),
        );
      }
    } catch (err) {
      return this.failCause(reply, causeOf(err, 'grammar-compilation-failure'), (err as Error).message);
    }
    if (!this.grammars.define(key, g))
      return this.failCause(reply, 'grammar-definition-failure', 'too many grammars');
    reply(200, 'COMPLETE', [{ name: 'Completion-Cause', value: formatCause('speechrecog', 'success') }]);
  }

  private failCause(reply: Reply, cause: RecogCause, reason?: string): void {
    reply(407, 'COMPLETE', completionMessage({ cause }, reason).headers);
  }

  private async recognize(req: MrcpRequest, reply: Reply): Promise<void> {
    if (this.state === 'interpreting') return reply(402, 'COMPLETE');
    const list = this.grammars.fromRequest(req);
    if (!list.ok)
      return list.cause
        ? this.failCause(reply, list.cause, list.reason)
        : reply(list.status, 'COMPLETE', [{ name: 'Completion-Reason', value: list.reason }]);
    const language = this.language(req);
    const engine = this.ctx.engines.recognizer(language);
    if (!engine) return this.failCause(reply, 'language-unsupported');
    const params = this.ctx.params.effective(req.headers);
    const rec: Recognition = {
      requestId: req.requestId,
      engine,
      job: {
        channelId: this.ctx.channelId,
        requestId: req.requestId,
        sampleRate: this.ctx.sampleRate,
        language,
        params,
        vendor: this.ctx.params.vendorParams(req.headers),
        grammars: list.grammars,
        hotword: headerOr(params, 'Recognition-Mode', 'normal') === 'hotword',
      },
      cancelIfQueue: headerOr(req.headers, 'Cancel-If-Queue', false),
      clearDtmf: headerOr(req.headers, 'Clear-DTMF-Buffer', false),
      timersStarted: headerOr(params, 'Start-Input-Timers', true),
      inputStarted: false,
    };
    const a = this.active;
    if (a && a.cancelIfQueue) this.complete(a, { cause: 'cancelled' });
    else if (this.active) {
      if (this.pending.length >= this.ctx.limits.maxQueue)
        return reply(407, 'COMPLETE', [{ name: 'Completion-Reason', value: 'RECOGNIZE queue full' }]);
      this.pending.push(rec);
      return reply(200, 'PENDING');
    }
    this.active = rec;
    const err = await this.start(rec);
    if (this.active !== rec)
      return reply(200, 'COMPLETE', [
        { name: 'Completion-Cause', value: formatCause('speechrecog', 'cancelled') },
      ]);
    if (err) {
      this.active = undefined;
      return this.failCause(reply, err.completionCause, err.message);
    }
    reply(200, 'IN-PROGRESS');
    this.begin(rec);
  }

  /** Asks the engine to compile and listen; undefined on success. */
  private async start(rec: Recognition): Promise<EngineError<RecogFailure> | undefined> {
    const listener = this.listener(rec);
    try {
      const task = await withDeadline(
        this.ctx.clock,
        this.ctx.limits.engineTimeoutMs,
        guarded(() => rec.engine.recognize(rec.job, listener)),
        () => new EngineError('recognizer-error', 'recognizer did not start in time'),
      );
      if (this.active !== rec) {
        task.cancel();
        return undefined;
      }
      rec.task = task;
      return undefined;
    } catch (err) {
      this.ctx.counters.engineFailures++;
      return new EngineError(causeOf(err, 'recognizer-error'), (err as Error).message);
    }
  }

  /** Recognition is live: state, timers, buffered DTMF (§9.4.? Clear-DTMF-Buffer, DTMF-Buffer-Time). */
  private begin(rec: Recognition): void {
    this.to('recognizing', rec.requestId);
    if (rec.timersStarted) this.armNoInput(rec);
    const keep = headerOr(rec.job.params, 'DTMF-Buffer-Time', 0);
    const since = this.ctx.clock.now() - keep;
    const digits = rec.clearDtmf ? [] : this.dtmfBuffer.filter((d) => d.at >= since).map((d) => d.digit);
    this.dtmfBuffer = [];
    for (const d of digits) if (this.active === rec) this.pushDtmf(d);
  }

  private armNoInput(rec: Recognition): void {
    const t = ms(rec.job.params, 'No-Input-Timeout', 5000);
    if (t > 0)
      this.timers.set('no-input', t, () =>
        this.complete(rec, { cause: 'no-input-timeout', nlsml: { interpretations: [], noInput: true } }),
      );
  }

  private listener(rec: Recognition): RecognitionListener {
    const live = (): boolean => this.active === rec && rec.task !== undefined && rec.finishing === undefined;
    return {
      startOfInput: (mode) => {
        if (live()) this.inputStart(rec, mode);
      },
      dtmfState: (s) => {
        if (!live()) return;
        if (s === 'none' || s === 'final') return this.finish(rec, 'normal');
        if (s === 'partial') {
          this.timers.clear('term');
          this.timers.set('interdigit', ms(rec.job.params, 'DTMF-Interdigit-Timeout', 5000), () =>
            this.finish(rec, 'normal'),
          );
          return;
        }
        this.timers.clear('interdigit');
        const term = ms(rec.job.params, 'DTMF-Term-Timeout', 0);
        if (term === 0) this.finish(rec, 'normal');
        else this.timers.set('term', term, () => this.finish(rec, 'normal'));
      },
      speechState: (speaking, match) => {
        if (!live()) return;
        this.timers.clear('speech-complete');
        this.timers.clear('speech-incomplete');
        if (speaking) return;
        if (match === 'complete')
          this.timers.set('speech-complete', ms(rec.job.params, 'Speech-Complete-Timeout', 1000), () =>
            this.finish(rec, 'normal'),
          );
        else
          this.timers.set('speech-incomplete', ms(rec.job.params, 'Speech-Incomplete-Timeout', 3000), () =>
            this.finish(rec, 'normal'),
          );
      },
      result: (o) => {
        if (this.active !== rec || !rec.task) return;
        const reason = rec.finishing ?? 'normal';
        const threshold = headerOr(rec.job.params, 'Confidence-Threshold', 0.5);
        const f = filterOutcome(o, threshold, headerOr(rec.job.params, 'N-Best-List-Length', 1));
        if (rec.job.hotword && reason === 'normal' && f.match !== 'complete') {
          // Hotword mode (§9.4.?): only a match ends recognition; keep listening.
          rec.finishing = undefined;
          this.timers.clear('engine');
          rec.task.reset();
          return;
        }
        this.lastGrammar = f.interpretations[0]?.grammar;
        this.complete(rec, completionFor(f, reason, rec.job.hotword), f);
      },
      fail: (cause, reason) => {
        if (this.active === rec && rec.task) this.complete(rec, { cause }, undefined, reason);
      },
    };
  }

  private inputStart(rec: Recognition, mode: 'speech' | 'dtmf'): void {
    if (rec.inputStarted) return;
    rec.inputStarted = true;
    this.timers.clear('no-input');
    const t = ms(rec.job.params, 'Recognition-Timeout', 10000);
    if (t > 0) this.timers.set('recognition', t, () => this.maxTime(rec));
    this.ctx.event('START-OF-INPUT', rec.requestId, 'IN-PROGRESS', [{ name: 'Input-Type', value: mode }]);
    this.ctx.inputStarted();
  }

  /** Recognition-Timeout: a result already being computed now counts as reached at max time. */
  private maxTime(rec: Recognition): void {
    if (rec.finishing) rec.finishing = 'maxtime';
    else this.finish(rec, 'maxtime');
  }

  /** Input is over: ask the engine for its final outcome, within the engine deadline. */
  private finish(rec: Recognition, reason: FinishReason): void {
    if (this.active !== rec || !rec.task || rec.finishing) return;
    rec.finishing = reason;
    // In hotword mode a non-match resumes listening, so the recognition timer keeps running.
    for (const t of ['no-input', 'speech-complete', 'speech-incomplete', 'interdigit', 'term'] as const)
      this.timers.clear(t);
    if (!rec.job.hotword) this.timers.clear('recognition');
    this.timers.set('engine', this.ctx.limits.engineTimeoutMs, () => {
      this.ctx.counters.engineFailures++;
      this.complete(rec, { cause: 'recognizer-error' }, undefined, 'recognizer gave no result in time');
    });
    try {
      rec.task.finish();
    } catch (err) {
      this.ctx.counters.engineFailures++;
      this.complete(rec, { cause: 'recognizer-error' }, undefined, String(err));
    }
  }

  /** Sends RECOGNITION-COMPLETE, settles the queue (§9.4.? Cancel-If-Queue). */
  private complete(
    rec: Recognition,
    c: RecogCompletion,
    outcome?: RecognitionOutcome,
    reason?: string,
  ): void {
    if (this.active !== rec) return;
    this.release(rec);
    const m = completionMessage(c, reason);
    this.ctx.event('RECOGNITION-COMPLETE', rec.requestId, 'COMPLETE', m.headers, m.body);
    if (isResult(c.cause) && outcome) {
      this.lastResult = outcome;
      this.to('recognized', rec.requestId);
    } else this.to('idle', rec.requestId);
    if (!isSuccess(c.cause)) {
      for (const p of this.pending.splice(0))
        this.ctx.event(
          'RECOGNITION-COMPLETE',
          p.requestId,
          'COMPLETE',
          completionMessage({ cause: 'cancelled' }).headers,
        );
      return;
    }
    const next = this.pending.shift();
    if (next) void this.startQueued(next);
  }

  private async startQueued(rec: Recognition): Promise<void> {
    this.active = rec;
    const err = await this.start(rec);
    if (this.active !== rec) return;
    if (err) {
      this.active = undefined;
      this.complete(rec, { cause: err.completionCause }, undefined, err.message);
      return;
    }
    this.begin(rec);
  }

  private release(rec: Recognition): void {
    if (this.active === rec) this.active = undefined;
    this.timers.clearAll();
    try {
      rec.task?.cancel();
    } catch (err) {
      this.ctx.logger.warn(`${this.ctx.tag} recognizer cancel threw: ${String(err)}`);
    }
  }

  pushAudio(frame: Int16Array): void {
    const a = this.active;
    if (a?.task && !a.finishing) a.task.audio(frame);
  }

  pushDtmf(digit: string): void {
    const a = this.active;
    if (!a?.task || a.finishing) {
      if (headerOr(this.ctx.params.effective([]), 'DTMF-Buffer-Time', 0) > 0) {
        this.dtmfBuffer.push({ digit, at: this.ctx.clock.now() });
        if (this.dtmfBuffer.length > this.ctx.limits.maxDtmfBuffer) this.dtmfBuffer.shift();
      }
      return;
    }
    this.inputStart(a, 'dtmf');
    if (this.active !== a) return;
    const term = headerOr(a.job.params, 'DTMF-Term-Char', '');
    if (term !== '' && digit.toUpperCase() === term) return this.finish(a, 'normal');
    a.task.dtmf(digit);
  }

  private getResult(req: MrcpRequest, reply: Reply): void {
    if (this.state !== 'recognized' || !this.lastResult) return reply(402, 'COMPLETE');
    const params = this.ctx.params.effective(req.headers);
    const f = filterOutcome(
      this.lastResult,
      headerOr(params, 'Confidence-Threshold', 0.5),
      headerOr(params, 'N-Best-List-Length', 1),
    );
    const m = completionMessage(completionFor(f, 'normal', false, this.lastGrammar));
    reply(200, 'COMPLETE', m.headers, m.body);
  }

  private stop(req: MrcpRequest, reply: Reply): void {
    const list = getHeader(req.headers, 'Active-Request-Id-List');
    const wanted = list.present && list.ok ? new Set(list.value) : undefined;
    const hit = (id: number): boolean => wanted === undefined || wanted.has(id);
    const stopped: number[] = [];
    const a = this.active;
    if (a && hit(a.requestId)) stopped.push(a.requestId);
    for (let i = 0; i < this.pending.length;) {
      const p = this.pending[i] as Recognition;
      if (hit(p.requestId)) {
        stopped.push(p.requestId);
        this.pending.splice(i, 1);
      } else i++;
    }
    if (this.state === 'interpreting' && this.interpretToken && hit(this.interpretId)) {
      stopped.push(this.interpretId);
      this.interpretToken = undefined;
      this.to('idle', req.requestId);
    }
    if (a && hit(a.requestId)) this.release(a);
    reply(200, 'COMPLETE', stopped.length ? [formatHeader('Active-Request-Id-List', stopped)] : []);
    if (a && hit(a.requestId)) {
      const next = this.pending.shift();
      if (next) void this.startQueued(next);
      else this.to('idle', req.requestId);
    }
  }

  private interpret(req: MrcpRequest, reply: Reply): void {
    if (this.state === 'recognizing' || this.state === 'interpreting') return reply(402, 'COMPLETE');
    const text = getHeader(req.headers, 'Interpret-Text');
    if (!text.present)
      return reply(406, 'COMPLETE', [{ name: 'Completion-Reason', value: 'Interpret-Text missing' }]);
    const list = this.grammars.fromRequest(req);
    if (!list.ok)
      return list.cause ? this.failCause(reply, list.cause, list.reason) : reply(list.status, 'COMPLETE');
    const language = this.language(req);
    const engine = this.ctx.engines.recognizer(language);
    if (!engine) return this.failCause(reply, 'language-unsupported');
    if (!engine.interpret) return reply(401, 'COMPLETE');
    const interpret = engine.interpret.bind(engine);
    const params = this.ctx.params.effective(req.headers);
    const job = {
      channelId: this.ctx.channelId,
      requestId: req.requestId,
      sampleRate: this.ctx.sampleRate,
      language,
      params,
      vendor: this.ctx.params.vendorParams(req.headers),
      grammars: list.grammars,
      text: text.ok ? text.value : '',
    };
    const token = {};
    this.interpretToken = token;
    this.interpretId = req.requestId;
    reply(200, 'IN-PROGRESS');
    this.to('interpreting', req.requestId);
    const done = (c: RecogCompletion, reason?: string): void => {
      if (this.interpretToken !== token) return;
      this.interpretToken = undefined;
      const m = completionMessage(c, reason);
      this.ctx.event('INTERPRETATION-COMPLETE', req.requestId, 'COMPLETE', m.headers, m.body);
      this.to('idle', req.requestId);
    };
    withDeadline(
      this.ctx.clock,
      this.ctx.limits.engineTimeoutMs,
      guarded(() => interpret(job)),
      () => new EngineError('recognizer-error', 'interpretation timed out'),
    ).then(
      (o) =>
        done(
          completionFor(
            filterOutcome(
              o,
              headerOr(params, 'Confidence-Threshold', 0.5),
              headerOr(params, 'N-Best-List-Length', 1),
            ),
            'normal',
            false,
          ),
        ),
      (err: unknown) => {
        this.ctx.counters.engineFailures++;
        done({ cause: causeOf(err, 'recognizer-error') }, (err as Error).message);
      },
    );
  }

  close(): void {
    const a = this.active;
    if (a) this.release(a);
    this.pending.length = 0;
    this.interpretToken = undefined;
    this.timers.clearAll();
    this.grammars.clear();
    this.dtmfBuffer = [];
  }
}

function causeOf(err: unknown, fallback: RecogFailure): RecogFailure {
  return err instanceof EngineError ? (err.completionCause as RecogFailure) : fallback;
}
