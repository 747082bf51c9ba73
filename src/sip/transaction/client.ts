/**
 * Client transactions (RFC 3261 §17.1, RFC 6026 §8.4): the INVITE machine with Timers A, B, D,
 * M (and C, §16.6), and the non-INVITE machine with Timers E, F, K.
 *
 *   INVITE:      calling ─1xx─▶ proceeding ─2xx─▶ accepted ─M─▶ terminated
 *                   │  └──────2xx──────────────────▲
 *                   └─300-699 (ACK)─▶ completed ─D─▶ terminated      (B in calling → timeout)
 *   non-INVITE:  trying ─1xx─▶ proceeding ─final─▶ completed ─K─▶ terminated (F → timeout)
 */
import { createNon2xxAck } from '../message/build.js';
import type { SipRequest } from '../message/message.js';
import { serializeMessage } from '../message/serializer.js';
import type { IncomingResponse, SendTarget } from '../transport/transport-layer.js';
import { Transaction, type TransactionContext } from './transaction.js';
import { timerB, timerD, timerF, timerK, timerM } from './timers.js';

export interface ClientTransactionUser {
  /** Every response the transaction passes up (1xx, finals, and 2xx retransmissions in Accepted). */
  onResponse(res: IncomingResponse, tx: ClientTransaction): void;
  /** Timer B or F fired (or Timer C before any provisional): treat as 408 (§8.1.3.1). */
  onTimeout(tx: ClientTransaction): void;
  onTransportError(tx: ClientTransaction, err: Error): void;
  /** Timer C fired in Proceeding: the UA CANCELs the INVITE (§16.6 step 11). */
  onTimerC?(tx: ClientTransaction): void;
}

export type IctState = 'calling' | 'proceeding' | 'accepted' | 'completed' | 'terminated';
export const ICT_EDGES: Readonly<Record<IctState, readonly IctState[]>> = {
  calling: ['proceeding', 'accepted', 'completed', 'terminated'],
  proceeding: ['accepted', 'completed', 'terminated'],
  accepted: ['terminated'],
  completed: ['terminated'],
  terminated: [],
};

export type NictState = 'trying' | 'proceeding' | 'completed' | 'terminated';
export const NICT_EDGES: Readonly<Record<NictState, readonly NictState[]>> = {
  trying: ['proceeding', 'completed', 'terminated'],
  proceeding: ['completed', 'terminated'],
  completed: ['terminated'],
  terminated: [],
};

export class InviteClientTransaction extends Transaction<IctState> {
  readonly kind = 'ict' as const;
  private interval: number;
  private ackData: Buffer | null = null;
  /** The INVITE, held until a final response (for the ACK and CANCEL). */
  request: SipRequest | null;
  /** Whether a provisional response arrived (CANCEL may be sent only then, §9.1). */
  provisional = false;

  constructor(
    key: string,
    callId: string,
    request: SipRequest,
    private readonly data: Buffer,
    target: SendTarget,
    public tu: ClientTransactionUser,
    ctx: TransactionContext,
    reliable: boolean,
  ) {
    super(key, 'INVITE', callId, 'calling', ICT_EDGES, ctx, reliable, target);
    this.request = request;
    this.interval = ctx.timers.T1;
  }

  start(): void {
    this.transmit(this.data);
    if (!this.reliable) this.startTimer('A', this.interval, () => this.fireA());
    this.startTimer('B', timerB(this.ctx.timers), () => this.fireB());
    if (this.ctx.timers.C > 0) this.startTimer('C', this.ctx.timers.C, () => this.fireC());
  }

  private transmit(data: Buffer): void {
    this.send(data, (err) => {
      if (err && this.state !== 'terminated') {
        this.tu.onTransportError(this, err);
        if (!this.terminated) this.transition('terminated');
      }
    });
  }

  /** Timer A (§17.1.1.2): retransmit, doubling the interval, while Calling. */
  private fireA(): void {
    if (this.state !== 'calling') return;
    this.countRetransmit('INVITE');
    this.send(this.data);
    this.interval *= 2;
    this.startTimer('A', this.interval, () => this.fireA());
  }

  /** Timer B: no response at all; the TU treats it as 408. */
  private fireB(): void {
    if (this.state !== 'calling') return;
    this.countCompleted('timeout');
    this.tu.onTimeout(this);
    this.transition('terminated');
  }

