/**
 * Audio held in memory for playback: a WAV file (16-bit PCM, A-law or µ-law; mono or stereo;
 * 8–48 kHz) decoded once to mono 16-bit PCM at a stream rate (8 or 16 kHz, resampled when the file
 * has another rate). Prompts are small and played many times, so decoding at load keeps the tick
 * path to a copy. Bounded by `maxBytes` per file.
 */
import { readFile, stat } from 'node:fs/promises';
import { alawDecode, Resampler, ulawDecode, type SampleRate } from '../codec/index.js';
import type { StreamRate } from '../stream/stream-types.js';
import { parseWav, type WavErrorCode } from '../wav/wav-format.js';

export interface PcmClip {
  readonly rate: StreamRate;
  readonly samples: Int16Array;
  readonly durationMs: number;
}

export type ClipErrorCode = WavErrorCode | 'file_too_large' | 'file_unreadable';
export type ClipResult = { ok: true; clip: PcmClip } | { ok: false; code: ClipErrorCode; message: string };

/** Default largest file: 16 MiB (about 8 minutes of 16 kHz PCM). */
export const DEFAULT_MAX_CLIP_BYTES = 16 << 20;

/** The stream rate a file rate plays at without losing band: 8 kHz files at 8, anything else at 16. */
export function naturalRate(fileRate: number): StreamRate {
  return fileRate <= 8000 ? 8000 : 16000;
}

/** Decodes a whole WAV file held in `buf` to a mono clip at `rate` (default: naturalRate). */
export function decodeWav(buf: Buffer, rate?: StreamRate): ClipResult {
  const parsed = parseWav(buf);
  if (!parsed.ok) return parsed;
  const { encoding, channels, dataOffset, dataBytes, sampleRate } = parsed.info;
  const frames = dataBytes / (channels * (encoding === 'pcm16' ? 2 : 1));
  const mono = new Int16Array(frames);
  if (encoding === 'pcm16') {
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += buf.readInt16LE(dataOffset + 2 * (i * channels + c));
      mono[i] = Math.round(sum / channels);
    }
  } else {
    const codes = buf.subarray(dataOffset, dataOffset + dataBytes);
    const all = encoding === 'alaw' ? alawDecode(codes) : ulawDecode(codes);
    for (let i = 0; i < frames; i++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += all[i * channels + c] as number;
      mono[i] = Math.round(sum / channels);
    }
  }
  const target = rate ?? naturalRate(sampleRate);
  const samples = sampleRate === target ? mono : resampleAll(mono, sampleRate as SampleRate, target);
  return {
    ok: true,
    clip: { rate: target, samples, durationMs: Math.round((samples.length * 1000) / target) },
  };
}

/** Converts a whole signal, flushing the filter so the tail is kept and the delay removed. */
export function resampleAll(src: Int16Array, from: SampleRate, to: SampleRate): Int16Array {
  const r = new Resampler(from, to);
  try {
    const padded = new Int16Array(src.length + r.delay + 1);
    padded.set(src);
    const out = new Int16Array(r.maxOutputLength(padded.length));
    const n = r.process(padded, out);
    const skip = Math.round((r.delay * to) / from);
    const want = Math.round((src.length * to) / from);
    return out.slice(Math.min(skip, n), Math.min(skip + want, n));
  } finally {
    r.close();
  }
}

/** Reads and decodes a WAV file; never throws. */
export async function loadWavFile(
  path: string,
  options: { rate?: StreamRate; maxBytes?: number } = {},
): Promise<ClipResult> {
  const max = options.maxBytes ?? DEFAULT_MAX_CLIP_BYTES;
  try {
    const st = await stat(path);
    if (st.size > max)
      return { ok: false, code: 'file_too_large', message: `${path}: ${st.size} bytes, at most ${max}` };
    return decodeWav(await readFile(path), options.rate);
  } catch (err) {
    return { ok: false, code: 'file_unreadable', message: `${path}: ${(err as Error).message}` };
  }
}
