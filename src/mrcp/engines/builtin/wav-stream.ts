/**
 * Incremental reader of a RIFF/WAVE byte stream of 16-bit mono PCM (what `espeak-ng --stdout`
 * writes: a header whose sizes are placeholders, then samples as they are synthesized). Bytes
 * come in arbitrary pieces; samples leave as soon as whole ones are there. Bounded: the header
 * may not exceed `maxHeaderBytes`.
 */
export type WavReadResult =
  { ok: true; sampleRate?: number; samples?: Int16Array } | { ok: false; error: string };

export class WavStreamReader {
  sampleRate = 0;
  private header: Buffer = Buffer.alloc(0);
  private inData = false;
  private odd: number | undefined;

  constructor(private readonly maxHeaderBytes = 4096) {}

  /** Feeds bytes; returns the samples now complete (a fresh array) and the rate once known. */
  push(chunk: Buffer): WavReadResult {
    if (!this.inData) {
      this.header = this.header.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.header, chunk]);
      const h = this.parseHeader();
      if (!h.ok) return h;
      if (!this.inData) return { ok: true };
      const rest = this.header.subarray(h.dataStart);
      this.header = Buffer.alloc(0);
      return { ok: true, sampleRate: this.sampleRate, samples: this.pcm(rest) };
    }
    return { ok: true, samples: this.pcm(chunk) };
  }

  private parseHeader(): { ok: true; dataStart: number } | { ok: false; error: string } {
    const b = this.header;
    const more = (): { ok: true; dataStart: number } | { ok: false; error: string } =>
      b.length > this.maxHeaderBytes
        ? { ok: false, error: `WAV header longer than ${this.maxHeaderBytes} bytes` }
        : { ok: true, dataStart: 0 };
    if (b.length < 12) return more();
    if (b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE')
      return { ok: false, error: 'not a RIFF/WAVE stream' };
    let p = 12;
    while (p + 8 <= b.length) {
      const id = b.toString('latin1', p, p + 4);
      const size = b.readUInt32LE(p + 4);
      if (id === 'data') {
        if (this.sampleRate === 0) return { ok: false, error: 'WAV data before its fmt chunk' };
        this.inData = true;
        return { ok: true, dataStart: p + 8 };
      }
      if (size > this.maxHeaderBytes) return { ok: false, error: `WAV chunk ${id} too large` };
      if (p + 8 + size > b.length) return more();
      if (id === 'fmt ') {
        if (size < 16) return { ok: false, error: 'short fmt chunk' };
        const format = b.readUInt16LE(p + 8);
        const channels = b.readUInt16LE(p + 10);
        const rate = b.readUInt32LE(p + 12);
        const bits = b.readUInt16LE(p + 22);
        if (format !== 1 || channels !== 1 || bits !== 16)
          return { ok: false, error: `unsupported WAV format ${format}/${channels}ch/${bits}bit` };
        this.sampleRate = rate;
      }
      p += 8 + size + (size & 1);
    }
    return more();
  }

  private pcm(bytes: Buffer): Int16Array {
    const lead = this.odd === undefined ? 0 : 1;
    const total = lead + bytes.length;
    const n = total >> 1;
    const out = new Int16Array(n);
    let i = 0;
    let src = 0;
    if (lead === 1 && n > 0) {
      out[0] = (((this.odd as number) | ((bytes[0] as number) << 8)) << 16) >> 16;
      i = 1;
      src = 1;
      this.odd = undefined;
    }
    for (; i < n; i++, src += 2) out[i] = bytes.readInt16LE(src);
    if (src < bytes.length) this.odd = bytes[src] as number;
    return out;
  }
}
