/**
 * Helpers for the codec tests: run the independent tools (sox, ffmpeg, multimon-ng, espeak-ng from
 * Debian), move samples in and out of files, and make test signals.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs a tool (bounded to 60 s) and returns its stdout; throws with its stderr on failure. */
export function run(cmd: string, args: readonly string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A scratch folder for one test file, removed by the returned cleanup. */
export function scratch(): { dir: string; path(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vg-codec-'));
  return {
    dir,
    path: (name) => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Writes samples as raw little-endian s16. */
export function writeS16(path: string, samples: Int16Array): void {
  writeFileSync(path, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
}

/** Reads raw little-endian s16 into a fresh (aligned) Int16Array. */
export function readS16(path: string): Int16Array {
  const b = readFileSync(path);
  const out = new Int16Array(b.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = b.readInt16LE(2 * i);
  return out;
}

export function clip16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}

/** Sum of sines (amplitudes in sample units), `seconds` long. */
export function tones(
  rate: number,
  seconds: number,
  hz: readonly number[],
  amp: readonly number[],
): Int16Array {
  const out = new Int16Array(Math.round(rate * seconds));
  for (let i = 0; i < out.length; i++) {
    let v = 0;
    for (let k = 0; k < hz.length; k++) v += amp[k]! * Math.sin((2 * Math.PI * hz[k]! * i) / rate);
    out[i] = clip16(v);
  }
  return out;
}

export function concat(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** xorshift32: reproducible noise. */
export class Rng {
  #s = 2463534242;
  next(): number {
    let s = this.#s;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.#s = s >>> 0;
    return this.#s / 4294967296;
  }
  /** Approximately unit-variance Gaussian (Irwin-Hall). */
  gauss(): number {
    let t = 0;
    for (let i = 0; i < 12; i++) t += this.next();
    return t - 6;
  }
}

/** Amplitude of a sine at `dbm0` (A-law reference: +3.14 dBm0 reaches full scale). */
export function ampForDbm0(dbm0: number): number {
  return 32768 * 10 ** ((dbm0 - 3.14) / 20);
}

/** Splits `x` into consecutive frames of `n` samples (views, no copies; last one may be short). */
export function* frames(x: Int16Array, n: number): Generator<Int16Array> {
  for (let i = 0; i < x.length; i += n) yield x.subarray(i, Math.min(x.length, i + n));
}
