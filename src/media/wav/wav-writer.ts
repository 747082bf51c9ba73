/**
 * Streams 16-bit PCM frames to a WAV file: samples are gathered in a fixed buffer and written in
 * large blocks; the header's sizes are patched on close. Bounded: at most `maxBytes` of audio and
 * a few blocks in flight — when the disk falls behind, frames are dropped and counted rather than
 * held in memory.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { wavHeader } from './wav-format.js';

export interface WavWriterOptions {
  sampleRate: number;
  channels: 1 | 2;
  /** Audio bytes after which further frames are dropped (default 1 GiB: ~9 h of 16 kHz stereo). */
  maxBytes?: number;
  /** Write block size in bytes (default 64 KiB). */
  blockBytes?: number;
  /** Blocks allowed in flight before frames are dropped (default 8). */
  maxPendingBlocks?: number;
}

export interface WavWriterResult {
  path: string;
  dataBytes: number;
  durationMs: number;
  droppedFrames: number;
}

export class WavFileWriter {
  private block: Buffer;
  private fill = 0;
  private dataBytes = 0;
  private droppedFrames = 0;
  private pending = 0;
  /** File offset of the next block (positional writes: the header is rewritten at 0 on close). */
  private filePos = 44;
  private chain: Promise<void> = Promise.resolve();
  private writeError: Error | undefined;
  private closed = false;
  private closing: Promise<WavWriterResult> | undefined;
  private readonly maxBytes: number;
  private readonly maxPending: number;

  private constructor(
    readonly path: string,
    private readonly fh: FileHandle,
    private readonly opts: Required<WavWriterOptions>,
  ) {
    this.block = Buffer.allocUnsafe(opts.blockBytes);
    this.maxBytes = opts.maxBytes;
    this.maxPending = opts.maxPendingBlocks;
  }

  static async open(path: string, options: WavWriterOptions): Promise<WavFileWriter> {
    const opts: Required<WavWriterOptions> = {
      maxBytes: 1 << 30,
      blockBytes: 64 * 1024,
      maxPendingBlocks: 8,
      ...options,
    };
    if (opts.blockBytes < 1024) throw new RangeError('blockBytes must be at least 1024');
    const fh = await open(path, 'w');
    try {
      await fh.write(wavHeader(opts.sampleRate, opts.channels, 0), 0, 44, 0);
    } catch (err) {
      await fh.close();
      throw err;
    }
    return new WavFileWriter(path, fh, opts);
  }

  /** Appends one frame of samples (interleaved when stereo). Returns false if it was dropped. */
  write(samples: Int16Array): boolean {
    const bytes = samples.length * 2;
    if (
      this.closed ||
      this.writeError ||
      this.dataBytes + bytes > this.maxBytes ||
      bytes > this.block.length
    ) {
      this.droppedFrames++;
      return false;
    }
    if (this.fill + bytes > this.block.length) {
      if (this.pending >= this.maxPending) {
        this.droppedFrames++;
        return false;
      }
      this.flushBlock();
    }
    const src = Buffer.from(samples.buffer, samples.byteOffset, bytes);
    src.copy(this.block, this.fill);
    this.fill += bytes;
    this.dataBytes += bytes;
    return true;
  }

  private flushBlock(): void {
    if (this.fill === 0) return;
    const full = this.block;
    const len = this.fill;
    this.block = Buffer.allocUnsafe(this.opts.blockBytes);
    this.fill = 0;
    const pos = this.filePos;
    this.filePos += len;
    this.pending++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.writeError) await this.fh.write(full, 0, len, pos);
      } catch (err) {
        this.writeError = err as Error;
      } finally {
        this.pending--;
      }
    });
  }

  /** Flushes, patches the header and closes; every call waits for the same close. */
  close(): Promise<WavWriterResult> {
    this.closing ??= this.doClose();
    return this.closing;
  }

  private async doClose(): Promise<WavWriterResult> {
    this.closed = true;
    this.flushBlock();
    await this.chain;
    try {
      if (!this.writeError)
        await this.fh.write(wavHeader(this.opts.sampleRate, this.opts.channels, this.dataBytes), 0, 44, 0);
    } finally {
      await this.fh.close();
    }
    if (this.writeError) throw this.writeError;
    return {
      path: this.path,
      dataBytes: this.dataBytes,
      durationMs: Math.round((this.dataBytes / 2 / this.opts.channels / this.opts.sampleRate) * 1000),
      droppedFrames: this.droppedFrames,
    };
  }
}
