/**
 * Minimal WAV reader for reference recordings: RIFF/WAVE with 16-bit PCM, A-law or mu-law
 * (G.711 expansion per ITU-T G.711 tables), mono, 8 or 16 kHz. Checks every length before
 * reading and returns coded errors; unknown chunks are skipped.
 */
export type WavErrorCode =
  | 'wav_too_large'
  | 'wav_not_riff'
  | 'wav_truncated'
  | 'wav_no_format'
  | 'wav_no_data'
  | 'wav_unsupported_format'
  | 'wav_unsupported_rate'
  | 'wav_not_mono';

export interface WavError {
  code: WavErrorCode;
  message: string;
}

export interface WavAudio {
  sampleRate: number;
  samples: Int16Array;
}

/** Largest file accepted: a minute of 16 kHz PCM. */
export const MAX_WAV_BYTES = 2 * 16000 * 60 + 4096;

export function readWav(buf: Uint8Array): { ok: true; value: WavAudio } | { ok: false; error: WavError } {
  const fail = (code: WavErrorCode, message: string) => ({ ok: false as const, error: { code, message } });
  if (buf.length > MAX_WAV_BYTES)
    return fail('wav_too_large', `${buf.length} bytes, at most ${MAX_WAV_BYTES}`);
  if (buf.length < 12) return fail('wav_truncated', 'shorter than a RIFF header');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const tag = (at: number) => String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
  if (tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return fail('wav_not_riff', 'not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let pos = 12;
  while (pos + 8 <= buf.length) {
    const id = tag(pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length) return fail('wav_truncated', 'fmt chunk cut short');
      let format = view.getUint16(body, true);
      // WAVE_FORMAT_EXTENSIBLE: the real format is the first two bytes of the sub-format GUID.
      if (format === 0xfffe && size >= 40 && body + 26 <= buf.length)
        format = view.getUint16(body + 24, true);
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        rate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt) return fail('wav_no_format', 'data chunk before fmt chunk');
      const len = Math.min(size, buf.length - body);
      return decode(fmt, buf.subarray(body, body + len), view, body, fail);
    }
    pos = body + size + (size & 1);
  }
  return fmt ? fail('wav_no_data', 'no data chunk') : fail('wav_no_format', 'no fmt chunk');
}

function decode(
  fmt: { format: number; channels: number; rate: number; bits: number },
  data: Uint8Array,
  view: DataView,
  at: number,
  fail: (code: WavErrorCode, message: string) => { ok: false; error: WavError },
): { ok: true; value: WavAudio } | { ok: false; error: WavError } {
  if (fmt.channels !== 1)
    return fail('wav_not_mono', `${fmt.channels} channels; convert with sox in.wav -c 1 out.wav`);
  if (fmt.rate !== 8000 && fmt.rate !== 16000) {
    return fail('wav_unsupported_rate', `${fmt.rate} Hz; convert with sox in.wav -r 8000 out.wav`);
  }
  if (fmt.format === 1 && fmt.bits === 16) {
    const n = data.length >> 1;
    const samples = new Int16Array(n);
    for (let i = 0; i < n; i++) samples[i] = view.getInt16(at + 2 * i, true);
    return { ok: true, value: { sampleRate: fmt.rate, samples } };
  }
  if ((fmt.format === 6 || fmt.format === 7) && fmt.bits === 8) {
    const expand = fmt.format === 6 ? alawToLinear : ulawToLinear;
    const samples = new Int16Array(data.length);
    for (let i = 0; i < data.length; i++) samples[i] = expand(data[i]!);
    return { ok: true, value: { sampleRate: fmt.rate, samples } };
  }
  return fail(
    'wav_unsupported_format',
    `format ${fmt.format} with ${fmt.bits} bits; use 16-bit PCM, A-law or mu-law`,
  );
}

/** G.711 A-law expansion. */
function alawToLinear(a: number): number {
  const v = a ^ 0x55;
  const exp = (v & 0x70) >> 4;
  let mag = (v & 0x0f) << 4;
  mag = exp === 0 ? mag + 8 : (mag + 0x108) << (exp - 1);
  return v & 0x80 ? mag : -mag;
}

/** G.711 mu-law expansion. */
function ulawToLinear(u: number): number {
  const v = ~u & 0xff;
  const mag = (((v & 0x0f) << 3) + 0x84) << ((v & 0x70) >> 4);
  return v & 0x80 ? 0x84 - mag : mag - 0x84;
}
