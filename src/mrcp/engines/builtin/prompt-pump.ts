/**
 * Moves a prompt's audio from its producer (espeak-ng output, or a cached prompt) to the
 * synthesizer machine's SynthOutput, honouring its back-pressure: `write` returning false means
 * "queued, but wait for onDrain". The producer may run ahead of playout by up to `aheadSamples`
 * (so espeak-ng can finish and free its slot early); past that `onHigh` asks it to pause and
 * `onLow` lets it go on. Marks travel in order with the samples.
 */
import type { SynthOutput } from '../engine-types.js';

type Item = Int16Array | { mark: string };

export class PromptPump {
  private readonly items: Item[] = [];
  private head = 0;
  private buffered = 0;
  private waiting = false;
  private ended = false;
  private finished = false;
  private closed = false;
  private paused = false;
  /** Everything written, in order, for the cache (undefined once over `recordLimit`). */
  private record:
    { chunks: Int16Array[]; samples: number; marks: { at: number; name: string }[] } | undefined;
  /** Samples handed to the output so far. */
  written = 0;

  constructor(
    private readonly out: SynthOutput,
    private readonly aheadSamples: number,
    private readonly onHigh: () => void,
    private readonly onLow: () => void,
    private readonly recordLimit = 0,
  ) {
    if (recordLimit > 0) this.record = { chunks: [], samples: 0, marks: [] };
  }

  push(samples: Int16Array): void {
    if (this.closed || this.ended || samples.length === 0) return;
    if (this.record) {
      if (this.record.samples + samples.length > this.recordLimit) this.record = undefined;
      else {
        this.record.chunks.push(samples);
        this.record.samples += samples.length;
      }
    }
    this.items.push(samples);
    this.buffered += samples.length;
    this.pump();
    if (!this.paused && this.buffered > this.aheadSamples) {
      this.paused = true;
      this.onHigh();
    }
  }

  mark(name: string): void {
    if (this.closed || this.ended) return;
    this.record?.marks.push({ at: this.record.samples, name });
    this.items.push({ mark: name });
    this.pump();
  }

  /** No more audio: SynthOutput.end() once everything buffered has been written. */
  end(): void {
    if (this.closed || this.ended) return;
    this.ended = true;
    this.pump();
  }

  /** Stops everything; no further call reaches the output. */
  close(): void {
    this.closed = true;
    this.items.length = 0;
    this.head = 0;
    this.buffered = 0;
    this.record = undefined;
  }

  get done(): boolean {
    return this.finished;
  }

  /** The whole prompt as written, when it stayed under the record limit. */
  recording(): { samples: Int16Array; marks: { at: number; name: string }[] } | undefined {
    const r = this.record;
    if (!r || !this.finished) return undefined;
    const all = new Int16Array(r.samples);
    let o = 0;
    for (const c of r.chunks) {
      all.set(c, o);
      o += c.length;
    }
    return { samples: all, marks: r.marks };
  }

  private pump(): void {
    if (this.waiting || this.closed) return;
    while (this.head < this.items.length) {
      const it = this.items[this.head++] as Item;
      if (it instanceof Int16Array) {
        this.buffered -= it.length;
        this.written += it.length;
        const more = this.out.write(it);
        if (this.closed) return;
        if (!more) {
          this.waiting = true;
          this.out.onDrain(() => {
            this.waiting = false;
            this.pump();
          });
          this.compact();
          this.maybeResume();
          return;
        }
      } else this.out.marker(it.mark);
    }
    this.compact();
    this.maybeResume();
    if (this.ended && !this.finished) {
      this.finished = true;
      this.out.end();
    }
  }

  private compact(): void {
    if (this.head > 64 || this.head === this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
  }

  private maybeResume(): void {
    if (this.paused && this.buffered <= this.aheadSamples / 2) {
      this.paused = false;
      this.onLow();
    }
  }
}
