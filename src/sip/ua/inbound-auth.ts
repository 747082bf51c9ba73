/**
 * Digest challenges for requests from outside every trunk's ACL, when `unknownPeers` is
 * `challenge` (RFC 3261 §22.3, RFC 8760): a valid answer with a trunk's inbound credentials
 * makes the request that trunk's; no answer gets 401 (rate-bounded), a wrong one 403.
 */
import { createResponse } from '../message/build.js';
import { generateTag } from '../message/ids.js';
import type { SipCounters } from '../metrics.js';
import type { ServerTransaction } from '../transaction/server.js';
import type { IncomingRequest } from '../transport/transport-layer.js';
import { DigestServer } from './digest.js';
import type { TokenBucket } from './rate-limit.js';
import type { Trunk } from './trunk.js';

export class InboundAuth {
  private readonly digest: DigestServer;

  constructor(
    realm: string,
    private readonly trunks: ReadonlyMap<string, Trunk>,
    private readonly counters: SipCounters,
    private readonly bucket: TokenBucket,
  ) {
    this.digest = new DigestServer({ realm, now: () => Date.now() });
  }

  /** The trunk whose credentials the request proves, or null after answering it. */
  check(req: IncomingRequest, tx: ServerTransaction): Trunk | null {
    const auth = req.msg.headers.get('authorization');
    if (!auth) {
      this.challenge(req, tx, false);
      return null;
    }
    for (const t of this.trunks.values()) {
      const cred = t.config.inboundAuth;
      if (!cred) continue;
      const v = this.digest.verify(auth, req.msg.method, (u) =>
        u === cred.username ? cred.password : undefined,
      );
      if (v.result === 'ok') return t;
      if (v.result === 'stale') {
        this.challenge(req, tx, true);
        return null;
      }
    }
    this.counters.authFailures++;
    tx.respond(createResponse(req.msg, 403, { toTag: generateTag() }));
    return null;
  }

  private challenge(req: IncomingRequest, tx: ServerTransaction, stale: boolean): void {
    if (!this.bucket.take()) {
      this.counters.aclDropped++;
      return;
    }
    this.counters.authChallenges++;
    const headers = this.digest.challenges(stale).map((c) => ['WWW-Authenticate', c] as [string, string]);
    tx.respond(createResponse(req.msg, 401, { toTag: generateTag(), headers }));
  }
}
