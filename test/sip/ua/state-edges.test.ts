/**
 * Every edge of the UA state machines (Session, IncomingCall, OutgoingCall, Dialog) is taken by
 * one of these scenarios: the transitions logged at debug level equal each table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createResponse,
  Dialog,
  parseMessage,
  serializeMessage,
  DIALOG_EDGES,
  INCOMING_CALL_EDGES,
  OUTGOING_CALL_EDGES,
  SESSION_EDGES,
  type SipLogger,
} from '../../../src/sip/index.js';
import { pair, SDP_A, SDP_B, trunk, type Pair } from './harness.js';

const seen = new Set<string>();
const logger: SipLogger = {
  debug: (m) => {
    if (/^(session|incoming call|outgoing call) \S+ -> \S+$/.test(m)) seen.add(m);
  },
  info: () => {},
  warn: () => {},
  error: () => {},
};

async function run(
  fn: (p: Pair) => void,
  drop?: Parameters<typeof pair>[2],
  aOpts: Parameters<typeof pair>[0] = {},
): Promise<void> {
  const p = await pair({ logger, debug: true, ...aOpts }, { logger, debug: true }, drop);
  fn(p);
}

function edges(prefix: string, table: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.entries(table).flatMap(([from, tos]) => tos.map((to) => `${prefix} ${from} -> ${to}`));
}

describe('UA state machines: every edge', () => {
  it('scenarios take every edge of the Session, IncomingCall and OutgoingCall tables', async () => {
    // Ring, answer, ACK, caller hangs up: proceeding→early→accepted, waiting-ack→confirmed, BYE both ways.
    await run((p) => {
      p.b.delegate.onInvite = (c) => {
        c.progress(180);
        c.accept({ body: SDP_B });
      };
      p.a.invite({ trunk: 'to-b', to: '1', body: SDP_A }).delegate.onAccepted = (s) => {
        p.clock.setTimeout(() => s.bye(), 10);
      };
      p.run(100);
    });
    // Answer at once (calling→accepted, proceeding→accepted); the callee hangs up before the ACK.
    await run((p) => {
      p.b.delegate.onInvite = (c) => c.accept({ body: SDP_B })!.bye();
      p.a.invite({ trunk: 'to-b', to: '2', body: SDP_A });
      p.run(100);
    });
    // BYE from the caller while the callee still waits for the ACK (the ACK was lost).
    await run(
      (p) => {
        p.b.delegate.onInvite = (c) => c.accept({ body: SDP_B });
        p.a.invite({ trunk: 'to-b', to: '3', body: SDP_A }).delegate.onAccepted = (s) => s.bye();
        p.run(100);
      },
      (_pk, m) => m?.kind === 'request' && m.method === 'ACK',
    );
    // Reject at once (calling→failed, proceeding→ended) and after ringing (proceeding→failed, early→ended).
    await run((p) => {
      p.b.delegate.onInvite = (c) => c.reject(486);
      p.a.invite({ trunk: 'to-b', to: '4', body: SDP_A });
      p.run(50);
    });
    await run((p) => {
      p.b.delegate.onInvite = (c) => {
        c.progress(180);
        c.reject(480);
      };
      p.a.invite({ trunk: 'to-b', to: '5', body: SDP_A });
      p.run(50);
    });
    // A challenge after 100 Trying: proceeding→calling (a scripted carrier at 10.0.0.9).
    const q = await pair({
      logger,
      debug: true,
      trunks: [trunk('carrier', '10.0.0.9:5060', { auth: { username: 'u', password: 'p' } })],
    });
    const carrier = q.net.transport('10.0.0.9', 5060);
    await carrier.start({
      onMessage: (d) => {
        const m = parseMessage(d);
        if (m.kind !== 'request' || m.method !== 'INVITE') return;
        const reply = (status: number, headers: Array<[string, string]> = []) =>
          carrier.send(serializeMessage(createResponse(m, status, { toTag: 'c', headers })), {
            address: '10.0.0.1',
            port: 5060,
          });
        reply(100);
        if (m.headers.has('authorization')) reply(486);
        else reply(401, [['WWW-Authenticate', 'Digest realm="c", nonce="n", qop="auth"']]);
      },
    });
    q.a.invite({ trunk: 'carrier', to: '7', body: SDP_A });
    q.run(100);
    const want = [
      ...edges('session', SESSION_EDGES),
      ...edges('incoming call', INCOMING_CALL_EDGES),
      ...edges('outgoing call', OUTGOING_CALL_EDGES),
    ].sort();
    const missing = want.filter((e) => !seen.has(e));
    const extra = [...seen].filter((e) => !want.includes(e));
    assert.deepEqual({ missing, extra }, { missing: [], extra: [] });
  });

  it('Dialog: early→confirmed, early→terminated, confirmed→terminated; nothing else', () => {
    const make = () =>
      new Dialog({
        role: 'uas',
        state: 'early',
        callId: 'c',
        localTag: 'l',
        remoteTag: 'r',
        localUri: '<sip:a@x>',
        remoteUri: '<sip:b@y>',
        localTarget: 'sip:a@10.0.0.1',
        remoteTarget: 'sip:b@10.0.0.2',
        routeSet: [],
        localSeq: 1,
        remoteSeq: 1,
        secure: false,
      });
    const taken: string[] = [];
    for (const path of [['confirmed', 'terminated'], ['terminated']] as const) {
      const d = make();
      for (const next of path) {
        const from = d.state;
        assert.ok(d.transition(next));
        taken.push(`${from} -> ${next}`);
      }
      assert.equal(d.transition('early'), false);
      assert.equal(d.transition('confirmed'), false);
    }
    assert.deepEqual(
      taken.sort(),
      edges('', DIALOG_EDGES)
        .map((e) => e.trim())
        .sort(),
    );
  });
});
