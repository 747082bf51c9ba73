/**
 * RIFF/WAVE header parsing and building for prompts and recordings: PCM 16-bit, A-law (format 6)
 * and µ-law (format 7), mono or stereo, any sample rate the resampler takes. Parsing checks every
 * length before reading, skips unknown chunks, and returns coded errors instead of throwing.
 */

export type WavEncoding = 'pcm16' | 'alaw' | 'mulaw';

export interface WavInfo {
  encoding: WavEncoding;
  sampleRate: number;
  channels: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Bytes of sample data (clamped to what the buffer holds). */
  dataBytes: number;
  /** Bytes per sample frame (all channels). */
  blockAlign: number;
}

export type WavErrorCode =
  | 'wav_too_short'
  | 'wav_not_riff'
  | 'wav_no_fmt'
  | 'wav_no_data'
  | 'wav_bad_chunk'
  | 'wav_unsupported_format'
  | 'wav_unsupported_rate'
  | 'wav_unsupported_channels';

export type WavParse = { ok: true; info: WavInfo } | { ok: false; code: WavErrorCode; message: string };

const FORMAT_PCM = 1;
const FORMAT_ALAW = 6;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;
/** Sample rates the codec layer resamples from. */
export const SUPPORTED_RATES: readonly number[] = [8000, 16000, 22050, 24000, 32000, 44100, 48000];
/** Chunks scanned before giving up on finding `data` (a hostile file could hold millions). */
const MAX_CHUNKS = 64;

function fail(code: WavErrorCode, message: string): WavParse {
  return { ok: false, code, message };
}

/** Parses the header of a WAV file held in `buf` (the whole file, or at least its header). */
export function parseWav(buf: Buffer): WavParse {
  if (buf.length < 12) return fail('wav_too_short', `WAV needs at least 12 bytes, got ${buf.length}`);
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') {
    return fail('wav_not_riff', 'not a RIFF/WAVE file');
  }
  let off = 12;
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes'> | undefined;
  for (let n = 0; n < MAX_CHUNKS && off + 8 <= buf.length; n++) {
    const id = buf.toString('latin1', off, off + 4);
    const size = buf.readUInt32LE(off + 4);
    const body = off + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > buf.length)
        return fail('wav_bad_chunk', `fmt chunk of ${size} bytes is too short`);
      let format = buf.readUInt16LE(body);
      const channels = buf.readUInt16LE(body + 2);
      const sampleRate = buf.readUInt32LE(body + 4);
      const blockAlign = buf.readUInt16LE(body + 12);
      const bits = buf.readUInt16LE(body + 14);
      if (format === FORMAT_EXTENSIBLE) {
        if (size < 40 || body + 26 > buf.length)
          return fail('wav_bad_chunk', 'WAVE_FORMAT_EXTENSIBLE fmt chunk too short');
        format = buf.readUInt16LE(body + 24);
      }
      const encoding: WavEncoding | undefined =
        format === FORMAT_PCM && bits === 16
          ? 'pcm16'
          : format === FORMAT_ALAW && bits === 8
            ? 'alaw'
            : format === FORMAT_MULAW && bits === 8
              ? 'mulaw'
              : undefined;
      if (!encoding) {
        return fail(
          'wav_unsupported_format',
          `format ${format} with ${bits} bits; need 16-bit PCM, A-law or µ-law`,
        );
      }
      if (channels !== 1 && channels !== 2) return fail('wav_unsupported_channels', `${channels} channels`);
      if (!SUPPORTED_RATES.includes(sampleRate)) {
        return fail('wav_unsupported_rate', `${sampleRate} Hz; supported: ${SUPPORTED_RATES.join(', ')}`);
      }
      const expectAlign = channels * (encoding === 'pcm16' ? 2 : 1);
      if (blockAlign !== expectAlign)
        return fail('wav_bad_chunk', `block align ${blockAlign}, expected ${expectAlign}`);
      fmt = { encoding, sampleRate, channels, blockAlign };
    } else if (id === 'data') {
      if (!fmt) return fail('wav_no_fmt', 'data chunk before fmt chunk');
      // Streaming writers leave 0 or 0xFFFFFFFF; take what the file holds, whole frames only.
      const avail = buf.length - body;
      let dataBytes = size === 0 || size === 0xffffffff || size > avail ? avail : size;
      dataBytes -= dataBytes % fmt.blockAlign;
      return { ok: true, info: { ...fmt, dataOffset: body, dataBytes } };
    }
    // Chunks are word-aligned (a pad byte follows an odd size).
    off = body + size + (size & 1);
  }
  return fmt ? fail('wav_no_data', 'no data chunk') : fail('wav_no_fmt', 'no fmt chunk');
}

/** A 44-byte canonical PCM16 header for `dataBytes` bytes of samples. */
export function wavHeader(sampleRate: number, channels: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, 36 + dataBytes), 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(FORMAT_PCM, 20);
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28);
  h.writeUInt16LE(channels * 2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(Math.min(0xffffffff, dataBytes), 40);
  return h;
}
