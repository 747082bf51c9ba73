/** Calls between two stacks: establishment, BYE, CANCEL, rejection, ACK handling (RFC 3261 §9, §13, §15). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndReason, IncomingCall, Session } from '../../../src/sip/index.js';
import { ladder, pair, SDP_A, SDP_B } from './harness.js';

describe('calls between two stacks', () => {
  it('sets up with offer/answer, confirms on ACK, and ends with BYE', async () => {
    const p = await pair();
    let uas: Session | null = null;
    const ends: string[] = [];
    p.b.delegate.onInvite = (call) => {
      assert.ok(call.offer?.equals(SDP_A));
      call.progress(180);
      uas = call.accept({ body: SDP_B });
      uas!.delegate.onTerminated = (r) => ends.push(`b:${r}`);
    };
    let uac: Session | null = null;
    const call = p.a.invite({ trunk: 'to-b', to: '+15551234567', body: SDP_A });
    call.delegate.onAccepted = (s, res) => {
      uac = s;
      assert.ok(res.body.equals(SDP_B));
      s.delegate.onTerminated = (r: EndReason) => ends.push(`a:${r}`);
    };
    p.run(10);
    assert.ok(uac && uas);
    assert.equal((uas as Session).state, 'confirmed');
    assert.equal(p.a.dialogCount, 1);
    assert.equal(p.b.dialogCount, 1);
    assert.equal(p.a.callCount, 1);
    (uac as Session).bye();
    p.run(10);
    assert.deepEqual(ends.sort(), ['a:local-bye', 'b:remote-bye']);
    assert.deepEqual(ladder(p), ['A INVITE', 'B 180 INVITE', 'B 200 INVITE', 'A ACK', 'A BYE', 'B 200 BYE']);
    assert.equal(p.a.dialogCount + p.b.dialogCount, 0);
    assert.equal(p.a.callCount + p.b.callCount, 0);
    const inv = p.wire()[0]!.msg;
    assert.equal(inv.kind === 'request' && inv.uri, 'sip:+15551234567@10.0.0.2');
    assert.match(inv.headers.get('supported')!, /100rel/);
  });

  it('sends 100 Trying when the application is slow, and the caller CANCELs (§9)', async () => {
    const p = await pair();
    let incoming: IncomingCall | null = null;
    let cancelled = false;
    p.b.delegate.onInvite = (c) => {
      incoming = c;
      c.delegate.onCancel = () => (cancelled = true);
    };
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    let failed = '';
    call.delegate.onFailed = (res, reason) => (failed = `${reason} ${res?.status}`);
    call.cancel();
    p.run(200);
    assert.ok(incoming);
    assert.ok(cancelled);
    assert.equal(failed, 'cancelled 487');
    assert.deepEqual(ladder(p), [
      'A INVITE',
      'B 100 INVITE',
      'A CANCEL',
      'B 200 CANCEL',
      'B 487 INVITE',
      'A ACK',
    ]);
    assert.equal((incoming as IncomingCall).state, 'ended');
    assert.equal(p.a.callCount + p.b.callCount, 0);
  });

  it('a rejection reaches the caller, and the transaction ACKs it', async () => {
    const p = await pair();
    p.b.delegate.onInvite = (c) => c.reject(486);
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    let status = 0;
    call.delegate.onFailed = (res) => (status = res?.status ?? -1);
    p.run(50);
    assert.equal(status, 486);
    assert.deepEqual(ladder(p), ['A INVITE', 'B 486 INVITE', 'A ACK']);
  });

  it('retransmits the 2xx until the ACK when the ACK is lost, and the ACK is re-sent (§13.3.1.4)', async () => {
    let acks = 0;
    const p = await pair({}, {}, (_p, m) => m?.kind === 'request' && m.method === 'ACK' && ++acks === 1);
    let uas: Session | null = null;
    p.b.delegate.onInvite = (c) => (uas = c.accept({ body: SDP_B }));
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(10);
    assert.equal((uas as unknown as Session).state, 'waiting-ack');
    p.run(600);
    assert.equal((uas as unknown as Session).state, 'confirmed');
    assert.deepEqual(ladder(p), ['A INVITE', 'B 200 INVITE', 'A ACK', 'B 200 INVITE', 'A ACK']);
  });

  it('ends the call with BYE when no ACK comes within 64*T1', async () => {
    const p = await pair({}, {}, (_p, m) => m?.kind === 'request' && m.method === 'ACK');
    let reason = '';
    p.b.delegate.onInvite = (c) => {
      const s = c.accept({ body: SDP_B });
      s!.delegate.onTerminated = (r) => (reason = r);
    };
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(32_000 + 100);
    assert.equal(reason, 'ack-timeout');
    const l = ladder(p);
    assert.equal(l.filter((x) => x === 'B 200 INVITE').length, 1 + 10);
    assert.ok(l.includes('B BYE'));
    assert.equal(p.b.dialogCount, 0);
  });

  it('answers 481 to a request for an unknown dialog and 500 to an out-of-order CSeq (§12.2.2)', async () => {
    const p = await pair();
    let uas: Session | null = null;
    p.b.delegate.onInvite = (c) => (uas = c.accept({ body: SDP_B }));
    let uac: Session | null = null;
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onAccepted = (s) => (uac = s);
    p.run(10);
    const s = uac as unknown as Session;
    const statuses: number[] = [];
    s.info(Buffer.from('Signal=1\r\n'), 'application/dtmf-relay', (r) => statuses.push(r!.status));
    p.run(10);
    s.dialog.localSeq -= 5;
    s.info(Buffer.from('Signal=2\r\n'), 'application/dtmf-relay', (r) => statuses.push(r!.status));
    p.run(10);
    assert.deepEqual(statuses, [200, 500]);
    assert.ok(uas);
  });
});

describe('bounds on calls', () => {
  it('an INVITE the application never answers gets 480 after Timer C', async () => {
    const p = await pair({}, { timers: { C: 60_000 } });
    let ended = 0;
    p.b.delegate.onInvite = (c) => {
      c.progress(180);
      c.delegate.onEnded = (s) => (ended = s);
    };
    let failed = 0;
    p.a.invite({ trunk: 'to-b', to: '1', body: SDP_A }).delegate.onFailed = (r) => (failed = r?.status ?? 0);
    p.run(59_000);
    assert.equal(ended, 0);
    p.run(1_100);
    assert.equal(ended, 480);
    assert.equal(failed, 480);
    assert.equal(p.b.callCount, 0);
  });
});
