/**
 * `gather` (jambonz's gather verb): digits and/or speech, with an optional nested prompt.
 *
 * - Digits are collected by the call itself, from every source (RFC 4733, SIP INFO, in-band) with
 *   type-ahead, like jambonz: `numDigits`, `minDigits`/`maxDigits`, `finishOnKey`,
 *   `interDigitTimeout`. No MRCP server is needed for a digits-only gather with a file prompt.
 * - Speech goes to the recognizer of the call's MRCP session with the given grammars. With
 *   `bargein` the RECOGNIZE starts with the prompt with `Start-Input-Timers: false` (RFC 6787
 *   §9.4.14); START-OF-INPUT cuts the prompt at once (the caller's side stops on the next tick, the
 *   SPEAK is STOPped or ended by BARGE-IN-OCCURRED) and START-INPUT-TIMERS goes out when the
 *   prompt ends. Without `bargein` the RECOGNIZE starts after the prompt.
 * - A digit stops the prompt (`dtmfBargein`) and wins over speech: the RECOGNIZE is STOPped.
 *
 * The result is the payload jambonz posts to a gather's actionHook; the call variables `digits`,
 * `speech`, `interpretation` and `gatherReason` are set for the steps that follow.
 */
import type { Handle, MrcpSpeechSession, RecognizeResult } from '../../mrcp/index.js';
import type { TimerHandle } from '../../rtp/index.js';
import { Step, type StepOutcome } from '../steps/step.js';
import type { CallSpeech } from './call-speech.js';
import { interpretationText, speechPayload } from './gather-result.js';
import { gatherCanGo, type GatherState } from './gather-state.js';
import { startNestedPrompt, type NestedPrompt, type PromptEnd } from './nested-prompt.js';
import { GrammarDefinitionError, grammarOptions, recognizeHeaders } from './recognize-request.js';
import { errorCause, quietly } from './say-step.js';
import type { GatherPayload, GatherSpec } from './speech-types.js';

const OUTCOME: Record<GatherPayload['reason'], StepOutcome> = {
  dtmfDetected: 'done',
  speechDetected: 'done',
  noMatch: 'done',
  timeout: 'timeout',
  error: 'failed',
};

export class GatherStep extends Step {
  readonly type = 'gather' as const;
  state: GatherState = 'starting';
  private readonly wantDigits: boolean;
  private readonly wantSpeech: boolean;
  private readonly timeoutS: number;
  private readonly interDigitS: number;
  private readonly bargein: boolean;
  private readonly dtmfBargein: boolean;
  private digits = '';
  private speech: CallSpeech | undefined;
  private session: MrcpSpeechSession | undefined;
  private prompt: NestedPrompt | undefined;
  private recog: Handle<RecognizeResult> | undefined;
  /** The RECOGNIZE waits for START-INPUT-TIMERS (started with the prompt). */
  private timersHeld = false;
  private timer: TimerHandle | undefined;
  private cancelNext: (() => void) | undefined;
  private language = 'en-US';

  constructor(private readonly spec: GatherSpec) {
    super();
    const input = spec.input ?? ['digits'];
    this.wantDigits = input.includes('digits');
    this.wantSpeech = input.includes('speech');
    this.timeoutS = spec.timeout ?? 5;
    this.interDigitS = spec.interDigitTimeout ?? this.timeoutS;
    this.bargein = spec.bargein ?? true;
    this.dtmfBargein = spec.dtmfBargein ?? this.wantDigits;
  }

  private to(next: GatherState): boolean {
    if (!gatherCanGo(this.state, next)) return false;
    this.ctx.logger.debug(`gather ${this.state} -> ${next}`, { callId: this.ctx.callId });
    this.state = next;
    return true;
  }

  protected start(): void {
    if (!this.wantDigits && !this.wantSpeech)
      return this.error('bad-input', 'input has neither digits nor speech');
    if (this.wantSpeech && (this.spec.recognizer?.grammars ?? []).length === 0)
      return this.error('no-grammar', 'speech input needs recognizer.grammars');
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    // Type-ahead (keys pressed before this step): the prompt is skipped, as a barge-in would.
    if (this.wantDigits && this.ctx.digits.size > 0) {
      this.to('digits');
      for (let d = this.ctx.digits.take(); d !== undefined && !this.finished; d = this.ctx.digits.take())
        this.addDigit(d);
      if (!this.finished) this.waitDigit();
      return;
    }
    const needSession = this.wantSpeech || this.spec.say !== undefined;
    const speech = needSession ? this.ctx.speech?.() : undefined;
    if (needSession && !speech && this.wantSpeech)
      return this.error('no-speech', 'no MRCP client configured');
    this.speech = speech;
    this.language = this.spec.recognizer?.language ?? speech?.defaultLanguage ?? 'en-US';
    void this.run();
  }

