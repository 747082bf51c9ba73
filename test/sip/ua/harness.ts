/** Two SipStacks on an in-memory network in fake time. */
import {
  MemoryNetwork,
  SipStack,
  parseMessage,
  type MemoryPacket,
  type SipMessage,
  type SipStackOptions,
  type TrunkConfig,
} from '../../../src/sip/index.js';
import { FakeClock } from '../fake-clock.js';

export const SDP_A = Buffer.from(
  'v=0\r\no=a 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n',
);
export const SDP_B = Buffer.from(
  'v=0\r\no=b 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\nm=audio 5000 RTP/AVP 0\r\n',
);

export interface Pair {
  clock: FakeClock;
  net: MemoryNetwork;
  a: SipStack;
  b: SipStack;
  /** Every packet on the wire, parsed, with its time. */
  wire(): Array<{ at: number; from: string; msg: SipMessage }>;
  run(ms: number): void;
}

export function trunk(name: string, peer: string, extra: Partial<TrunkConfig> = {}): TrunkConfig {
  return { name, peers: [peer], transport: 'udp', ...extra };
}

export async function pair(
  aOpts: Partial<SipStackOptions> = {},
  bOpts: Partial<SipStackOptions> = {},
  drop?: (p: MemoryPacket, msg: SipMessage | null) => boolean,
): Promise<Pair> {
  const clock = new FakeClock();
  const log: Array<{ at: number; from: string; data: Buffer }> = [];
  const net = new MemoryNetwork({
    schedule: (fn) => clock.setTimeout(fn, 0),
    drop: (p) => {
      log.push({ at: clock.now(), from: p.from.address, data: p.data });
      if (!drop) return false;
      const m = parseMessage(p.data);
      return drop(p, m.kind === 'error' ? null : m);
    },
  });
  const a = new SipStack({
    transports: [net.transport('10.0.0.1', 5060)],
    clock,
    trunks: [trunk('to-b', '10.0.0.2:5060')],
    ...aOpts,
  });
  const b = new SipStack({
    transports: [net.transport('10.0.0.2', 5060)],
    clock,
    trunks: [trunk('to-a', '10.0.0.1:5060')],
    ...bOpts,
  });
  await a.start();
  await b.start();
  return {
    clock,
    net,
    a,
    b,
    wire: () =>
      log.flatMap((l) => {
        const m = parseMessage(l.data);
        return m.kind === 'error' ? [] : [{ at: l.at, from: l.from, msg: m }];
      }),
    run: (ms) => clock.advance(ms),
  };
}

/** Start lines of the wire, e.g. "A INVITE", "B 200 INVITE". */
export function ladder(p: Pair): string[] {
  return p.wire().map((w) => {
    const who = w.from === '10.0.0.1' ? 'A' : 'B';
    const cseq = w.msg.headers.get('cseq')?.split(' ')[1] ?? '';
    return w.msg.kind === 'request' ? `${who} ${w.msg.method}` : `${who} ${w.msg.status} ${cseq}`;
  });
}
