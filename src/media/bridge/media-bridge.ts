/**
 * Moves audio between two media streams (a caller and an agent, a call and a speech engine):
 * each tick, the frame one stream received is queued for the other to send, transcoded by the
 * streams themselves (each decodes and encodes its own codec) and resampled when their rates
 * differ. One frame of latency at most beyond the jitter buffers; the queues hold 3 frames and
 * drop the oldest when a side stalls. Digits can be forwarded too (the other leg's method).
 */
import type { MediaStream } from '../stream/media-stream.js';
import { FrameQueueSource } from './frame-queue-source.js';

export interface BridgeOptions {
  /** Frames queued per direction before the oldest is dropped (default 3). */
  readonly maxQueuedFrames?: number;
}

export class MediaBridge {
  private readonly aToB: FrameQueueSource;
  private readonly bToA: FrameQueueSource;
  private readonly untap: Array<() => void> = [];
  private active = true;

  constructor(
    readonly a: MediaStream,
    readonly b: MediaStream,
    options: BridgeOptions = {},
  ) {
    const depth = options.maxQueuedFrames ?? 3;
    this.aToB = new FrameQueueSource(a.rate, depth);
    this.bToA = new FrameQueueSource(b.rate, depth);
    this.untap.push(a.addTap({ frame: (received) => this.aToB.push(received) }));
    this.untap.push(b.addTap({ frame: (received) => this.bToA.push(received) }));
    b.play(this.aToB, { onEnd: () => this.unbridge() });
    a.play(this.bToA, { onEnd: () => this.unbridge() });
  }

  get isActive(): boolean {
    return this.active;
  }

  /** Frames dropped because a side did not take them in time (both directions). */
  get droppedFrames(): number {
    return this.aToB.dropped + this.bToA.dropped;
  }

  /** Stops moving audio; each stream goes back to silence (or to what it is told to play next). */
  unbridge(): void {
    if (!this.active) return;
    this.active = false;
    for (const u of this.untap.splice(0)) u();
    this.aToB.end();
    this.bToA.end();
    if (this.b.playingSource === this.aToB) this.b.stopPlayback();
    if (this.a.playingSource === this.bToA) this.a.stopPlayback();
  }
}
