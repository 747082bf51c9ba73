/**
 * waitPromptEnd: decides when the platform's prompt has finished, by a fixed delay, by voice
 * activity (speech, then silenceMs of silence), by a fingerprint match of the prompt recording
 * played out, or by a recognizer keyword then silence. Bounded by maxWaitMs (the runner's timer).
 */
import type { MediaProgressEvent } from './dial-control.js';
import type { RunStepOf } from './job.js';
import type { MediaMemory, PromptHit } from './media-memory.js';

export type PromptMode = 'fixed' | 'vad' | 'fingerprint' | 'keyword';

export interface PromptWaitHooks {
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(h: unknown): void;
  /** The prompt ended; `fromMs`/`toMs` bracket it in media time when known. */
  ended(how: string, fromMs?: number, toMs?: number): void;
  log(msg: string, meta?: Record<string, unknown>): void;
}

type Phase = 'listen' | 'voice' | 'silence' | 'matched' | 'heard';

export class PromptWait {
  private phase: Phase = 'listen';
  private silenceTimer: unknown;
  private promptStartMs: number | undefined;
  private voicedMs = 0;
  private hit: PromptHit | undefined;

  constructor(
    private readonly step: RunStepOf<'waitPromptEnd'>,
    readonly mode: PromptMode,
    private readonly mem: MediaMemory,
    private readonly hooks: PromptWaitHooks,
  ) {}

  get heardSomething(): boolean {
    return this.phase !== 'listen' || this.promptStartMs !== undefined;
  }

  start(): void {
    const s = this.step;
    if (this.mode === 'fixed') {
      this.hooks.setTimer(s.delayMs ?? 0, () => this.hooks.ended('fixed_delay'));
      return;
    }
    if (this.mode === 'vad' && this.mem.voiceActive) {
      this.phase = 'voice';
      this.promptStartMs = this.mem.voiceStartMs;
    }
    if (this.mode === 'fingerprint' || this.mode === 'keyword') {
      const h = this.mem.pending([s.label]);
      if (h && h.source === (this.mode === 'fingerprint' ? 'fingerprint' : 'keyword')) this.onHit(h);
    }
  }

  onHit(h: PromptHit): void {
    // A vad or fixed wait (a fallback) ignores detections a recognizer still delivered.
    if (this.mode !== 'fingerprint' && this.mode !== 'keyword') return;
    if (h.label !== this.step.label || h.consumed || this.hit) return;
    if (h.source !== (this.mode === 'fingerprint' ? 'fingerprint' : 'keyword')) return;
    h.consumed = true;
    this.hit = h;
    this.hooks.log('prompt recognised', { source: h.source, label: h.label, refId: h.refId });
    if (this.mode === 'fingerprint') {
      this.phase = 'matched';
      if (h.ended) this.hooks.setTimer(this.step.afterMs, () => this.hooks.ended('fingerprint_end'));
    } else {
      this.phase = 'heard';
      if (!this.mem.voiceActive) this.armSilence();
    }
  }

  onMedia(ev: MediaProgressEvent): void {
    switch (this.mode) {
      case 'vad':
        return this.vad(ev);
      case 'fingerprint':
        if (ev.type === 'fingerprint-end' && this.hit && ev.refId === this.hit.refId) {
          this.hooks.setTimer(this.step.afterMs, () =>
            this.hooks.ended('fingerprint_end', this.hit?.atMs, ev.atMs),
          );
        }
        return;
      case 'keyword':
        if (this.phase !== 'heard' && this.phase !== 'silence') return;
        if (ev.type === 'voice-start') this.disarm();
        if (ev.type === 'voice-end') this.armSilence();
        return;
      default:
        return;
    }
  }

  private vad(ev: MediaProgressEvent): void {
    if (ev.type === 'voice-start') {
      this.disarm();
      if (this.promptStartMs === undefined) this.promptStartMs = ev.atMs;
      this.phase = 'voice';
    } else if (ev.type === 'voice-end' && this.phase === 'voice') {
      this.voicedMs += ev.voiceMs;
      if (this.voicedMs >= this.step.minSpeechMs) {
        this.phase = 'silence';
        const from = this.promptStartMs;
        const to = ev.atMs;
        this.silenceTimer = this.hooks.setTimer(this.step.silenceMs, () =>
          this.hooks.ended('silence', from, to),
        );
      } else {
        // A click or a breath before the prompt: not the prompt.
        this.phase = 'listen';
        this.promptStartMs = undefined;
        this.voicedMs = 0;
      }
    }
  }

  private armSilence(): void {
    this.phase = 'silence';
    this.disarm();
    this.silenceTimer = this.hooks.setTimer(this.step.silenceMs, () =>
      this.hooks.ended('keyword_then_silence'),
    );
  }

  private disarm(): void {
    if (this.silenceTimer !== undefined) this.hooks.clearTimer(this.silenceTimer);
    this.silenceTimer = undefined;
    if (this.phase === 'silence') this.phase = this.mode === 'keyword' ? 'heard' : 'voice';
  }
}