  private async run(): Promise<void> {
    const speech = this.speech;
    if (speech) {
      try {
        const vendor = this.spec.recognizer?.vendor ?? this.spec.say?.synthesizer?.vendor;
        this.session = await speech.open(vendor);
      } catch (err) {
        if (this.finished) return;
        const e = errorCause(err);
        if (this.wantSpeech) return this.error(e.cause, e.details);
        // Digits still work without a synthesizer: gather them without the prompt.
        this.ctx.logger.warn('gather prompt unavailable', { callId: this.ctx.callId, ...e });
      }
      if (this.finished) return;
      if (this.session) {
        this.onCleanup(
          speech.listen({
            onStartOfInput: () => this.startOfInput(),
            onClosed: (reason) => this.sessionLost('closed', reason),
          }),
        );
      }
    }
    const hasPrompt =
      (this.spec.say !== undefined && this.session !== undefined) || this.spec.play !== undefined;
    if (this.wantSpeech && (this.bargein || !hasPrompt)) {
      await this.recognize(!hasPrompt);
      if (this.finished) return;
    }
    if (!hasPrompt) return this.listen();
    this.to('prompting');
    if (this.wantDigits && this.dtmfBargein) this.waitDigit();
    const s = this.session;
    this.prompt = startNestedPrompt(
      this.ctx,
      this.spec,
      s && speech ? { call: speech, session: s } : undefined,
      this.bargein,
      (how, detail) => this.promptEnded(how, detail),
    );
  }

  private promptEnded(how: PromptEnd, detail: string | undefined): void {
    if (this.state !== 'prompting') return;
    if (how === 'failed') this.ctx.logger.warn('gather prompt failed', { callId: this.ctx.callId, detail });
    this.prompt = undefined;
    void this.listenAfterPrompt();
  }

  private async listenAfterPrompt(): Promise<void> {
    if (this.wantSpeech && !this.recog) {
      await this.recognize(true);
      if (this.finished) return;
    }
    this.listen();
  }

  /** The prompt is over (or there was none): input timers run from now. */
  private listen(): void {
    if (this.state === 'prompting' || this.state === 'starting') this.to('listening');
    if (this.state !== 'listening') return;
    if (this.wantDigits && !this.cancelNext) {
      for (let d = this.ctx.digits.take(); d !== undefined; d = this.ctx.digits.take()) {
        this.onDigit(d);
        if (this.state !== 'listening') return;
      }
      this.waitDigit();
    }
    if (this.wantSpeech) {
      // §9.4.14: the no-input timer of a RECOGNIZE started with the prompt starts now.
      if (this.timersHeld && this.session) {
        this.timersHeld = false;
        const s = this.session;
        quietly(() => s.startInputTimers());
      }
    } else this.arm(this.timeoutS, () => this.end({ reason: 'timeout' }));
  }

  private async recognize(startTimers: boolean): Promise<void> {
    const s = this.session;
    const speech = this.speech;
    if (!s || !speech) return;
    try {
      const grammars = await grammarOptions(
        s,
        this.spec.recognizer?.grammars ?? [],
        speech.nextGrammarPrefix(),
      );
      if (this.finished) return;
      speech.hear(true);
      this.onCleanup(() => speech.hear(false));
      this.timersHeld = !startTimers;
      this.recog = s.recognize({
        ...grammars,
        startInputTimers: startTimers,
        headers: recognizeHeaders(this.spec.recognizer, this.language, this.timeoutS),
      });
      this.recog.done.then(
        (r) => this.recognized(r),
        (err: unknown) => {
          const e = errorCause(err);
          this.sessionLost(e.cause, e.details);
        },
      );
    } catch (err) {
      if (this.finished) return;
      if (err instanceof GrammarDefinitionError) return this.error(err.completionCause, err.message);
      const e = errorCause(err);
      this.error(e.cause, e.details);
    }
  }

