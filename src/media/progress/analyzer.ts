/**
 * Call-progress analyzer for one call leg: feed it the received audio as 20 ms Int16Array frames
 * (8 or 16 kHz, loss concealed, one per 20 ms) and it reports tones by cadence, voice activity,
 * the audio class and fingerprint matches as typed events. Everything is bounded: the matcher's
 * references, the learning history, and per-frame work.
 */
import { AudioClassifier, type AudioClassOptions } from './audio-class.js';
import { CadenceTracker, type CadenceOptions } from './cadence.js';
import type { ProgressEvent } from './events.js';
import {
  buildReference,
  fingerprintBits,
  MAX_REFERENCE_MS,
  type FingerprintReference,
  type ReferenceError,
} from './fingerprint.js';
import { FingerprintMatcher, type FingerprintHit, type MatcherOptions } from './fingerprint-matcher.js';
import type { SignalPrimitives } from './primitives.js';
import { BAND_COUNT, SpectrumAnalyzer, TONE_FREQS_HZ } from './spectrum.js';
import { VoiceActivity, type VadOptions } from './voice-activity.js';

const FRAME_MS = 20;
/** Most learning history kept: 20 s. */
export const MAX_LEARN_HISTORY_MS = 20_000;

export interface ProgressAnalyzerOptions {
  sampleRate: 8000 | 16000;
  cadence?: CadenceOptions;
  vad?: VadOptions;
  audioClass?: AudioClassOptions;
  matcher?: MatcherOptions;
  /** A frame is tone when its strongest tone probe is within this of the window level (default 3 dB). */
  toneDominanceDb?: number;
  /** Tone quieter than this is ignored, dBov (default -45). */
  toneFloorDb?: number;
  /** Received audio kept for `learnReference`, ms (default 0: learning off; at most 20 s). */
  learnHistoryMs?: number;
}

export interface AnalyzerCounters {
  frames: number;
  /** Frames of the wrong length, ignored. */
  badFrames: number;
  events: number;
  /** Frames on which the Goertzel bank ran (the rest were silence). */
  analysedFrames: number;
}

export type LearnError =
  ReferenceError | { code: 'learning_off' | 'outside_history' | 'too_many_references'; message: string };

export class CallProgressAnalyzer {
  readonly frameSamples: number;
  readonly counters: AnalyzerCounters = { frames: 0, badFrames: 0, events: 0, analysedFrames: 0 };
  private readonly spectrum: SpectrumAnalyzer;
  private readonly cadence: CadenceTracker;
  private readonly vad: VoiceActivity;
  private readonly classifier: AudioClassifier;
  private readonly matcher: FingerprintMatcher;
  private readonly prevBands = new Float64Array(BAND_COUNT);
  private readonly toneDominance: number;
  private readonly toneFloor: number;
  private readonly history: Int16Array | undefined;
  private readonly emitFn: (e: ProgressEvent) => void;
  private frameIndex = 0;
  /** Bound once: the matcher's callbacks, not closures per frame. */
  private readonly onHit = (hit: FingerprintHit): void =>
    this.emitFn({ type: 'fingerprint', ...hit, atMs: this.mediaMs });
  private readonly onEnd = (hit: FingerprintHit): void =>
    this.emitFn({ type: 'fingerprint-end', refId: hit.refId, label: hit.label, atMs: this.mediaMs });

  constructor(
    private readonly prims: SignalPrimitives,
    private readonly opts: ProgressAnalyzerOptions,
    onEvent: (e: ProgressEvent) => void,
  ) {
    this.spectrum = new SpectrumAnalyzer(prims, opts.sampleRate);
    this.frameSamples = this.spectrum.frameSamples;
    this.cadence = new CadenceTracker(opts.cadence);
    this.vad = new VoiceActivity(opts.vad);
    this.classifier = new AudioClassifier(opts.audioClass);
    this.matcher = new FingerprintMatcher(opts.matcher);
    this.toneDominance = opts.toneDominanceDb ?? 3;
    this.toneFloor = opts.toneFloorDb ?? -45;
    const learnMs = Math.min(Math.max(0, opts.learnHistoryMs ?? 0), MAX_LEARN_HISTORY_MS);
    const frames = Math.floor(learnMs / FRAME_MS);
    this.history = frames > 0 ? new Int16Array(frames * this.frameSamples) : undefined;
    this.emitFn = (e) => {
      this.counters.events++;
      onEvent(e);
    };
  }

