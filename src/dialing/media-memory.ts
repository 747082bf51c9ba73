/**
 * What the runner has heard so far: voice activity, tones and music since the digits, and prompt
 * detections (fingerprint or keyword) not yet used by a step. Events arrive whatever step runs
 * (a prompt may start during a pause), so steps read this memory when they begin.
 */
import type { MediaProgressEvent } from './dial-control.js';
import { isPromptLabel, type PromptLabel } from './labels.js';

export interface PromptHit {
  source: 'fingerprint' | 'keyword';
  label: PromptLabel;
  refId?: string;
  /** Media time the recording ends (fingerprint). */
  endMs?: number;
  ended: boolean;
  consumed: boolean;
  atMs: number;
}

const MAX_HITS = 16;
const MAX_HEARD = 32;

export class MediaMemory {
  voiceActive = false;
  voiceStartMs = 0;
  lastVoiceEndMs = 0;
  /** Since the last digits were sent. */
  sawRingback = false;
  sawMusic = false;
  busyTone: 'busy' | 'congestion' | undefined;
  audioClass: string | undefined;
  readonly hits: PromptHit[] = [];
  readonly heard: string[] = [];

  /** Records a media event; returns the prompt hit it created, if any. */
  media(ev: MediaProgressEvent): PromptHit | undefined {
    switch (ev.type) {
      case 'voice-start':
        this.voiceActive = true;
        this.voiceStartMs = ev.atMs;
        return undefined;
      case 'voice-end':
        this.voiceActive = false;
        this.lastVoiceEndMs = ev.atMs;
        return undefined;
      case 'tone':
        if (ev.tone === 'ringback') this.sawRingback = true;
        if (ev.tone === 'busy' || ev.tone === 'congestion') this.busyTone = ev.tone;
        return undefined;
      case 'audio-class':
        this.audioClass = ev.audioClass;
        if (ev.audioClass === 'music') this.sawMusic = true;
        return undefined;
      case 'fingerprint':
        if (!isPromptLabel(ev.label)) return undefined;
        return this.add({
          source: 'fingerprint',
          label: ev.label,
          refId: ev.refId,
          endMs: ev.endMs,
          ended: false,
          consumed: false,
          atMs: ev.atMs,
        });
      case 'fingerprint-end':
        for (const h of this.hits) if (h.refId === ev.refId && !h.ended) h.ended = true;
        return undefined;
      default:
        return undefined;
    }
  }

  keyword(label: PromptLabel, atMs: number): PromptHit {
    return this.add({ source: 'keyword', label, ended: false, consumed: false, atMs });
  }

  /** The oldest unused detection of one of `labels`. */
  pending(labels: readonly PromptLabel[]): PromptHit | undefined {
    return this.hits.find((h) => !h.consumed && labels.includes(h.label));
  }

  /** Marks everything heard so far as used (after sending digits, old prompts are history). */
  consumeAll(): void {
    for (const h of this.hits) h.consumed = true;
  }

  /** Call progress is judged afresh after each send of the digits. */
  resetProgress(): void {
    this.sawRingback = false;
    this.sawMusic = false;
    this.busyTone = undefined;
  }

  private add(h: PromptHit): PromptHit {
    if (this.hits.length >= MAX_HITS) this.hits.shift();
    this.hits.push(h);
    if (this.heard.length < MAX_HEARD) this.heard.push(h.label);
    return h;
  }
}
