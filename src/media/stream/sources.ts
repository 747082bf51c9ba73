/** Source adapters: a source at another rate, resampled frame by frame (streaming, stateful). */
import { Resampler } from '../codec/index.js';
import { SampleFifo } from './sample-fifo.js';
import type { AudioSource, StreamRate } from './stream-types.js';

class ResampledSource implements AudioSource {
  private readonly resampler: Resampler;
  private readonly inFrame: Int16Array;
  private readonly outBuf: Int16Array;
  private readonly fifo: SampleFifo;
  private innerDone = false;
  private flushLeft: number;

  constructor(
    private readonly inner: AudioSource,
    readonly rate: StreamRate,
  ) {
    this.resampler = new Resampler(inner.rate, rate);
    this.inFrame = new Int16Array(inner.rate / 50);
    this.outBuf = new Int16Array(this.resampler.maxOutputLength(this.inFrame.length));
    this.fifo = new SampleFifo(4 * (rate / 50));
    // The filter holds `delay` input samples: feed that much silence after the end to flush them.
    this.flushLeft = this.resampler.delay;
  }

  get done(): boolean {
    return this.innerDone && this.flushLeft <= 0 && this.fifo.size === 0;
  }

  read(frame: Int16Array): number {
    while (this.fifo.size < frame.length && !(this.innerDone && this.flushLeft <= 0)) {
      let n: number;
      if (!this.innerDone) {
        n = this.inner.read(this.inFrame);
        if (n < this.inFrame.length) this.inFrame.fill(0, Math.max(0, n));
        if (this.inner.done) this.innerDone = true;
        else if (n === 0) break; // a live source with nothing yet
        if (this.innerDone) this.flushLeft -= this.inFrame.length - n;
      } else {
        this.inFrame.fill(0);
        this.flushLeft -= this.inFrame.length;
      }
      const m = this.resampler.process(this.inFrame, this.outBuf);
      this.fifo.write(this.outBuf, m);
    }
    return this.fifo.read(frame, frame.length);
  }

  close(): void {
    this.resampler.close();
    this.inner.close?.();
  }
}

/** `source` converted to `rate` (the same object when the rates already match). */
export function resampled(source: AudioSource, rate: StreamRate): AudioSource {
  return source.rate === rate ? source : new ResampledSource(source, rate);
}
