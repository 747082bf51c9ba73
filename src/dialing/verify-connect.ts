/**
 * verifyConnect: after the digits the platform rings the customer (ringback tone or hold music),
 * then the customer speaks: that is `reached_extension`. Busy or congestion tone is
 * `customer_busy`; ringing past the timeout is `customer_no_answer`. A short confirmation hold
 * lets a recognised busy / no-answer phrase overrule an announcement taken for speech.
 */
import type { MediaProgressEvent } from './dial-control.js';
import type { RunStepOf } from './job.js';
import type { MediaMemory } from './media-memory.js';
import type { Outcome } from './outcome.js';

export interface VerifyHooks {
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(h: unknown): void;
  outcome(o: Outcome, detail: string): void;
  ringback(): void;
}

export class VerifyConnect {
  private confirm: unknown;
  /** Whether the sound now playing began after ringback or music. */
  private voiceAfterProgress = false;

  constructor(
    private readonly step: RunStepOf<'verifyConnect'>,
    private readonly mem: MediaMemory,
    private readonly hooks: VerifyHooks,
  ) {}

  start(answered: boolean): void {
    this.hooks.setTimer(this.step.timeoutMs, () =>
      this.mem.sawRingback || this.mem.sawMusic
        ? this.hooks.outcome('customer_no_answer', 'ringing_timeout')
        : this.hooks.outcome('failed', 'no_progress'),
    );
    if (this.mem.busyTone) return this.hooks.outcome('customer_busy', `${this.mem.busyTone}_tone`);
    if (this.mem.sawRingback) this.hooks.ringback();
    void answered;
  }

  onAnswered(): void {
    if (this.step.connectOnAnswer) this.hooks.outcome('reached_extension', 'answered_after_digits');
  }

  onMedia(ev: MediaProgressEvent): void {
    switch (ev.type) {
      case 'tone':
        if (ev.tone === 'busy' || ev.tone === 'congestion')
          return this.hooks.outcome('customer_busy', `${ev.tone}_tone`);
        if (ev.tone === 'ringback') this.hooks.ringback();
        return;
      case 'audio-class':
        if (ev.audioClass === 'speech') this.speech('speech');
        else if (ev.audioClass === 'music') this.cancelConfirm();
        return;
      case 'voice-start':
        this.voiceAfterProgress = this.mem.sawRingback || this.mem.sawMusic;
        return;
      case 'voice-end':
        // A short answer ("喂?") may end before the classifier has a verdict.
        if (this.voiceAfterProgress && ev.voiceMs >= this.step.minSpeechMs && this.mem.audioClass !== 'music')
          this.speech('voice');
        return;
      default:
        return;
    }
  }

  private speech(how: string): void {
    if (this.step.requireRingback && !this.mem.sawRingback && !this.mem.sawMusic) return;
    if (this.step.confirmMs === 0) return this.hooks.outcome('reached_extension', how);
    this.confirm ??= this.hooks.setTimer(this.step.confirmMs, () =>
      this.hooks.outcome('reached_extension', how),
    );
  }

  private cancelConfirm(): void {
    if (this.confirm !== undefined) this.hooks.clearTimer(this.confirm);
    this.confirm = undefined;
  }
}
