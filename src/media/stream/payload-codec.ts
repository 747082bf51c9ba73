/**
 * The codecs a media stream runs, behind one shape: decode an RTP payload (a region of the
 * datagram) into linear PCM, encode PCM into a payload. G.711 A-law/µ-law and G.722 use the
 * native addon (src/media/codec); L16 is big-endian 16-bit PCM (RFC 3551 §4.5.11), done here.
 * Every codec writes into caller-owned arrays: nothing is allocated per packet.
 */
import type { CodecId } from '../../sdp/index.js';
import { alawDecode, alawEncode, G722Decoder, G722Encoder, ulawDecode, ulawEncode } from '../codec/index.js';
import { MAX_PAYLOAD_BYTES } from './payload-limits.js';
import { codeScratch } from './scratch.js';
import { copyBytes } from './views.js';

export { MAX_PAYLOAD_BYTES };

export interface PayloadCodec {
  readonly id: CodecId;
  /** PCM rate of decoded audio (G.722: 16000 although its RTP clock is 8000). */
  readonly sampleRate: 8000 | 16000;
  /** RTP timestamp rate. */
  readonly clockRate: number;
  /** PCM samples a payload of `bytes` octets decodes to. */
  samplesFor(bytes: number): number;
  /** Octets `samples` PCM samples encode to. */
  bytesFor(samples: number): number;
  /** Decodes `length` octets of `src` at `offset` into `dst`; returns the samples written. */
  decode(src: Uint8Array, offset: number, length: number, dst: Int16Array): number;
  /** Encodes all of `pcm` into `dst`; returns the octets written. */
  encode(pcm: Int16Array, dst: Uint8Array): number;
  close(): void;
}

abstract class BaseCodec {
  /** The payload region as a whole array (the native decoders take whole arrays). */
  protected payload(src: Uint8Array, offset: number, length: number): Uint8Array {
    const n = Math.min(length, MAX_PAYLOAD_BYTES);
    copyBytes(src, offset, n, codeScratch.scratch);
    return codeScratch.view(n);
  }
}

class G711Codec extends BaseCodec implements PayloadCodec {
  readonly sampleRate = 8000;
  readonly clockRate = 8000;
  private readonly dec: (src: Uint8Array, dst?: Int16Array) => Int16Array;
  private readonly enc: (src: Int16Array, dst?: Uint8Array) => Uint8Array;

  constructor(readonly id: 'PCMA' | 'PCMU') {
    super();
    this.dec = id === 'PCMA' ? alawDecode : ulawDecode;
    this.enc = id === 'PCMA' ? alawEncode : ulawEncode;
  }

  samplesFor(bytes: number): number {
    return bytes;
  }

  bytesFor(samples: number): number {
    return samples;
  }

  decode(src: Uint8Array, offset: number, length: number, dst: Int16Array): number {
    const p = this.payload(src, offset, Math.min(length, dst.length));
    this.dec(p, dst);
    return p.length;
  }

  encode(pcm: Int16Array, dst: Uint8Array): number {
    this.enc(pcm, dst);
    return pcm.length;
  }

  close(): void {}
}

class G722Codec extends BaseCodec implements PayloadCodec {
  readonly id = 'G722' as const;
  readonly sampleRate = 16000;
  readonly clockRate = 8000;
  private readonly encoder = new G722Encoder();
  private readonly decoder = new G722Decoder();

  samplesFor(bytes: number): number {
    return 2 * bytes;
  }

  bytesFor(samples: number): number {
    return samples >> 1;
  }

  decode(src: Uint8Array, offset: number, length: number, dst: Int16Array): number {
    const p = this.payload(src, offset, Math.min(length, dst.length >> 1));
    return this.decoder.decode(p, dst);
  }

  /** `pcm` must have an even length (20 ms frames always do). */
  encode(pcm: Int16Array, dst: Uint8Array): number {
    return this.encoder.encode(pcm, dst);
  }

  close(): void {
    this.encoder.close();
    this.decoder.close();
  }
}

class L16Codec implements PayloadCodec {
  readonly clockRate: number;

  constructor(
    readonly id: 'L16/8000' | 'L16/16000',
    readonly sampleRate: 8000 | 16000,
  ) {
    this.clockRate = sampleRate;
  }

  samplesFor(bytes: number): number {
    return bytes >> 1;
  }

  bytesFor(samples: number): number {
    return 2 * samples;
  }

  decode(src: Uint8Array, offset: number, length: number, dst: Int16Array): number {
    const n = Math.min(length >> 1, dst.length);
    for (let i = 0; i < n; i++) {
      const at = offset + 2 * i;
      dst[i] = (((src[at] as number) << 24) >> 16) | (src[at + 1] as number);
    }
    return n;
  }

  encode(pcm: Int16Array, dst: Uint8Array): number {
    for (let i = 0; i < pcm.length; i++) {
      const v = pcm[i] as number;
      dst[2 * i] = (v >> 8) & 0xff;
      dst[2 * i + 1] = v & 0xff;
    }
    return 2 * pcm.length;
  }

  close(): void {}
}

/** A codec instance for one stream (G.722 keeps per-stream state: never share one). */
export function createPayloadCodec(id: CodecId): PayloadCodec {
  switch (id) {
    case 'PCMA':
    case 'PCMU':
      return new G711Codec(id);
    case 'G722':
      return new G722Codec();
    case 'L16/8000':
      return new L16Codec(id, 8000);
    case 'L16/16000':
      return new L16Codec(id, 16000);
  }
}
