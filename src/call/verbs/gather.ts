/**
 * `gather` (jambonz; Twilio's meanings where they overlap): collects digits and/or speech while
 * (or after) a nested `say` or `play` prompt runs, then posts `{reason, digits | speech}` to its
 * `actionHook`. Digits-only gathers run here on the host's digits: `numDigits` (exactly),
 * `minDigits`/`maxDigits`, `finishOnKey` (not part of the digits), `timeout` (seconds after the
 * prompt, default 5) and `interDigitTimeout`; `dtmfBargein` (default on) stops the prompt on the
 * first digit. Gathers with speech go to the speech capability whole (it owns the recognizer).
 */
import { z } from 'zod';
import {
  hookSchema,
  promptFile,
  recognizerSchema,
  recognizerSettings,
  synthesizerSchema,
  synthesizerSettings,
  verbId,
} from './common-schema.js';
import { runPrompt, type NestedPrompt } from './nested-prompt.js';
import type { GatherOutcome, Running, SpeechGatherRequest } from './verb-host.js';
import { Verb } from './verb.js';

const key = z.string().regex(/^[0-9*#A-D]$/, 'one DTMF key');
const sayText = z.string().min(1).max(10_000);

export const gatherSchema = z
  .strictObject({
    verb: z.literal('gather'),
    id: verbId,
    input: z
      .array(z.enum(['digits', 'speech']))
      .min(1)
      .max(2)
      .optional(),
    numDigits: z.number().int().min(1).max(64).optional(),
    minDigits: z.number().int().min(1).max(64).optional(),
    maxDigits: z.number().int().min(1).max(64).optional(),
    finishOnKey: key.optional(),
    timeout: z.number().positive().max(600).optional(),
    interDigitTimeout: z.number().positive().max(600).optional(),
    bargein: z.boolean().optional(),
    dtmfBargein: z.boolean().optional(),
    listenDuringPrompt: z.boolean().optional(),
    say: z
      .strictObject({
        text: z.union([sayText, z.array(sayText).min(1).max(32)]),
        synthesizer: synthesizerSchema.optional(),
        loop: z.number().int().min(1).max(10).optional(),
      })
      .optional(),
    play: z
      .strictObject({
        url: z.union([promptFile, z.array(promptFile).min(1).max(32)]),
        loop: z.number().int().min(1).max(10).optional(),
      })
      .optional(),
    recognizer: recognizerSchema.optional(),
    actionHook: hookSchema.optional(),
  })
  .superRefine((g, ctx) => {
    if (g.say && g.play)
      ctx.addIssue({ code: 'custom', path: ['play'], message: 'say and play cannot both be given' });
    if (g.input && new Set(g.input).size !== g.input.length) {
      ctx.addIssue({ code: 'custom', path: ['input'], message: 'repeats an input' });
    }
    const min = g.minDigits ?? 1;
    const max = g.maxDigits ?? 64;
    if (min > max) ctx.addIssue({ code: 'custom', path: ['minDigits'], message: 'is above maxDigits' });
    if (g.numDigits !== undefined && (g.minDigits !== undefined || g.maxDigits !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['numDigits'], message: 'excludes minDigits and maxDigits' });
    }
  });
export type GatherSpec = z.infer<typeof gatherSchema>;

export class GatherVerb extends Verb<GatherSpec> {
  private got = '';
  private prompt: { done: Promise<unknown>; stop(): void } | undefined;
  private speechRun: Running<GatherOutcome> | undefined;
  private collecting = false;
  private cancelWait: (() => void) | undefined;

  private get input(): readonly ('digits' | 'speech')[] {
    return this.spec.input ?? ['digits'];
  }
  private get timeoutMs(): number {
    return (this.spec.timeout ?? 5) * 1000;
  }
  private get interDigitMs(): number {
    return (this.spec.interDigitTimeout ?? this.spec.timeout ?? 5) * 1000;
  }
  private get minDigits(): number {
    return this.spec.numDigits ?? this.spec.minDigits ?? 1;
  }
  private get maxDigits(): number {
    return this.spec.numDigits ?? this.spec.maxDigits ?? 64;
  }

  private nested(): NestedPrompt | undefined {
    const { say, play } = this.spec;
    const times = <T>(items: T | T[], loop = 1): T[] =>
      Array.from({ length: loop }, () => (Array.isArray(items) ? items : [items])).flat();
    if (play) return { kind: 'play', files: times(play.url, play.loop) };
    if (say) {
      return {
        kind: 'say',
        texts: times(say.text, say.loop),
        synthesizer: synthesizerSettings(this.session.synthesizer, say.synthesizer),
      };
    }
    return undefined;
  }

  protected start(): void {
    this.onCleanup(() => this.cancelWait?.());
    if (!this.media(false)) return this.finish('failed', { detail: 'no media' });
    if (this.input.includes('speech')) return this.startSpeech();
    const prompt = this.nested();
    const listen = this.spec.listenDuringPrompt ?? true;
    const barge = listen && (this.spec.dtmfBargein ?? true);
    if (!prompt || (barge && this.host.digits.size > 0)) return this.collect();
    if (!listen) this.drain();
    const run = runPrompt(this.host, prompt);
    this.prompt = run;
    if (barge) {
      this.onCleanup(
        this.host.digits.watch(() => {
          if (this.collecting) return;
          run.stop();
          this.collect();
        }),
      );
    }
    void run.done.then((end) => {
      if (this.finished || this.collecting) return;
      if (end.how === 'failed') {
        this.host.logger.warn('gather prompt failed', { callId: this.host.callId, detail: end.detail });
      }
      if (!listen) this.drain();
      this.collect();
    });
  }

  private drain(): void {
    while (this.host.digits.take() !== undefined);
  }

  private collect(): void {
    if (this.collecting || this.finished) return;
    this.collecting = true;
    this.prompt = undefined;
    for (let d = this.host.digits.take(); d !== undefined; d = this.host.digits.take()) {
      if (this.add(d)) return;
    }
    this.wait(this.got.length === 0 ? this.timeoutMs : this.interDigitMs);
  }

  /** Takes one digit; true when the gather ended. */
  private add(d: string): boolean {
    if (this.spec.finishOnKey !== undefined && d === this.spec.finishOnKey) {
      this.end(this.got.length >= this.minDigits ? 'dtmfDetected' : 'timeout');
      return true;
    }
    this.got += d;
    if (this.got.length >= this.maxDigits) {
      this.end('dtmfDetected');
      return true;
    }
    return false;
  }

  private wait(ms: number): void {
    const h = this.host.clock.setTimeout(() => {
      cancelNext();
      this.cancelWait = undefined;
      this.end(this.got.length >= this.minDigits ? 'dtmfDetected' : 'timeout');
    }, ms);
    const cancelNext = this.host.digits.next((d) => {
      this.host.clock.clearTimeout(h);
      this.cancelWait = undefined;
      if (!this.add(d)) this.wait(this.interDigitMs);
    });
    this.cancelWait = () => {
      this.host.clock.clearTimeout(h);
      cancelNext();
    };
  }

  private end(reason: 'dtmfDetected' | 'timeout'): void {
    this.report({ reason, ...(this.got.length > 0 ? { digits: this.got } : {}) });
  }

  private report(o: GatherOutcome): void {
    const outcome = o.reason === 'timeout' ? 'timeout' : o.reason === 'error' ? 'failed' : 'done';
    this.finish(outcome, {
      ...(o.digits !== undefined ? { detail: o.digits } : {}),
      ...(o.reason === 'error' ? { detail: o.details ?? o.cause ?? 'recognizer error' } : {}),
      ...(this.spec.actionHook ? { hook: this.spec.actionHook, hookData: { ...o } } : {}),
    });
  }

  private startSpeech(): void {
    const speech = this.host.speech;
    if (!speech) return this.finish('unsupported', { detail: 'speech input needs a speech (MRCP) service' });
    const prompt = this.nested();
    const req: SpeechGatherRequest = {
      input: this.input,
      numDigits: this.spec.numDigits,
      minDigits: this.minDigits,
      maxDigits: this.maxDigits,
      finishOnKey: this.spec.finishOnKey,
      timeout: this.spec.timeout ?? 5,
      interDigitTimeout: this.spec.interDigitTimeout ?? this.spec.timeout ?? 5,
      bargein: this.spec.bargein ?? this.session.bargein,
      dtmfBargein: this.spec.dtmfBargein ?? this.input.includes('digits'),
      recognizer: recognizerSettings(this.session.recognizer, this.spec.recognizer),
      ...(prompt?.kind === 'play' ? { play: { file: prompt.files[0]! } } : {}),
      ...(prompt?.kind === 'say'
        ? { say: { text: prompt.texts.join(' '), loop: 1, synthesizer: prompt.synthesizer } }
        : {}),
    };
    const run = speech.gather(req);
    this.speechRun = run;
    void run.done.then((o) => {
      this.speechRun = undefined;
      if (!this.finished) this.report(o);
    });
  }

  protected override onKill(): void {
    this.cancelWait?.();
    this.prompt?.stop();
    this.speechRun?.stop();
  }
}
