/**
 * Call-progress tone cadences: decides from per-frame "tone present" flags whether the line
 * carries ringback, busy or congestion tone. Patterns are data (on/off ms); China's 450 Hz tones
 * (ringback 1 s / 4 s, busy 0.35 / 0.35 s, congestion 0.7 / 0.7 s) and CEPT's 425 Hz ones are the
 * defaults.
 */
export type ToneKind = 'ringback' | 'busy' | 'congestion' | 'continuous';

export interface CadencePattern {
  tone: Exclude<ToneKind, 'continuous'>;
  onMs: number;
  offMs: number;
  /** Matching cycles needed before reporting (ringback reports early, see below). */
  cycles: number;
}

export const DEFAULT_CADENCES: readonly CadencePattern[] = [
  { tone: 'ringback', onMs: 1000, offMs: 4000, cycles: 1 },
  { tone: 'busy', onMs: 350, offMs: 350, cycles: 2 },
  { tone: 'congestion', onMs: 700, offMs: 700, cycles: 2 },
  { tone: 'busy', onMs: 500, offMs: 500, cycles: 2 },
  { tone: 'congestion', onMs: 250, offMs: 250, cycles: 2 },
];

export interface CadenceOptions {
  patterns?: readonly CadencePattern[];
  /** Relative tolerance on each duration (default 0.2). */
  tolerance?: number;
  /** Absolute tolerance floor, ms (default 80; covers frame quantisation and jitter). */
  toleranceMs?: number;
  /** A tone on longer than this is reported `continuous` (default 3000 ms). */
  continuousMs?: number;
  /** No tone for this long after a report means the tone stopped (default 6000 ms). */
  stopMs?: number;
}

export type CadenceEvent =
  | { type: 'tone'; tone: ToneKind; freqHz: number; atMs: number; onMs: number; offMs: number }
  | { type: 'tone-stopped'; tone: ToneKind; atMs: number };

const FRAME_MS = 20;
/** Frames a new state must last before it counts (debounces single-frame glitches). */
const DEBOUNCE = 2;

export class CadenceTracker {
  private readonly patterns: readonly CadencePattern[];
  private readonly tol: number;
  private readonly tolMs: number;
  private readonly continuousMs: number;
  private readonly stopMs: number;
  private on = false;
  private runFrames = 0;
  private flipFrames = 0;
  private lastOnMs = 0;
  private freqHz = 0;
  private current: ToneKind | undefined;
  /** Consecutive matching cycles per pattern index. */
  private readonly streak: number[];

  constructor(opts: CadenceOptions = {}) {
    this.patterns = opts.patterns ?? DEFAULT_CADENCES;
    this.tol = opts.tolerance ?? 0.2;
    this.tolMs = opts.toleranceMs ?? 80;
    this.continuousMs = opts.continuousMs ?? 3000;
    this.stopMs = opts.stopMs ?? 6000;
    this.streak = this.patterns.map(() => 0);
  }

  get tone(): ToneKind | undefined {
    return this.current;
  }

  /** Feeds one frame; `atMs` is the end of the frame in media time. */
  push(toneOn: boolean, freqHz: number, atMs: number, emit: (e: CadenceEvent) => void): void {
    if (toneOn === this.on) {
      // A flip shorter than DEBOUNCE frames was a glitch: its frames belong to this run.
      this.runFrames += 1 + this.flipFrames;
      this.flipFrames = 0;
    } else if (++this.flipFrames >= DEBOUNCE) {
      const prevMs = this.runFrames * FRAME_MS;
      if (this.on) this.lastOnMs = prevMs;
      else if (this.lastOnMs > 0) this.cycle(this.lastOnMs, prevMs, atMs, emit);
      this.on = toneOn;
      this.runFrames = this.flipFrames;
      this.flipFrames = 0;
    }
    if (toneOn && this.on) this.freqHz = freqHz;
    const runMs = this.runFrames * FRAME_MS;
    if (this.on && runMs >= this.continuousMs && this.current !== 'continuous') {
      this.report('continuous', runMs, 0, atMs, emit);
    }
    if (!this.on && this.lastOnMs > 0) {
      // Ringback is known once its on-burst matched and the silence outlasts every short cadence.
      const ring = this.patterns.findIndex(
        (p) => p.tone === 'ringback' && this.near(this.lastOnMs, p.onMs) && runMs >= p.offMs * 0.4,
      );
      if (ring >= 0 && this.current !== 'ringback') this.report('ringback', this.lastOnMs, runMs, atMs, emit);
      if (this.current && runMs >= this.stopMs) {
        const was = this.current;
        this.current = undefined;
        this.lastOnMs = 0;
        this.streak.fill(0);
        emit({ type: 'tone-stopped', tone: was, atMs });
      }
    }
  }

  private cycle(onMs: number, offMs: number, atMs: number, emit: (e: CadenceEvent) => void): void {
    let matched: number | undefined;
    this.patterns.forEach((p, i) => {
      if (this.near(onMs, p.onMs) && this.near(offMs, p.offMs)) {
        this.streak[i]!++;
        if (matched === undefined && this.streak[i]! >= p.cycles) matched = i;
      } else this.streak[i] = 0;
    });
    if (matched !== undefined) {
      const p = this.patterns[matched]!;
      if (this.current !== p.tone) this.report(p.tone, onMs, offMs, atMs, emit);
    }
  }

  private report(
    tone: ToneKind,
    onMs: number,
    offMs: number,
    atMs: number,
    emit: (e: CadenceEvent) => void,
  ): void {
    this.current = tone;
    emit({ type: 'tone', tone, freqHz: this.freqHz, atMs, onMs, offMs });
  }

  private slack(ms: number): number {
    return Math.max(ms * this.tol, this.tolMs);
  }

  private near(actual: number, expected: number): boolean {
    return Math.abs(actual - expected) <= this.slack(expected);
  }

  reset(): void {
    this.on = false;
    this.runFrames = 0;
    this.flipFrames = 0;
    this.lastOnMs = 0;
    this.current = undefined;
    this.streak.fill(0);
  }
}
