/**
 * A live source fed by a producer (TTS engine, MRCP synthesizer, a bridge): raw 16-bit PCM pushed
 * in any chunk size, played 20 ms at a time. Bounded: at most `maxBufferedMs` is held; beyond, the
 * oldest audio is dropped and counted (a producer faster than real time must pace itself with
 * `bufferedMs`). With nothing buffered it plays silence until more comes or `end()` is called.
 */
import { SampleFifo } from '../stream/sample-fifo.js';
import type { AudioSource, StreamRate } from '../stream/stream-types.js';

export class PcmStreamSource implements AudioSource {
  private readonly fifo: SampleFifo;
  private ended = false;
  /** Frames that found the buffer empty before end() (the producer was late). */
  underruns = 0;

  constructor(
    readonly rate: StreamRate,
    maxBufferedMs = 10_000,
  ) {
    this.fifo = new SampleFifo(Math.max(rate / 50, Math.round((rate * maxBufferedMs) / 1000)));
  }

  get done(): boolean {
    return this.ended && this.fifo.size === 0;
  }

  get bufferedMs(): number {
    return Math.round((this.fifo.size * 1000) / this.rate);
  }

  /** Samples dropped because the buffer was full. */
  get dropped(): number {
    return this.fifo.overflowed;
  }

  /** Appends samples: an Int16Array, or a Buffer of little-endian 16-bit PCM (odd tail byte ignored). */
  write(pcm: Int16Array | Buffer): void {
    if (this.ended) return;
    if (pcm instanceof Int16Array) {
      this.fifo.write(pcm, pcm.length);
      return;
    }
    const n = pcm.length >> 1;
    if (pcm.byteOffset % 2 === 0) {
      this.fifo.write(new Int16Array(pcm.buffer, pcm.byteOffset, n), n);
      return;
    }
    const copy = new Int16Array(n);
    for (let i = 0; i < n; i++) copy[i] = pcm.readInt16LE(2 * i);
    this.fifo.write(copy, n);
  }

  /** No more audio: the source is done once the buffer drains. */
  end(): void {
    this.ended = true;
  }

  read(frame: Int16Array): number {
    const n = this.fifo.read(frame, frame.length);
    if (n < frame.length && !this.ended) {
      this.underruns++;
      frame.fill(0, n);
      return frame.length;
    }
    return n;
  }
}
