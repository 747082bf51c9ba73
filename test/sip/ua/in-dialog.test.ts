/** Requests inside a dialog: re-INVITE, UPDATE, INFO, NOTIFY, REFER, OPTIONS, glare (RFC 3261 §14, RFC 3311/6086/3515). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Session, SipResponse } from '../../../src/sip/index.js';
import { ladder, pair, SDP_A, SDP_B, type Pair } from './harness.js';

async function established(p: Pair): Promise<{ a: Session; b: Session }> {
  let b: Session | null = null;
  let a: Session | null = null;
  p.b.delegate.onInvite = (c) => (b = c.accept({ body: SDP_B }));
  p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onAccepted = (s) => (a = s);
  p.run(10);
  assert.ok(a && b);
  return { a, b };
}

describe('requests inside a dialog', () => {
  it('re-INVITE with a new offer: the peer answers, the 2xx is ACKed, bodies are tracked', async () => {
    const p = await pair();
    const { a, b } = await established(p);
    const newOffer = Buffer.from(SDP_A.toString().replace('sendrecv', 'sendonly') + 'a=sendonly\r\n');
    let seenOffer: Buffer | null = null;
    b.delegate.onReinvite = (r) => {
      seenOffer = r.body;
      r.accept({ body: SDP_B });
    };
    let res: SipResponse | null = null;
    assert.ok(a.reinvite({ body: newOffer }, (r) => (res = r)));
    p.run(10);
    assert.equal((res as SipResponse | null)?.status, 200);
    assert.ok((seenOffer as Buffer | null)?.equals(newOffer));
    assert.ok(b.remoteBody?.equals(newOffer));
    assert.deepEqual(ladder(p).slice(3), ['A INVITE', 'B 200 INVITE', 'A ACK']);
    // Without a delegate the peer answers with its last body.
    b.delegate.onReinvite = undefined;
    a.reinvite({ body: SDP_A });
    p.run(10);
    const last200 = p
      .wire()
      .filter((w) => w.msg.kind === 'response' && w.msg.status === 200)
      .at(-1)!.msg;
    assert.ok(last200.body.equals(SDP_B));
  });

  it('glare: crossing re-INVITEs both get 491 and are retried after the §14.1 delays', async () => {
    const p = await pair();
    const { a, b } = await established(p);
    const results: string[] = [];
    a.reinvite({ body: SDP_A }, (r) => results.push(`a ${r?.status} ${p.clock.now()}`));
    b.reinvite({ body: SDP_B }, (r) => results.push(`b ${r?.status} ${p.clock.now()}`));
    p.run(10);
    assert.equal(ladder(p).filter((l) => l.endsWith('491 INVITE')).length, 2);
    assert.equal(results.length, 0);
    p.run(4500);
    assert.equal(results.length, 2, results.join());
    assert.ok(results.every((r) => / 200 /.test(r)));
    // The Call-ID owner (a, the caller) waits 2.1–4 s; the other 0–2 s.
    const at = (who: string) => Number(results.find((r) => r.startsWith(who))!.split(' ')[2]);
    assert.ok(at('a') >= 2100 && at('a') <= 4010, `a at ${at('a')}`);
    assert.ok(at('b') <= 2010, `b at ${at('b')}`);
  });

  it('answers a re-INVITE with 500 + Retry-After while another from the peer is unanswered (§14.2)', async () => {
    const p = await pair();
    const { a, b } = await established(p);
    b.delegate.onReinvite = () => {
      /* the application takes its time */
    };
    a.reinvite({ body: SDP_A });
    p.run(10);
    // Force a second re-INVITE past the local guard by clearing our pending marker.
    (a as unknown as { outInvite: null }).outInvite = null;
    let second: SipResponse | null = null;
    a.reinvite({ body: SDP_A }, (r) => (second = r));
    p.run(10);
    assert.equal((second as SipResponse | null)?.status, 500);
    assert.ok((second as SipResponse | null)?.headers.has('retry-after'));
  });

  it('UPDATE, INFO, NOTIFY, MESSAGE and OPTIONS get 200; REFER is declined unless the application takes it', async () => {
    const p = await pair();
    const { a, b } = await established(p);
    const got: string[] = [];
    const statuses: number[] = [];
    const push = (r: SipResponse | null) => statuses.push(r?.status ?? 0);
    b.delegate.onInfo = (r) => {
      got.push(`${r.contentType} ${r.body.toString().trim()}`);
      r.accept();
    };
    a.update({ body: SDP_A }, push);
    a.info(Buffer.from('Signal=5\r\nDuration=160\r\n'), 'application/dtmf-relay', push);
    a.notify('refer', 'active;expires=60', Buffer.from('SIP/2.0 100 Trying\r\n'), 'message/sipfrag', push);
    a.options(push);
    a.request('MESSAGE', { body: Buffer.from('hi'), contentType: 'text/plain' }, push);
    a.refer('sip:200@10.0.0.2', push);
    p.run(20);
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 603]);
    assert.deepEqual(got, ['application/dtmf-relay Signal=5\r\nDuration=160']);
    b.delegate.onRefer = (r) => {
      assert.match(r.message.headers.get('refer-to')!, /sip:300@/);
      r.accept();
    };
    a.refer('sip:300@10.0.0.2', push);
    p.run(10);
    assert.equal(statuses.at(-1), 202);
  });

  it('a target refresh updates the remote target (§12.2)', async () => {
    const p = await pair();
    const { a, b } = await established(p);
    assert.match(a.dialog.remoteTarget, /^sip:voicegate@10\.0\.0\.2:5060$/);
    b.dialog.localTarget = 'sip:moved@10.0.0.2:5060';
    a.reinvite({ body: SDP_A });
    p.run(10);
    assert.equal(a.dialog.remoteTarget, 'sip:moved@10.0.0.2:5060');
  });

  it('a BYE retransmitted after our 200 was lost is answered 200 again, never 481', async () => {
    let oks = 0;
    const p = await pair(
      {},
      {},
      (_p, m) =>
        m?.kind === 'response' && m.status === 200 && m.headers.get('cseq')!.endsWith('BYE') && ++oks === 1,
    );
    const { a } = await established(p);
    a.bye();
    p.run(2000);
    const l = ladder(p).slice(3);
    assert.deepEqual(l, ['A BYE', 'B 200 BYE', 'A BYE', 'B 200 BYE']);
    assert.equal(a.state, 'terminated');
  });
});
