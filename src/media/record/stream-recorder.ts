/**
 * Records a media stream to a WAV file through a tap: what the peer sent (`received`), what we
 * sent (`sent`), both `mixed` into one channel, or `stereo` (left = received, right = sent). The
 * frames of one tick are written together, so the two directions stay aligned to the sample.
 * Disk writes are the bounded WavFileWriter's: a slow disk drops frames, it never grows memory.
 */
import type { StreamRate, StreamTap } from '../stream/stream-types.js';
import { WavFileWriter, type WavWriterResult } from '../wav/wav-writer.js';

export type RecordMode = 'received' | 'sent' | 'mixed' | 'stereo';

export interface RecorderOptions {
  readonly path: string;
  readonly rate: StreamRate;
  readonly mode?: RecordMode;
  /** Stop after this much audio (ms); default 1 hour. */
  readonly maxMs?: number;
  /** Called once when maxMs is reached (the tap stops writing). */
  readonly onLimit?: () => void;
}

export class StreamRecorder implements StreamTap {
  readonly mode: RecordMode;
  private readonly out: Int16Array;
  private framesLeft: number;
  private stopped = false;

  private constructor(
    private readonly writer: WavFileWriter,
    private readonly opts: RecorderOptions,
  ) {
    this.mode = opts.mode ?? 'mixed';
    const frame = opts.rate / 50;
    this.out = new Int16Array(this.mode === 'stereo' ? 2 * frame : frame);
    this.framesLeft = Math.ceil((opts.maxMs ?? 3_600_000) / 20);
  }

  static async open(opts: RecorderOptions): Promise<StreamRecorder> {
    const mode = opts.mode ?? 'mixed';
    const writer = await WavFileWriter.open(opts.path, {
      sampleRate: opts.rate,
      channels: mode === 'stereo' ? 2 : 1,
    });
    return new StreamRecorder(writer, opts);
  }

  frame(received: Int16Array, sent: Int16Array): void {
    if (this.stopped) return;
    const o = this.out;
    const n = Math.min(received.length, sent.length);
    switch (this.mode) {
      case 'received':
        o.set(received.length === o.length ? received : received.subarray(0, o.length));
        break;
      case 'sent':
        o.set(sent.length === o.length ? sent : sent.subarray(0, o.length));
        break;
      case 'mixed':
        for (let i = 0; i < n; i++) {
          const v = (received[i] as number) + (sent[i] as number);
          o[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
        }
        break;
      case 'stereo':
        for (let i = 0; i < n; i++) {
          o[2 * i] = received[i] as number;
          o[2 * i + 1] = sent[i] as number;
        }
        break;
    }
    this.writer.write(o);
    if (--this.framesLeft <= 0) {
      this.stopped = true;
      this.opts.onLimit?.();
    }
  }

  /** Stops taking frames (the tap stays attached but writes nothing more). */
  stop(): void {
    this.stopped = true;
  }

  /** Flushes and closes the file (patching the WAV header). */
  finish(): Promise<WavWriterResult> {
    this.stopped = true;
    return this.writer.close();
  }

  close(): void {
    this.stopped = true;
    void this.writer.close().catch(() => undefined);
  }
}
