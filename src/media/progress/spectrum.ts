/**
 * Per-frame spectral snapshot shared by the analyzers: Goertzel levels on a fixed probe grid over
 * the telephone band, folded into log-spaced bands. One toneLevelsDbov call per frame feeds the
 * tone detector, the speech/music classifier and the fingerprinter alike.
 */
import { clampDb, DBOV_FLOOR, type SignalPrimitives } from './primitives.js';

/** Call-progress tone frequencies probed: China 450 Hz, CEPT 425 Hz, 440 Hz. */
export const TONE_FREQS_HZ = [425, 440, 450] as const;

/** Probe grid for band energies: every 50 Hz from 300 to 3400 Hz (a 40 ms window resolves 25 Hz). */
const PROBE_MIN_HZ = 300;
const PROBE_STEP_HZ = 50;
const PROBE_COUNT = 63;
/** 17 log-spaced bands give 16 fingerprint bits per frame. */
export const BAND_COUNT = 17;

export interface SpectrumLayout {
  /** Every probed frequency: the tone set first, then the band grid. */
  readonly freqs: readonly number[];
  /** Index into `freqs` where the band grid starts. */
  readonly gridStart: number;
  /** For each band, [first, end) indices into the grid. */
  readonly bands: readonly (readonly [number, number])[];
}

function buildLayout(): SpectrumLayout {
  const grid = Array.from({ length: PROBE_COUNT }, (_, i) => PROBE_MIN_HZ + i * PROBE_STEP_HZ);
  const lo = PROBE_MIN_HZ;
  const hi = PROBE_MIN_HZ + PROBE_COUNT * PROBE_STEP_HZ;
  const bands: [number, number][] = [];
  let start = 0;
  for (let b = 0; b < BAND_COUNT; b++) {
    const edge = lo * Math.pow(hi / lo, (b + 1) / BAND_COUNT);
    let end = start + 1;
    while (end < PROBE_COUNT && grid[end]! < edge) end++;
    if (b === BAND_COUNT - 1) end = PROBE_COUNT;
    // Keep room for the remaining bands (each needs one probe at least).
    end = Math.min(end, PROBE_COUNT - (BAND_COUNT - 1 - b));
    bands.push([start, end]);
    start = end;
  }
  return { freqs: [...TONE_FREQS_HZ, ...grid], gridStart: TONE_FREQS_HZ.length, bands };
}

export const SPECTRUM_LAYOUT: SpectrumLayout = buildLayout();
const GRID_FREQS = SPECTRUM_LAYOUT.freqs.slice(SPECTRUM_LAYOUT.gridStart);

/** Results of one analysis step; arrays are reused across frames (copy what you keep). */
export interface Spectrum {
  /** Level of the newest 20 ms frame. */
  frameDb: number;
  /** Level of the analysis window (previous + newest frame, 40 ms). */
  windowDb: number;
  /** Levels at TONE_FREQS_HZ over the window. */
  readonly toneDb: Float64Array;
  /** Band energies over the window, dBov. */
  readonly bandDb: Float64Array;
  /** True when the window was below the analysis floor and levels were not computed. */
  silent: boolean;
}

/**
 * Slides a 40 ms window in 20 ms hops over the incoming frames and computes a Spectrum per hop.
 * Allocation-free after construction.
 */
export class SpectrumAnalyzer {
  readonly frameSamples: number;
  private readonly window: Int16Array;
  /** The window times a Hann taper, for the band grid (see push). */
  private readonly tapered: Int16Array;
  private readonly hann: Float32Array;
  private readonly toneLevels: Float64Array;
  private readonly levels: Float64Array;
  readonly spectrum: Spectrum;

  constructor(
    private readonly prims: SignalPrimitives,
    readonly sampleRate: number,
    /** Windows quieter than this skip the Goertzel bank (saves CPU on silence). */
    private readonly floorDb = -65,
  ) {
    this.frameSamples = (sampleRate / 1000) * 20;
    const n = this.frameSamples * 2;
    this.window = new Int16Array(n);
    this.tapered = new Int16Array(n);
    this.hann = new Float32Array(n);
    for (let i = 0; i < n; i++) this.hann[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / n);
    this.toneLevels = new Float64Array(TONE_FREQS_HZ.length);
    this.levels = new Float64Array(SPECTRUM_LAYOUT.freqs.length - SPECTRUM_LAYOUT.gridStart);
    this.spectrum = {
      frameDb: DBOV_FLOOR,
      windowDb: DBOV_FLOOR,
      toneDb: new Float64Array(TONE_FREQS_HZ.length).fill(DBOV_FLOOR),
      bandDb: new Float64Array(BAND_COUNT).fill(DBOV_FLOOR),
      silent: true,
    };
  }

  /** Feeds one frame of exactly `frameSamples` samples. */
  push(frame: Int16Array): Spectrum {
    const n = this.frameSamples;
    this.window.copyWithin(0, n);
    this.window.set(frame.subarray(0, n), n);
    const s = this.spectrum;
    s.frameDb = clampDb(this.prims.frameEnergyDbov(frame.subarray(0, n)));
    s.windowDb = clampDb(this.prims.frameEnergyDbov(this.window));
    if (s.windowDb < this.floorDb) {
      s.silent = true;
      s.toneDb.fill(DBOV_FLOOR);
      s.bandDb.fill(DBOV_FLOOR);
      return s;
    }
    s.silent = false;
    // Tones on the plain window, so a sine reads the same from both primitives (the convention).
    this.prims.toneLevelsDbov(this.window, this.sampleRate, TONE_FREQS_HZ, this.toneLevels);
    for (let i = 0; i < TONE_FREQS_HZ.length; i++) s.toneDb[i] = clampDb(this.toneLevels[i]!);
    // Bands on a Hann-tapered copy: with a rectangular window, leakage from strong low harmonics
    // changes with where the window cuts the waveform, and a 0.5 ms shift flips fingerprint bits.
    const w = this.window;
    const tp = this.tapered;
    const h = this.hann;
    for (let i = 0; i < w.length; i++) tp[i] = Math.round(w[i]! * h[i]!);
    this.prims.toneLevelsDbov(tp, this.sampleRate, GRID_FREQS, this.levels);
    for (let b = 0; b < BAND_COUNT; b++) {
      const [from, to] = SPECTRUM_LAYOUT.bands[b]!;
      let p = 0;
      for (let i = from; i < to; i++) p += Math.pow(10, clampDb(this.levels[i]!) / 10);
      s.bandDb[b] = clampDb(10 * Math.log10(p));
    }
    return s;
  }

  reset(): void {
    this.window.fill(0);
  }
}
