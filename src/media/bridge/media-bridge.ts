/**
 * Moves audio between two media streams (a caller and an agent, a call and a speech engine):
 * each tick, the frame one stream received is queued for the other to send, transcoded by the
 * streams themselves (each decodes and encodes its own codec) and resampled when their rates
 * differ. One frame of latency at most beyond the jitter buffers; the queues hold 3 frames and
 * drop the oldest when a side stalls. Either side can be muted: its frames are not queued, so
 * the other side hears silence. Digits are the owner's to forward (the other leg's method).
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
  private mutedA = false;
  private mutedB = false;

  constructor(
    readonly a: MediaStream,
    readonly b: MediaStream,
    options: BridgeOptions = {},
  ) {
    const depth = options.maxQueuedFrames ?? 3;
    this.aToB = new FrameQueueSource(a.rate, depth);
    this.bToA = new FrameQueueSource(b.rate, depth);
    this.untap.push(
      a.addTap({
        frame: (received) => {
          if (!this.mutedA) this.aToB.push(received);
        },
      }),
    );
    this.untap.push(
      b.addTap({
        frame: (received) => {
          if (!this.mutedB) this.bToA.push(received);
        },
      }),
    );
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

  /** Stops (or resumes) passing one side's audio to the other: silence is sent instead. */
  mute(side: 'a' | 'b', on: boolean): void {
    if (side === 'a') this.mutedA = on;
    else this.mutedB = on;
  }

  isMuted(side: 'a' | 'b'): boolean {
    return side === 'a' ? this.mutedA : this.mutedB;
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
