/**
 * Bounded FIFO of PCM samples between a synthesizer engine (writer) and the media clock
 * (reader, one frame at a time). Counts samples written and read so that speech markers can be
 * placed at a write position and fired when playout reaches it.
 */
export class AudioQueue {
  private chunks: Int16Array[] = [];
  private head = 0; // read offset into chunks[0]
  private queued = 0;
  written = 0;
  played = 0;

  constructor(readonly capacity: number) {}

  get length(): number {
    return this.queued;
  }

  get full(): boolean {
    return this.queued >= this.capacity;
  }

  /** Appends samples (kept by reference: the writer must not reuse the array). */
  write(samples: Int16Array): void {
    if (samples.length === 0) return;
    this.chunks.push(samples);
    this.queued += samples.length;
    this.written += samples.length;
  }

  /** Fills `frame` from the queue; returns how many samples were copied (the rest is zeroed). */
  read(frame: Int16Array): number {
    let n = 0;
    while (n < frame.length && this.chunks.length > 0) {
      const c = this.chunks[0] as Int16Array;
      const take = Math.min(frame.length - n, c.length - this.head);
      frame.set(c.subarray(this.head, this.head + take), n);
      n += take;
      this.head += take;
      if (this.head >= c.length) {
        this.chunks.shift();
        this.head = 0;
      }
    }
    if (n < frame.length) frame.fill(0, n);
    this.queued -= n;
    this.played += n;
    return n;
  }

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.queued = 0;
  }
}

/** NTP timestamp (RFC 5905 64-bit) of a Unix time in ms, for Speech-Marker (§8.4.13). */
export function ntpTimestamp(unixMs: number): bigint {
  const secs = BigInt(Math.floor(unixMs / 1000) + 2208988800);
  const frac = BigInt(Math.floor(((unixMs % 1000) / 1000) * 2 ** 32));
  return (secs << 32n) | frac;
}
