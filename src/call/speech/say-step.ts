/**
 * `say` (jambonz's say verb): text or SSML spoken to the caller by the MRCP synthesizer of the
 * call's speech session (the built-in espeak-ng server by default). Outcome `done` after the
 * SPEAK-COMPLETE of the last loop, `barged` when a digit stopped it (`dtmfBargein`), `failed`
 * with the completion cause or the client's error code in the payload, `ended` on hangup.
 */
import { MrcpClientError, type Handle, type SpeakResult } from '../../mrcp/index.js';
import type { StepOutcome } from '../steps/step.js';
import { Step } from '../steps/step.js';
import type { CallSpeech } from './call-speech.js';
import { contentTypeOf, expandText, SSML_TYPE, speakHeaders } from './prompt-text.js';
import type { SaySpec } from './speech-types.js';

/** The cause of a failed speech request, for payloads: the client error code or the message. */
export function errorCause(err: unknown): { cause: string; details: string } {
  if (err instanceof MrcpClientError) return { cause: err.code, details: err.message };
  return { cause: 'error', details: err instanceof Error ? err.message : String(err) };
}

/** Fires a request whose outcome does not matter (the session may be closing). */
export function quietly(fn: () => Promise<unknown>): void {
  try {
    void fn().catch(() => undefined);
  } catch {
    // closed session: nothing to stop
  }
}

export class SayStep extends Step {
  readonly type = 'say' as const;
  private speech: CallSpeech | undefined;
  private speak: Handle<SpeakResult> | undefined;

  constructor(private readonly spec: SaySpec) {
    super();
  }

  protected start(): void {
    if (!this.ctx.ensureMedia()) return this.finish('failed', { detail: 'no media' });
    const speech = this.ctx.speech?.();
    if (!speech) return this.fail('no-speech', 'no MRCP client configured');
    if (this.spec.dtmfBargein) {
      if (this.ctx.digits.size > 0) return this.finish('barged', { payload: { cause: 'dtmf' } });
      this.onCleanup(this.ctx.digits.watch(() => this.barge()));
    }
    this.speech = speech;
    void this.run(speech);
  }

  private async run(speech: CallSpeech): Promise<void> {
    const ssml = contentTypeOf(this.spec.text) === SSML_TYPE;
    const text = expandText(this.spec.text, this.ctx.vars, ssml);
    const headers = speakHeaders(this.spec.synthesizer, speech.defaultLanguage, true);
    try {
      const session = await speech.open(this.spec.synthesizer?.vendor);
      for (let i = 0; i < Math.max(1, this.spec.loop ?? 1); i++) {
        if (this.finished) return;
        speech.startPrompt();
        this.speak = session.speak(text, { contentType: ssml ? SSML_TYPE : 'text/plain', headers });
        const r = await this.speak.done;
        this.speak = undefined;
        if (this.finished) return;
        if (r.cause !== 'normal' || r.stopped) {
          speech.cutPrompt();
          const outcome: StepOutcome = r.cause === 'barge-in' || r.stopped ? 'barged' : 'failed';
          return this.finish(outcome, {
            detail: r.reason ?? r.cause ?? `status ${r.status}`,
            payload: { cause: r.cause ?? `status-${r.status}`, ...(r.reason ? { details: r.reason } : {}) },
          });
        }
      }
      speech.endPrompt();
      this.finish('done', { payload: { cause: 'normal' } });
    } catch (err) {
      if (this.finished) return;
      speech.cutPrompt();
      const e = errorCause(err);
      this.fail(e.cause, e.details);
    }
  }

  private fail(cause: string, details: string): void {
    this.ctx.logger.warn('say failed', { callId: this.ctx.callId, cause, details });
    this.finish(this.ctx.ended ? 'ended' : 'failed', { detail: details, payload: { cause, details } });
  }

  /** A digit (dtmfBargein): the caller stops hearing the prompt now, the SPEAK is stopped. */
  private barge(): void {
    if (this.finished) return;
    this.stopPrompt();
    this.finish('barged', { payload: { cause: 'dtmf' } });
  }

  private stopPrompt(): void {
    this.speech?.cutPrompt();
    const s = this.speech?.session;
    if (this.speak && s) quietly(() => s.stopSpeaking());
    this.speak = undefined;
  }

  protected override onKill(): void {
    this.stopPrompt();
    if (this.ctx.ended) this.finish('ended');
  }
}
