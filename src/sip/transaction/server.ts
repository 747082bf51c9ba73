/**
 * Server transactions (RFC 3261 §17.2, RFC 6026 §8.5–8.7): the INVITE machine with Timers G, H,
 * I, L and the 100 Trying timer, and the non-INVITE machine with Timer J. Both absorb request
 * retransmissions, answering with the last response where the RFC says so.
 *
 *   INVITE:     proceeding ─2xx─▶ accepted ─L─▶ terminated
 *                    └─300-699─▶ completed ─ACK─▶ confirmed ─I─▶ terminated  (H → no ACK)
 *   non-INVITE: trying ─1xx─▶ proceeding ─final─▶ completed ─J─▶ terminated
 */
import type { SipRequest, SipResponse } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import type { IncomingRequest, SendTarget } from '../transport/transport-layer.js';
import { Transaction, type TransactionContext } from './transaction.js';
import { timerH, timerI, timerJ, timerL } from './timers.js';

export interface ServerTransactionUser {
  /** Timer H fired: the final non-2xx response was never ACKed. */
  onTimeout?(tx: ServerTransaction): void;
  onTransportError?(tx: ServerTransaction, err: Error): void;
  onTerminated?(tx: ServerTransaction): void;
}

export type IstState = 'proceeding' | 'accepted' | 'completed' | 'confirmed' | 'terminated';
export const IST_EDGES: Readonly<Record<IstState, readonly IstState[]>> = {
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export type NistState = 'trying' | 'proceeding' | 'completed' | 'terminated';
export const NIST_EDGES: Readonly<Record<NistState, readonly NistState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

const NO_TU: ServerTransactionUser = Object.freeze({});

abstract class ServerBase<S extends string> extends Transaction<S> {
  tu: ServerTransactionUser = NO_TU;
  /** The request, held until the final response is sent. */
  request: IncomingRequest | null;
  protected lastProvisional: Buffer | null = null;
  protected finalData: Buffer | null = null;
  /** Status of the final response sent, 0 until then. */
  finalStatus = 0;

  constructor(
    key: string,
    method: string,
    req: IncomingRequest,
    target: SendTarget,
    edges: Readonly<Record<S, readonly S[]>>,
    initial: S,
    ctx: TransactionContext,
    reliable: boolean,
  ) {
    super(key, method, req.core.callId, initial, edges, ctx, reliable, target);
    this.request = req;
  }

  protected transmit(data: Buffer): void {
    this.send(data, (err) => {
      if (err && this.state !== 'terminated') {
        this.tu.onTransportError?.(this as unknown as ServerTransaction, err);
        this.terminate();
      }
    });
  }

  protected override onTerminated(): void {
    this.request = null;
    this.tu.onTerminated?.(this as unknown as ServerTransaction);
  }

  get sipRequest(): SipRequest | null {
    return this.request?.msg ?? null;
  }
}

export class InviteServerTransaction extends ServerBase<IstState> {
  readonly kind = 'ist' as const;
  /** Set by the UA core: what a CANCEL for this INVITE does (§9.2). */
  cancelHandler: (() => void) | null = null;
  private interval: number;

  constructor(
    key: string,
    req: IncomingRequest,
    target: SendTarget,
    ctx: TransactionContext,
    reliable: boolean,
  ) {
    super(key, 'INVITE', req, target, IST_EDGES, 'proceeding', ctx, reliable);
    this.interval = ctx.timers.T1;
  }

  /** §17.2.1: 100 Trying unless the TU sends a provisional within the Trying delay (≤ 200 ms). */
  start(trying: (req: IncomingRequest) => SipResponse): void {
    this.startTimer('Trying', this.ctx.timers.trying, () => {
      if (this.state === 'proceeding' && this.lastProvisional === null && this.request) {
        this.respond(trying(this.request));
      }
    });
  }

  /** A retransmitted INVITE. */
  receiveRequest(): void {
    this.countAbsorbed('INVITE');
    if (this.state === 'proceeding' && this.lastProvisional) this.send(this.lastProvisional);
    else if (this.state === 'completed' && this.finalData) this.send(this.finalData);
  }

  /** An ACK matching this transaction (non-2xx ACK, §17.2.1). Returns false when it is not absorbed here. */
  receiveAck(): boolean {
    if (this.state === 'completed') {
      this.stopTimer('G');
      this.stopTimer('H');
      this.transition('confirmed');
      this.linger(timerI(this.ctx.timers, this.reliable));
      return true;
    }
    if (this.state === 'confirmed') {
      this.countAbsorbed('ACK');
      return true;
    }
    return false;
  }

  /** Sends a response; returns the bytes sent (the TU keeps a 2xx to retransmit it), or null. */
  respond(res: SipResponse): Buffer | null {
    const status = res.status;
    if (this.state === 'accepted' && status >= 200 && status < 300) {
      // RFC 6026 §8.5: the TU's 2xx retransmissions pass through.
      const d = serializeMessage(res);
      this.send(d);
      return d;
    }
    if (this.state !== 'proceeding') {
      this.ctx.logger.warn('response on a finished INVITE transaction dropped', {
        callId: this.callId,
        status,
      });
      return null;
    }
    const data = serializeMessage(res);
    if (status < 200) {
      this.stopTimer('Trying');
      this.lastProvisional = data;
      this.transmit(data);
      return data;
    }
    this.stopTimer('Trying');
    this.finalStatus = status;
    this.lastProvisional = null;
    this.countCompleted(status);
    if (status < 300) {
      this.transition('accepted');
      this.transmit(data);
      this.request = null;
      if (this.inState('accepted')) this.linger(timerL(this.ctx.timers));
      return data;
    }
    this.finalData = data;
    this.transition('completed');
    this.transmit(data);
    this.request = null;
    if (!this.inState('completed')) return data;
    if (!this.reliable) this.startTimer('G', this.interval, () => this.fireG());
    this.startTimer('H', timerH(this.ctx.timers), () => this.fireH());
    return data;
  }

  /** Timer G (§17.2.1): retransmit the final response, doubling up to T2. */
  private fireG(): void {
    if (this.state !== 'completed' || !this.finalData) return;
    this.countRetransmit(`INVITE ${this.finalStatus}`);
    this.send(this.finalData);
    this.interval = Math.min(2 * this.interval, this.ctx.timers.T2);
    this.startTimer('G', this.interval, () => this.fireG());
  }

  /** Timer H: no ACK came. */
  private fireH(): void {
    if (this.state !== 'completed') return;
    this.tu.onTimeout?.(this);
    this.transition('terminated');
  }

  terminate(): void {
    if (this.state !== 'terminated') this.transition('terminated');
  }
}

export class NonInviteServerTransaction extends ServerBase<NistState> {
  readonly kind = 'nist' as const;

  constructor(
    key: string,
    method: string,
    req: IncomingRequest,
    target: SendTarget,
    ctx: TransactionContext,
    reliable: boolean,
  ) {
    super(key, method, req, target, NIST_EDGES, 'trying', ctx, reliable);
  }

  /** A retransmitted request (§17.2.2). */
  receiveRequest(): void {
    this.countAbsorbed(this.method);
    if (this.state === 'proceeding' && this.lastProvisional) this.send(this.lastProvisional);
    else if (this.state === 'completed' && this.finalData) this.send(this.finalData);
  }

  respond(res: SipResponse): Buffer | null {
    if (this.state === 'completed' || this.state === 'terminated') {
      this.ctx.logger.warn('response on a finished transaction dropped', {
        callId: this.callId,
        status: res.status,
      });
      return null;
    }
    const data = serializeMessage(res);
    if (res.status < 200) {
      if (this.state === 'trying') this.transition('proceeding');
      this.lastProvisional = data;
      this.transmit(data);
      return data;
    }
    this.finalStatus = res.status;
    this.lastProvisional = null;
    this.finalData = data;
    this.countCompleted(res.status);
    this.transition('completed');
    this.transmit(data);
    this.request = null;
    if (!this.inState('completed')) return data;
    this.linger(timerJ(this.ctx.timers, this.reliable));
    return data;
  }

  terminate(): void {
    if (this.state !== 'terminated') this.transition('terminated');
  }
}

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;
