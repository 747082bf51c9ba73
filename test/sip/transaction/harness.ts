/** A transaction layer on an in-memory network in fake time, with a scripted peer. */
import {
  createCounters,
  createResponse,
  MemoryNetwork,
  nullLogger,
  parseMessage,
  serializeMessage,
  SipRequest,
  TransactionLayer,
  TransportLayer,
  HeaderList,
  type ClientTransaction,
  type ClientTransactionUser,
  type IncomingRequest,
  type IncomingResponse,
  type MemoryTransport,
  type ServerTransaction,
  type SipMessage,
  type SipResponse,
} from '../../../src/sip/index.js';
import { FakeClock } from '../fake-clock.js';

export interface Seen {
  at: number;
  msg: SipMessage;
}

export class Harness {
  readonly clock = new FakeClock();
  readonly net = new MemoryNetwork({ schedule: (fn) => this.clock.setTimeout(fn, 0) });
  readonly us: MemoryTransport;
  readonly peer: MemoryTransport;
  readonly counters = createCounters();
  readonly tl: TransportLayer;
  readonly txl: TransactionLayer;
  /** What the peer received. */
  readonly peerGot: Seen[] = [];
  /** Requests the core received, ACKs the core received, stray responses. */
  readonly coreRequests: Array<{ req: IncomingRequest; tx: ServerTransaction }> = [];
  readonly coreAcks: IncomingRequest[] = [];
  readonly stray: IncomingResponse[] = [];
  /** Client TU events. */
  readonly tuEvents: Array<{ at: number; what: string; status?: number }> = [];
  /** Transition log lines ("ict INVITE calling -> proceeding"). */
  readonly transitions: string[] = [];
  private seq = 0;

  constructor(readonly protocol: 'UDP' | 'TCP' = 'UDP') {
    this.us = this.net.transport('10.0.0.1', 5060, protocol);
    this.peer = this.net.transport('10.0.0.2', 5060, protocol);
    void this.peer.start({
      onMessage: (data) => {
        const m = parseMessage(data);
        if (m.kind !== 'error') this.peerGot.push({ at: this.clock.now(), msg: m });
      },
    });
    this.tl = new TransportLayer(
      [this.us],
      {
        screen: () => 'accept',
        onRequest: (r) => this.txl.receiveRequest(r),
        onResponse: (r) => this.txl.receiveResponse(r),
      },
      this.counters,
      nullLogger,
    );
    this.txl = new TransactionLayer(
      this.tl,
      {
        onNewRequest: (req, tx) => this.coreRequests.push({ req, tx }),
        onAck: (req) => this.coreAcks.push(req),
        onStrayResponse: (res) => this.stray.push(res),
      },
      this.clock,
      this.counters,
      { ...nullLogger, debug: (m) => this.transitions.push(m) },
      { debug: true },
    );
  }

  static async create(protocol: 'UDP' | 'TCP' = 'UDP'): Promise<Harness> {
    const h = new Harness(protocol);
    await h.tl.start();
    return h;
  }

  get reliable(): boolean {
    return this.protocol !== 'UDP';
  }

  readonly tu: ClientTransactionUser = {
    onResponse: (res) =>
      this.tuEvents.push({ at: this.clock.now(), what: 'response', status: res.msg.status }),
    onTimeout: () => this.tuEvents.push({ at: this.clock.now(), what: 'timeout' }),
    onTransportError: () => this.tuEvents.push({ at: this.clock.now(), what: 'transport-error' }),
    onTimerC: () => this.tuEvents.push({ at: this.clock.now(), what: 'timer-c' }),
  };

  /** A request from us to the peer, with its branch. */
  request(method: string): { req: SipRequest; branch: string } {
    const branch = `z9hG4bK-us-${++this.seq}`;
    const h = new HeaderList();
    h.append('Via', `SIP/2.0/${this.protocol} 10.0.0.1:5060;branch=${branch}`);
    h.append('Max-Forwards', '70');
    h.append('To', '<sip:peer@10.0.0.2>');
    h.append('From', '<sip:us@10.0.0.1>;tag=ours');
    h.append('Call-ID', `call-${this.seq}`);
    h.append('CSeq', `1 ${method}`);
    return { req: new SipRequest(method, 'sip:peer@10.0.0.2', h), branch };
  }

  send(method: string): ClientTransaction {
    const { req, branch } = this.request(method);
    const tx = this.txl.sendRequest(
      req,
      branch,
      `call-${this.seq}`,
      { protocol: this.protocol, remote: this.peer.local },
      this.tu,
    )!;
    this.clock.flush();
    return tx;
  }

  /** The peer answers the first request it got with `status`. */
  peerResponds(status: number, toTag = 'theirs'): void {
    const req = this.peerGot.find((s) => s.msg.kind === 'request' && s.msg.method !== 'ACK')!
      .msg as SipRequest;
    this.peer.send(serializeMessage(createResponse(req, status, { toTag })), this.us.local);
    this.clock.flush();
  }

  /** The peer sends a request to us (or re-sends the same bytes). */
  peerSends(data: Buffer): void {
    this.peer.send(data, this.us.local);
    this.clock.flush();
  }

  peerRequest(method: string, branch = 'z9hG4bK-peer-1', cseqMethod = method): Buffer {
    return serializeMessage(
      new SipRequest(
        method,
        'sip:us@10.0.0.1',
        new HeaderList()
          .append('Via', `SIP/2.0/${this.protocol} 10.0.0.2:5060;branch=${branch}`)
          .append('Max-Forwards', '70')
          .append('To', '<sip:us@10.0.0.1>' + (method === 'ACK' ? ';tag=ours' : ''))
          .append('From', '<sip:peer@10.0.0.2>;tag=theirs')
          .append('Call-ID', 'peer-call')
          .append('CSeq', `1 ${cseqMethod}`),
      ),
    );
  }

  respond(tx: ServerTransaction, status: number): SipResponse {
    const res = createResponse(tx.sipRequest!, status, { toTag: 'ours' });
    tx.respond(res);
    this.clock.flush();
    return res;
  }

  /** Times (ms) at which the peer received messages matching the filter. */
  times(filter: (m: SipMessage) => boolean): number[] {
    return this.peerGot.filter((s) => filter(s.msg)).map((s) => s.at);
  }
}

export const isReq = (method: string) => (m: SipMessage) => m.kind === 'request' && m.method === method;
export const isRes = (status: number) => (m: SipMessage) => m.kind === 'response' && m.status === status;