  /** Timer C: CANCEL after a provisional; guard the CANCEL with another 64*T1. */
  private fireC(): void {
    if (this.state === 'proceeding' && this.tu.onTimerC) {
      this.tu.onTimerC(this);
      this.startTimer('C', timerB(this.ctx.timers), () => this.fireCAgain());
    } else if (this.state === 'calling' || this.state === 'proceeding') {
      this.fireCAgain();
    }
  }

  private fireCAgain(): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.countCompleted('timeout');
    this.tu.onTimeout(this);
    this.transition('terminated');
  }

  receiveResponse(res: IncomingResponse): void {
    const status = res.msg.status;
    switch (this.state) {
      case 'calling':
      case 'proceeding':
        if (status < 200) {
          if (this.state === 'calling') {
            this.stopTimer('A');
            this.stopTimer('B');
            this.transition('proceeding');
          }
          this.provisional = true;
          if (this.ctx.timers.C > 0 && this.timerRunning('C')) {
            this.startTimer('C', this.ctx.timers.C, () => this.fireC());
          }
          this.tu.onResponse(res, this);
        } else if (status < 300) {
          this.stopAllTimers();
          this.transition('accepted');
          this.countCompleted(status);
          this.linger(timerM(this.ctx.timers));
          this.request = null;
          this.tu.onResponse(res, this);
        } else {
          this.stopAllTimers();
          this.ackData = serializeMessage(createNon2xxAck(this.request!, res.msg));
          this.send(this.ackData);
          this.transition('completed');
          this.countCompleted(status);
          this.request = null;
          this.tu.onResponse(res, this);
          if (!this.inState('completed')) return;
          this.linger(timerD(this.ctx.timers, this.reliable));
        }
        return;
      case 'accepted':
        // RFC 6026 §8.4: 2xx retransmissions (and forked 2xx) go to the TU, which ACKs them.
        if (status >= 200 && status < 300) this.tu.onResponse(res, this);
        return;
      case 'completed':
        if (status >= 300 && this.ackData) {
          this.countAbsorbed(String(status));
          this.send(this.ackData);
        }
        return;
      case 'terminated':
        return;
    }
  }

  terminate(): void {
    if (this.state !== 'terminated') this.transition('terminated');
  }
}

export class NonInviteClientTransaction extends Transaction<NictState> {
  readonly kind = 'nict' as const;
  private interval: number;

  constructor(
    key: string,
    method: string,
    callId: string,
    private readonly data: Buffer,
    target: SendTarget,
    public tu: ClientTransactionUser,
    ctx: TransactionContext,
    reliable: boolean,
  ) {
    super(key, method, callId, 'trying', NICT_EDGES, ctx, reliable, target);
    this.interval = ctx.timers.T1;
  }

  start(): void {
    this.send(this.data, (err) => {
      if (err && this.state !== 'terminated') {
        this.tu.onTransportError(this, err);
        if (!this.terminated) this.transition('terminated');
      }
    });
    if (!this.reliable) this.startTimer('E', this.interval, () => this.fireE());
    this.startTimer('F', timerF(this.ctx.timers), () => this.fireF());
  }

  /** Timer E (§17.1.2.2): doubling up to T2 in Trying, every T2 in Proceeding. */
  private fireE(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.countRetransmit(this.method);
    this.send(this.data);
    this.interval =
      this.state === 'trying' ? Math.min(2 * this.interval, this.ctx.timers.T2) : this.ctx.timers.T2;
    this.startTimer('E', this.interval, () => this.fireE());
  }

  private fireF(): void {
    if (this.state !== 'trying' && this.state !== 'proceeding') return;
    this.countCompleted('timeout');
    this.tu.onTimeout(this);
    this.transition('terminated');
  }

  receiveResponse(res: IncomingResponse): void {
    const status = res.msg.status;
    if (this.state === 'trying' || this.state === 'proceeding') {
      if (status < 200) {
        if (this.state === 'trying') this.transition('proceeding');
        this.tu.onResponse(res, this);
        return;
      }
      this.stopTimer('E');
      this.stopTimer('F');
      this.transition('completed');
      this.countCompleted(status);
      this.tu.onResponse(res, this);
      if (!this.inState('completed')) return;
      this.linger(timerK(this.ctx.timers, this.reliable));
    } else if (this.state === 'completed') {
      this.countAbsorbed(String(status));
    }
  }

  terminate(): void {
    if (this.state !== 'terminated') this.transition('terminated');
  }
}

export type ClientTransaction = InviteClientTransaction | NonInviteClientTransaction;
