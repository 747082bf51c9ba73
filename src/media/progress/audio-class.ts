/**
 * Speech / music / noise / tone / silence classification over a sliding 1 s window, from frame
 * levels and the shape of the band spectrum. Speech is recognised by syllabic modulation (dips of
 * 12 dB between syllables, large frame-to-frame level changes); music by a spectrum that holds
 * still from frame to frame without such dips; noise by neither. Decisions every 240 ms; a class
 * is reported once two decisions in a row agree.
 */
import { BAND_COUNT } from './spectrum.js';

export type AudioClass = 'silence' | 'tone' | 'speech' | 'music' | 'noise';

export interface AudioClassOptions {
  /** Window frames (default 50 = 1 s). */
  windowFrames?: number;
  /** Frames between decisions (default 12 = 240 ms). */
  hopFrames?: number;
  /** Below this the window is silence, dBov (default -50). */
  silenceDb?: number;
  /** Fraction of frames in dips that marks speech (default 0.2). */
  speechDipFraction?: number;
  /** Mean frame-to-frame level change that marks speech, dB (default 3). */
  speechLevelChangeDb?: number;
  /** Spectral frame-to-frame correlation that marks music (default 0.7). */
  musicCorrelation?: number;
}

export type ClassEvent = { type: 'audio-class'; audioClass: AudioClass; atMs: number };

const DIP_DB = 12;

export class AudioClassifier {
  private readonly n: number;
  private readonly hop: number;
  private readonly silenceDb: number;
  private readonly dipFrac: number;
  private readonly changeDb: number;
  private readonly musicCorr: number;
  private readonly db: Float64Array;
  private readonly corr: Float64Array;
  private readonly tone: Uint8Array;
  private readonly prevBands = new Float64Array(BAND_COUNT);
  private count = 0;
  private pending: AudioClass | undefined;
  private current: AudioClass | undefined;

  constructor(opts: AudioClassOptions = {}) {
    this.n = opts.windowFrames ?? 50;
    this.hop = opts.hopFrames ?? 12;
    this.silenceDb = opts.silenceDb ?? -50;
    this.dipFrac = opts.speechDipFraction ?? 0.2;
    this.changeDb = opts.speechLevelChangeDb ?? 3;
    this.musicCorr = opts.musicCorrelation ?? 0.7;
    this.db = new Float64Array(this.n);
    this.corr = new Float64Array(this.n);
    this.tone = new Uint8Array(this.n);
  }

  get audioClass(): AudioClass | undefined {
    return this.current;
  }

  push(
    frameDb: number,
    bands: Float64Array,
    silent: boolean,
    isTone: boolean,
    atMs: number,
    emit: (e: ClassEvent) => void,
  ): void {
    const i = this.count % this.n;
    this.db[i] = frameDb;
    this.corr[i] = silent ? 0 : correlation(bands, this.prevBands);
    this.tone[i] = isTone ? 1 : 0;
    this.prevBands.set(bands);
    this.count++;
    if (this.count < this.n / 2 || this.count % this.hop !== 0) return;
    const decided = this.decide();
    if (decided === undefined) return;
    if (decided === this.pending && decided !== this.current) {
      this.current = decided;
      emit({ type: 'audio-class', audioClass: decided, atMs });
    }
    this.pending = decided;
  }

  /** Classifies the window (oldest first); undefined when there is too little sound to say. */
  private decide(): AudioClass | undefined {
    const len = Math.min(this.count, this.n);
    const at = (k: number) => (this.count - len + k) % this.n;
    let max = -Infinity;
    let tones = 0;
    for (let k = 0; k < len; k++) {
      const j = at(k);
      tones += this.tone[j]!;
      if (!this.tone[j] && this.db[j]! > max) max = this.db[j]!;
    }
    if (tones * 2 >= len) return 'tone';
    if (max < this.silenceDb) return 'silence';
    // The sounding span: leading and trailing quiet is silence around the sound, not dips in it.
    let first = -1;
    let last = -1;
    for (let k = 0; k < len; k++) {
      const j = at(k);
      if (!this.tone[j] && this.db[j]! >= max - DIP_DB) {
        if (first < 0) first = k;
        last = k;
      }
    }
    const span = last - first + 1;
    if (span < 15) return undefined;
    let dips = 0;
    let change = 0;
    let corr = 0;
    let loud = 0;
    for (let k = first; k <= last; k++) {
      const j = at(k);
      if (this.db[j]! < max - DIP_DB) dips++;
      else {
        corr += this.corr[j]!;
        loud++;
      }
      if (k > first) change += Math.abs(this.db[j]! - this.db[at(k - 1)]!);
    }
    if (dips / span >= this.dipFrac || change / (span - 1) >= this.changeDb) return 'speech';
    return corr / loud >= this.musicCorr ? 'music' : 'noise';
  }

  reset(): void {
    this.count = 0;
    this.pending = undefined;
    this.current = undefined;
  }
}

/** Pearson correlation of two band-level vectors (spectral shape similarity). */
function correlation(a: Float64Array, b: Float64Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < BAND_COUNT; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= BAND_COUNT;
  mb /= BAND_COUNT;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < BAND_COUNT; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