  private recognized(r: RecognizeResult): void {
    if (this.finished || r.stopped || r.cause === 'cancelled') return;
    this.recog = undefined;
    if (this.state === 'digits') return;
    this.end(speechPayload(r, this.language));
  }

  /** The speech session ended under us (server gone, deadline missed). */
  private sessionLost(cause: string, details: string): void {
    if (this.finished) return;
    this.recog = undefined;
    this.session = undefined;
    // Keys still make a result without the session (a failed prompt ends as the prompt);
    // a gather waiting for speech fails cleanly.
    if (this.state === 'digits' || !this.wantSpeech) return;
    this.error(cause, details);
  }

  private startOfInput(): void {
    if (this.state !== 'prompting' && this.state !== 'listening') return;
    if (!this.recog) return;
    this.prompt?.stop();
    this.prompt = undefined;
    this.clearTimer();
    this.to('speech');
  }

  // --- digits ---

  private waitDigit(): void {
    this.cancelNext?.();
    this.cancelNext = this.ctx.digits.next((d) => {
      this.cancelNext = undefined;
      this.onDigit(d);
      if (!this.finished && this.state !== 'done') this.waitDigit();
    });
  }

  private onDigit(d: string): void {
    if (this.finished) return;
    if (this.state === 'prompting') {
      this.prompt?.stop();
      this.prompt = undefined;
    }
    if (this.recog && this.session) {
      // A key press is unambiguous: it wins over speech.
      const s = this.session;
      this.recog = undefined;
      quietly(() => s.stopRecognition());
    }
    if (this.state !== 'digits') this.to('digits');
    this.addDigit(d);
  }

  private addDigit(d: string): void {
    const min = this.spec.minDigits ?? 1;
    if (this.spec.finishOnKey && d === this.spec.finishOnKey) return this.digitsDone();
    this.digits += d;
    const max = this.spec.numDigits ?? this.spec.maxDigits ?? 32;
    if (this.digits.length >= max) return this.digitsDone();
    const enough = this.digits.length >= min;
    this.arm(enough ? this.interDigitS : this.timeoutS, () =>
      enough ? this.digitsDone() : this.end({ reason: 'timeout', digits: this.digits }),
    );
  }

  /** Enough digits, or the finish key: fewer than `minDigits` (the key alone) is no match. */
  private digitsDone(): void {
    if (this.digits.length < (this.spec.minDigits ?? 1))
      return this.end({ reason: 'noMatch', cause: 'too-few-digits', digits: this.digits });
    this.end({ reason: 'dtmfDetected', digits: this.digits });
  }

  // --- timers and the end ---

  private arm(seconds: number, fn: () => void): void {
    this.clearTimer();
    this.timer = this.ctx.clock.setTimeout(
      () => {
        this.timer = undefined;
        fn();
      },
      Math.round(seconds * 1000),
    );
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.ctx.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private error(cause: string, details: string): void {
    this.ctx.logger.warn('gather failed', { callId: this.ctx.callId, cause, details });
    this.end({ reason: 'error', cause, details });
  }

  /** Stops what still runs (prompt, recognition, timers, digit waits). */
  private release(): void {
    this.clearTimer();
    this.cancelNext?.();
    this.cancelNext = undefined;
    this.prompt?.stop();
    this.prompt = undefined;
    const s = this.session;
    if (this.recog && s) quietly(() => s.stopRecognition());
    this.recog = undefined;
  }

  private end(p: GatherPayload): void {
    if (this.finished) return;
    this.to('done');
    this.release();
    const top = p.speech?.alternatives[0];
    const vars = this.ctx.vars;
    vars.set('gatherReason', p.reason);
    vars.set('digits', p.digits ?? '');
    vars.set('speech', top?.transcript ?? '');
    vars.set('interpretation', interpretationText(top?.interpretation));
    const value = p.digits ?? top?.transcript;
    this.finish(OUTCOME[p.reason], {
      ...(value !== undefined ? { value } : {}),
      detail: p.cause ? `${p.reason} ${p.cause}` : p.reason,
      payload: p,
    });
  }

  protected override onKill(): void {
    this.to('done');
    this.release();
    if (this.ctx.ended) this.finish('ended');
  }
}