  /** Media time: end of the last frame fed, ms. */
  get mediaMs(): number {
    return this.frameIndex * FRAME_MS;
  }

  addReference(ref: FingerprintReference): boolean {
    return this.matcher.add(ref);
  }

  removeReference(id: string): void {
    this.matcher.remove(id);
  }

  get referenceCount(): number {
    return this.matcher.size;
  }

  /** Feeds one frame of exactly `frameSamples` samples; other lengths are counted and ignored. */
  push(frame: Int16Array): void {
    if (frame.length !== this.frameSamples) {
      this.counters.badFrames++;
      return;
    }
    this.counters.frames++;
    if (this.history) {
      const slot = this.frameIndex % (this.history.length / this.frameSamples);
      this.history.set(frame, slot * this.frameSamples);
    }
    const t = this.frameIndex++;
    const atMs = this.mediaMs;
    const s = this.spectrum.push(frame);
    if (!s.silent) this.counters.analysedFrames++;
    let top = 0;
    for (let i = 1; i < TONE_FREQS_HZ.length; i++) if (s.toneDb[i]! > s.toneDb[top]!) top = i;
    const toneDb = s.toneDb[top]!;
    const isTone = !s.silent && toneDb >= this.toneFloor && toneDb >= s.windowDb - this.toneDominance;
    const emit = this.emitFn;
    this.cadence.push(isTone, TONE_FREQS_HZ[top]!, atMs, emit);
    this.vad.push(s.frameDb, isTone, atMs, emit);
    this.classifier.push(s.frameDb, s.bandDb, s.silent, isTone, atMs, emit);
    if (this.matcher.size > 0 && t > 0) {
      this.matcher.push(t, fingerprintBits(s.bandDb, this.prevBands), this.onHit, this.onEnd);
    }
    this.prevBands.set(s.bandDb);
  }

  /**
   * Turns received audio between two media times into a reference (e.g. the prompt just heard,
   * so a re-prompt is recognised with no per-platform data). Needs `learnHistoryMs`.
   */
  learnReference(
    id: string,
    label: string,
    fromMs: number,
    toMs: number,
  ): { ok: true; value: FingerprintReference } | { ok: false; error: LearnError } {
    const h = this.history;
    if (!h) return { ok: false, error: { code: 'learning_off', message: 'learnHistoryMs is 0' } };
    const slots = h.length / this.frameSamples;
    const oldest = Math.max(0, this.frameIndex - slots);
    const from = Math.max(oldest, Math.floor(fromMs / FRAME_MS));
    const to = Math.min(this.frameIndex, Math.ceil(toMs / FRAME_MS), from + MAX_REFERENCE_MS / FRAME_MS);
    if (to - from < 10) {
      return {
        ok: false,
        error: { code: 'outside_history', message: `${fromMs}-${toMs} ms is not in the kept audio` },
      };
    }
    const pcm = new Int16Array((to - from) * this.frameSamples);
    for (let f = from; f < to; f++) {
      const slot = f % slots;
      pcm.set(
        h.subarray(slot * this.frameSamples, (slot + 1) * this.frameSamples),
        (f - from) * this.frameSamples,
      );
    }
    const built = buildReference(id, label, pcm, this.opts.sampleRate, this.prims);
    if (!built.ok) return built;
    if (!this.matcher.add(built.value)) {
      return { ok: false, error: { code: 'too_many_references', message: 'the matcher holds its maximum' } };
    }
    return built;
  }
}
