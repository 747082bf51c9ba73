/**
 * The only importer of the native addon (build/Release/voicegate_native.node, built by node-gyp
 * during `npm ci`). Everything else uses the typed functions of this folder, which validate every
 * argument before it crosses into C++.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface NativeG722Encoder {
  encode(pcm: Int16Array, dst: Uint8Array): number;
  reset(): void;
  close(): void;
}
export interface NativeG722Decoder {
  decode(code: Uint8Array, dst: Int16Array): number;
  reset(): void;
  close(): void;
}
export interface NativeResampler {
  process(src: Int16Array, dst: Int16Array): number;
  info(): { up: number; down: number; taps: number; delay: number };
  reset(): void;
  close(): void;
}
export interface NativeDtmfGenerator {
  queue(keys: string): boolean;
  generate(dst: Int16Array): number;
  pending(): number;
  reset(): void;
  close(): void;
}
export interface NativeDtmfWindow {
  key: string;
  row: number;
  col: number;
  rowDbov: number;
  colDbov: number;
  totalDbov: number;
  rowDeviation: number;
  colDeviation: number;
}
export interface NativeDtmfDetector {
  process(src: Int16Array): string;
  lastWindow(): NativeDtmfWindow;
  reset(): void;
  close(): void;
}
export interface NativeVad {
  /** 0 silence, 1 onset, 2 speech, 3 hangover. */
  process(src: Int16Array): number;
  energyDbov(): number;
  noiseFloorDbov(): number;
  reset(): void;
  close(): void;
}
export interface NativeG711Tables {
  alaw_decode: Int16Array;
  ulaw_decode: Int16Array;
  alaw_to_ulaw: Uint8Array;
  ulaw_to_alaw: Uint8Array;
  /** Indexed by sample + 32768. */
  alaw_encode: Uint8Array;
  ulaw_encode: Uint8Array;
}

/** The addon's raw snake_case exports. */
export interface NativeAddon {
  abi_version: number;
  sd_notify(socketPath: string, state: string): 'sent' | 'no-socket';
  g711_alaw_encode(src: Int16Array, dst: Uint8Array): void;
  g711_ulaw_encode(src: Int16Array, dst: Uint8Array): void;
  g711_alaw_decode(src: Uint8Array, dst: Int16Array): void;
  g711_ulaw_decode(src: Uint8Array, dst: Int16Array): void;
  g711_alaw_to_ulaw(src: Uint8Array, dst: Uint8Array): void;
  g711_ulaw_to_alaw(src: Uint8Array, dst: Uint8Array): void;
  g711_tables(): NativeG711Tables;
  G722Encoder: new () => NativeG722Encoder;
  G722Decoder: new () => NativeG722Decoder;
  Resampler: new (fromHz: number, toHz: number) => NativeResampler;
  DtmfGenerator: new (
    sampleRate: number,
    toneMs: number,
    gapMs: number,
    lowDbm0: number,
    highDbm0: number,
  ) => NativeDtmfGenerator;
  DtmfDetector: new (sampleRate: number) => NativeDtmfDetector;
  Vad: new (
    sampleRate: number,
    thresholdDbov: number,
    marginDb: number,
    onsetMs: number,
    hangoverMs: number,
    floorRiseDbPerS: number,
  ) => NativeVad;
  frame_energy_dbov(samples: Int16Array): number;
  tone_levels_dbov(samples: Int16Array, sampleRate: number, freqsHz: Float64Array, out: Float64Array): void;
  /** Bare N-API crossings, for the benchmark. */
  noop(): void;
  noop_typed(src: Int16Array): number;
}

export const EXPECTED_ABI = 2;

export class NativeAddonMissingError extends Error {
  readonly code = 'native_addon_missing';
  constructor(path: string, cause: string) {
    super(
      `voicegate's native addon could not be loaded from ${path} (${cause}). ` +
        'Build it with `npm rebuild` (or `npx node-gyp rebuild`) in the voicegate folder; ' +
        'it needs python3, make and g++.',
    );
    this.name = 'NativeAddonMissingError';
  }
}

let cached: NativeAddon | undefined;

/** Path of the addon: $VOICEGATE_NATIVE_ADDON, else build/Release under the package root. */
export function nativeAddonPath(): string {
  const fromEnv = process.env.VOICEGATE_NATIVE_ADDON;
  if (fromEnv) return fromEnv;
  // This file sits at dist/src/media/codec/native.js; the package root is four levels up.
  return fileURLToPath(new URL('../../../../build/Release/voicegate_native.node', import.meta.url));
}

/** Loads the addon once; throws NativeAddonMissingError naming the fix. */
export function native(): NativeAddon {
  if (cached) return cached;
  const path = nativeAddonPath();
  if (!existsSync(path)) throw new NativeAddonMissingError(path, 'file not found');
  let mod: NativeAddon;
  try {
    mod = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new NativeAddonMissingError(path, (err as Error).message.split('\n')[0] ?? 'load failed');
  }
  if (mod.abi_version !== EXPECTED_ABI) {
    throw new NativeAddonMissingError(
      path,
      `addon ABI ${mod.abi_version}, expected ${EXPECTED_ABI}: it is stale`,
    );
  }
  cached = mod;
  return mod;
}
