/** Bearer-token authentication of the REST and events API (constant-time comparison). */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export class BearerAuth {
  private readonly digests: Buffer[];

  constructor(tokens: readonly string[]) {
    // Compare digests, so neither the length nor the content of a token leaks through timing.
    this.digests = tokens.map((t) => createHash('sha256').update(t).digest());
  }

  get enabled(): boolean {
    return this.digests.length > 0;
  }

  /** The token of a request: `Authorization: Bearer …`, or `?token=` for WebSocket clients. */
  static tokenOf(req: IncomingMessage): string | undefined {
    const h = req.headers.authorization;
    if (h && /^Bearer\s+/i.test(h)) return h.replace(/^Bearer\s+/i, '').trim();
    const q = new URL(req.url ?? '/', 'http://localhost').searchParams.get('token');
    return q ?? undefined;
  }

  check(req: IncomingMessage): boolean {
    const token = BearerAuth.tokenOf(req);
    if (!token) return false;
    const d = createHash('sha256').update(token).digest();
    let ok = false;
    for (const known of this.digests) ok = timingSafeEqual(d, known) || ok;
    return ok;
  }
}
