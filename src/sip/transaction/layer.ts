/**
 * The transaction layer (RFC 3261 §17): matches responses to client transactions (§17.1.3) and
 * requests to server transactions (§17.2.3, with the RFC 2543 fallback when the branch lacks the
 * magic cookie), creates server transactions for new requests, absorbs retransmissions, and
 * hands the rest to the UA core. The tables are bounded: a request beyond the bound is answered
 * 503 statelessly.
 */
import type { Clock } from '../clock.js';
import { createResponse } from '../message/build.js';
import type { CoreHeaders } from '../message/core-headers.js';
import { generateTag } from '../message/ids.js';
import type { SipRequest } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import { MAGIC_COOKIE } from '../message/via.js';
import type { SipLogger } from '../logger.js';
import type { SipCounters } from '../metrics.js';
import type {
  IncomingRequest,
  IncomingResponse,
  SendTarget,
  TransportLayer,
} from '../transport/transport-layer.js';
import {
  InviteClientTransaction,
  NonInviteClientTransaction,
  type ClientTransaction,
  type ClientTransactionUser,
} from './client.js';
import { InviteServerTransaction, NonInviteServerTransaction, type ServerTransaction } from './server.js';
import { LingerQueues } from './linger.js';
import type { Transaction, TransactionContext } from './transaction.js';
import { DEFAULT_TIMERS, type TimerConfig } from './timers.js';

/** The UA core as the transaction layer sees it. */
export interface TransactionCore {
  /** A new request (not ACK) with the server transaction created for it. */
  onNewRequest(req: IncomingRequest, tx: ServerTransaction): void;
  /** An ACK no transaction absorbed: the ACK for a 2xx (§13.2.2.4, §17.1.1.3). */
  onAck(req: IncomingRequest): void;
  /** A response that matched no client transaction (e.g. a late 2xx retransmission). */
  onStrayResponse(res: IncomingResponse): void;
}

export interface TransactionLayerOptions {
  timers?: Partial<TimerConfig>;
  /** Most live transactions, client and server together (default 200,000). */
  maxTransactions?: number;
  debug?: boolean;
}

export function serverKey(req: SipRequest, core: CoreHeaders, method: string): string {
  const v = core.vias[0]!;
  const sentBy = v.host + ':' + (v.port ?? '');
  const b = v.branch;
  if (b !== null && b.length > MAGIC_COOKIE.length && b.startsWith(MAGIC_COOKIE)) {
    return b + '|' + sentBy + '|' + method;
  }
  // §17.2.3, RFC 2543 matching: Request-URI, From tag, Call-ID, CSeq number and top Via.
  return `2543|${req.uri}|${core.fromTag ?? ''}|${core.callId}|${core.cseq}|${sentBy}|${b ?? ''}|${method}`;
}

export class TransactionLayer {
  readonly timers: TimerConfig;
  private readonly clients = new Map<string, ClientTransaction>();
  private readonly servers = new Map<string, ServerTransaction>();
  private readonly ctx: TransactionContext;
  private readonly max: number;

  constructor(
    readonly transport: TransportLayer,
    private readonly core: TransactionCore,
    clock: Clock,
    private readonly counters: SipCounters,
    private readonly logger: SipLogger,
    opts: TransactionLayerOptions = {},
  ) {
    this.timers = { ...DEFAULT_TIMERS, ...opts.timers };
    this.max = opts.maxTransactions ?? 200_000;
    this.ctx = {
      clock,
      timers: this.timers,
      counters,
      logger,
      debug: opts.debug ?? false,
      remove: (tx) => this.remove(tx),
      linger: new LingerQueues(clock),
      send: (data, target, cb) => this.transport.send(data, target, cb),
    };
  }

  get size(): number {
    return this.clients.size + this.servers.size;
  }

  private remove(tx: Transaction<string>): void {
    if (tx.kind === 'ict' || tx.kind === 'nict') {
      if (this.clients.get(tx.key) === tx) this.clients.delete(tx.key);
    } else if (this.servers.get(tx.key) === tx) this.servers.delete(tx.key);
  }

  receiveRequest(req: IncomingRequest): void {
    const { msg, core } = req;
    const method = msg.method;
    if (method === 'ACK') {
      const tx = this.servers.get(serverKey(msg, core, 'INVITE'));
      if (tx && tx.kind === 'ist' && tx.receiveAck()) return;
      this.core.onAck(req);
      return;
    }
    const key = serverKey(msg, core, method);
    const existing = this.servers.get(key);
    if (existing) {
      existing.receiveRequest();
      return;
    }
    if (this.size >= this.max) {
      this.counters.overloaded++;
      this.transport.sendResponse(
        createResponse(msg, 503, { toTag: generateTag(), headers: [['Retry-After', '5']] }),
        this.transport.responseTarget(req),
      );
      return;
    }
    const target = this.transport.responseTarget(req);
    const reliable = req.source.transport.reliable;
    let tx: ServerTransaction;
    if (method === 'INVITE') {
      const ist = new InviteServerTransaction(key, req, target, this.ctx, reliable);
      this.servers.set(ist.key, ist);
      ist.start((r) => createResponse(r.msg, 100));
      tx = ist;
    } else {
      tx = new NonInviteServerTransaction(key, method, req, target, this.ctx, reliable);
      this.servers.set(tx.key, tx);
    }
    this.core.onNewRequest(req, tx);
  }

  receiveResponse(res: IncomingResponse): void {
    const branch = res.core.vias[0]!.branch;
    const tx = branch !== null ? this.clients.get(branch + '|' + res.core.cseqMethod) : undefined;
    if (tx) tx.receiveResponse(res);
    else this.core.onStrayResponse(res);
  }

  /**
   * Starts a client transaction for `req`, whose top Via carries `branch`. Returns null when the
   * table is full.
   */
  sendRequest(
    req: SipRequest,
    branch: string,
    callId: string,
    target: SendTarget,
    tu: ClientTransactionUser,
  ): ClientTransaction | null {
    if (this.size >= this.max) {
      this.counters.overloaded++;
      return null;
    }
    const key = branch + '|' + req.method;
    const data = serializeMessage(req);
    const reliable = target.protocol !== 'UDP';
    const tx =
      req.method === 'INVITE'
        ? new InviteClientTransaction(key, callId, req, data, target, tu, this.ctx, reliable)
        : new NonInviteClientTransaction(key, req.method, callId, data, target, tu, this.ctx, reliable);
    this.clients.set(tx.key, tx);
    tx.start();
    return tx;
  }

  /** The INVITE server transaction a CANCEL refers to (§9.2): same branch and sent-by. */
  findInviteServer(cancel: IncomingRequest): InviteServerTransaction | undefined {
    const tx = this.servers.get(serverKey(cancel.msg, cancel.core, 'INVITE'));
    return tx && tx.kind === 'ist' ? tx : undefined;
  }

  /** Ends every transaction and clears every timer (stack stop). */
  clear(): void {
    for (const tx of [...this.clients.values(), ...this.servers.values()]) tx.terminate();
    this.clients.clear();
    this.servers.clear();
    this.ctx.linger.clear();
  }

  /** For diagnostics and tests. */
  clientCount(): number {
    return this.clients.size;
  }
  serverCount(): number {
    return this.servers.size;
  }
}
