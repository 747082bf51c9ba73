/**
 * Test recorder engine: writes the channel's frames as 16-bit mono PCM WAV to a `file:` URI
 * (Record-URI), or to `<dir>/<session>-<request>.wav` when the request names none. Writes are
 * asynchronous and chained, never blocking the event loop; size is bounded.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  EngineError,
  type RecorderEngine,
  type RecorderTask,
  type RecordingInfo,
  type RecordJob,
} from '../engine-types.js';

export interface WavRecorderOptions {
  name?: string;
  /** Where recordings without a Record-URI go. */
  dir: string;
  /** Largest recording in octets (default 64 MiB); later frames are dropped. */
  maxBytes?: number;
}

const WAV_TYPES = ['audio/x-wav', 'audio/wav', 'audio/wave'];

/** The 44-octet RIFF/WAVE header of 16-bit mono PCM. */
export function wavHeader(sampleRate: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'latin1');
  h.write('fmt ', 12, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

export function createWavRecorder(opts: WavRecorderOptions): RecorderEngine {
  const maxBytes = opts.maxBytes ?? 64 << 20;
  return {
    kind: 'recorder',
    name: opts.name ?? 'wav-recorder',
    languages: ['*'],
    async record(job: RecordJob): Promise<RecorderTask> {
      const type = job.mediaType.split(';')[0]!.trim().toLowerCase();
      if (!WAV_TYPES.includes(type))
        throw new EngineError('error', `unsupported Media-Type ${job.mediaType}`);
      let path: string;
      if (job.uri === '')
        path = join(opts.dir, `${job.channelId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${job.requestId}.wav`);
      else if (job.uri.startsWith('file:')) {
        try {
          path = fileURLToPath(job.uri);
        } catch {
          throw new EngineError('uri-failure', `bad file URI ${job.uri}`);
        }
      } else throw new EngineError('uri-failure', `cannot write to ${job.uri}`);
      let fh: FileHandle;
      try {
        fh = await open(path, 'w');
        await fh.write(wavHeader(job.sampleRate, 0), 0, 44, 0);
      } catch (err) {
        throw new EngineError('uri-failure', `cannot open ${path}: ${(err as Error).message}`);
      }
      const file = fh;
      let samples = 0;
      let chain: Promise<unknown> = Promise.resolve();
      let failed: Error | undefined;
      let closed = false;
      return {
        write(frame) {
          if (closed || failed || 44 + (samples + frame.length) * 2 > maxBytes) return;
          const bytes = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
          const copy = Buffer.from(bytes); // the caller may reuse its frame
          const at = 44 + samples * 2;
          samples += frame.length;
          chain = chain.then(() => file.write(copy, 0, copy.length, at)).catch((e: Error) => (failed = e));
        },
        async finish({ trimMs }): Promise<RecordingInfo> {
          closed = true;
          await chain;
          const keep = Math.max(0, samples - Math.round((trimMs * job.sampleRate) / 1000));
          try {
            if (failed) throw failed;
            await file.truncate(44 + keep * 2);
            await file.write(wavHeader(job.sampleRate, keep * 2), 0, 44, 0);
          } finally {
            await file.close();
          }
          return {
            uri: pathToFileURL(path).href,
            size: 44 + keep * 2,
            durationMs: (keep / job.sampleRate) * 1000,
          };
        },
        cancel() {
          if (closed) return;
          closed = true;
          void chain.then(() => file.close()).catch(() => undefined);
        },
      };
    },
  };
}
