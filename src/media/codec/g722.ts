/**
 * ITU-T G.722 at 64 kbit/s: 16 kHz linear PCM <-> one octet per two samples. Each object keeps
 * one direction of one stream's state (sub-band predictors, quantiser scales, QMF history), so
 * frames must be fed in order. Bit-exact with ffmpeg's g722 encoder and decoder.
 */
import { checkBytes, checkCapacity, checkInt16, CodecClosedError } from './check.js';
import { native, type NativeG722Decoder, type NativeG722Encoder } from './native.js';

export class G722Encoder {
  #h: NativeG722Encoder | null = new (native().G722Encoder)();

  /** Encodes `pcm` (even length) into `dst` (at least pcm.length / 2 octets); returns octets written. */
  encode(pcm: Int16Array, dst: Uint8Array): number {
    const h = this.#live();
    checkInt16('G722Encoder.encode', 'pcm', pcm);
    if (pcm.length % 2 !== 0) {
      throw new RangeError(`G722Encoder.encode: pcm length must be even (got ${pcm.length})`);
    }
    checkBytes('G722Encoder.encode', 'dst', dst);
    checkCapacity('G722Encoder.encode', 'dst', dst.length, pcm.length / 2);
    return h.encode(pcm, dst);
  }

  /** Back to the initial state, as for a new stream. */
  reset(): void {
    this.#live().reset();
  }

  /** Frees the state; any later call throws CodecClosedError. Idempotent. */
  close(): void {
    this.#h?.close();
    this.#h = null;
  }

  get closed(): boolean {
    return this.#h === null;
  }

  #live(): NativeG722Encoder {
    if (this.#h === null) throw new CodecClosedError('G722Encoder');
    return this.#h;
  }
}

export class G722Decoder {
  #h: NativeG722Decoder | null = new (native().G722Decoder)();

  /** Decodes `code` into `dst` (at least code.length * 2 samples); returns samples written. */
  decode(code: Uint8Array, dst: Int16Array): number {
    const h = this.#live();
    checkBytes('G722Decoder.decode', 'code', code);
    checkInt16('G722Decoder.decode', 'dst', dst);
    checkCapacity('G722Decoder.decode', 'dst', dst.length, code.length * 2);
    return h.decode(code, dst);
  }

  reset(): void {
    this.#live().reset();
  }

  close(): void {
    this.#h?.close();
    this.#h = null;
  }

  get closed(): boolean {
    return this.#h === null;
  }

  #live(): NativeG722Decoder {
    if (this.#h === null) throw new CodecClosedError('G722Decoder');
    return this.#h;
  }
}
