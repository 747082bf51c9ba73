/** Reads a bounded JSON request body; a coded failure instead of a throw. */
import type { IncomingMessage } from 'node:http';

export type BodyResult =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; error: string; message: string };

export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    req.resume();
    return { ok: false, status: 413, error: 'body_too_large', message: `body over ${maxBytes} bytes` };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) {
        req.destroy();
        return { ok: false, status: 413, error: 'body_too_large', message: `body over ${maxBytes} bytes` };
      }
      chunks.push(chunk);
    }
  } catch {
    return { ok: false, status: 400, error: 'body_unreadable', message: 'request body could not be read' };
  }
  if (size === 0) return { ok: true, value: undefined };
  if (type !== 'application/json') {
    return { ok: false, status: 415, error: 'unsupported_media_type', message: 'send application/json' };
  }
  try {
    return { ok: true, value: JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown };
  } catch (err) {
    return { ok: false, status: 400, error: 'invalid_json', message: (err as Error).message };
  }
}
