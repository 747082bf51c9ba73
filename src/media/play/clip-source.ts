/** Plays a decoded clip: a copy per frame, nothing else. */
import type { AudioSource, StreamRate } from '../stream/stream-types.js';
import type { PcmClip } from './pcm-clip.js';

export class ClipSource implements AudioSource {
  private pos = 0;
  readonly rate: StreamRate;

  constructor(
    private readonly clip: PcmClip,
    /** Play only from this sample (resume at an offset). */
    start = 0,
  ) {
    this.rate = clip.rate;
    this.pos = Math.max(0, Math.min(start, clip.samples.length));
  }

  get done(): boolean {
    return this.pos >= this.clip.samples.length;
  }

  /** Milliseconds played so far. */
  get playedMs(): number {
    return Math.round((this.pos * 1000) / this.rate);
  }

  read(frame: Int16Array): number {
    const s = this.clip.samples;
    const n = Math.min(frame.length, s.length - this.pos);
    for (let i = 0; i < n; i++) frame[i] = s[this.pos + i] as number;
    this.pos += n;
    return n;
  }
}

/** Plays nothing for `ms` (a pause step that keeps the playback slot busy). */
export class SilenceSource implements AudioSource {
  private left: number;

  constructor(
    readonly rate: StreamRate,
    ms: number,
  ) {
    this.left = Math.round((rate * ms) / 1000);
  }

  get done(): boolean {
    return this.left <= 0;
  }

  read(frame: Int16Array): number {
    const n = Math.min(frame.length, this.left);
    frame.fill(0, 0, n);
    this.left -= n;
    return n;
  }
}
