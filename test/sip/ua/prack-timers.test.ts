/** Reliable provisionals (RFC 3262), session timers (RFC 4028), Timer C and forking. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MemoryNetwork,
  SipStack,
  createResponse,
  parseMessage,
  serializeMessage,
  type IncomingCall,
  type Session,
  type SipRequest,
  type SipResponse,
} from '../../../src/sip/index.js';
import { FakeClock } from '../fake-clock.js';
import { ladder, pair, SDP_A, SDP_B, trunk } from './harness.js';

describe('reliable provisional responses (RFC 3262)', () => {
  it('183 with an answer is sent reliably, PRACKed with a body, and the 2xx waits for the PRACK', async () => {
    let pracks = 0;
    // Lose the first PRACK: the 183 is retransmitted and the PRACK transaction retransmits too.
    const p = await pair({}, {}, (_p, m) => m?.kind === 'request' && m.method === 'PRACK' && ++pracks === 1);
    let prackBody = '';
    p.b.delegate.onInvite = (c) => {
      assert.ok(c.supports100rel);
      c.delegate.onPrack = (pr) => (prackBody = pr.body.toString());
      assert.ok(c.progress(183, { body: SDP_B }));
      c.accept({ body: SDP_B });
    };
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    const progress: number[] = [];
    call.delegate.onProgress = (r) => progress.push(r.status);
    call.delegate.prackBody = () => Buffer.from('answer-in-prack');
    let session: Session | null = null;
    call.delegate.onAccepted = (s) => (session = s);
    p.run(10);
    assert.equal(session, null, 'no 2xx before the PRACK');
    p.run(1000);
    assert.ok(session);
    assert.equal(prackBody, 'answer-in-prack');
    const l = ladder(p);
    assert.deepEqual(l.slice(0, 3), ['A INVITE', 'B 183 INVITE', 'A PRACK']);
    assert.ok(l.filter((x) => x === 'B 183 INVITE').length >= 2, 'the 183 was retransmitted');
    assert.ok(l.indexOf('B 200 INVITE') > l.indexOf('B 200 PRACK'));
    assert.deepEqual(progress, [183], 'a retransmitted reliable 1xx is not passed up twice');
    const r183 = p.wire().find((w) => w.msg.kind === 'response' && w.msg.status === 183)!.msg;
    assert.equal(r183.headers.get('require'), '100rel');
    assert.match(r183.headers.get('rseq')!, /^\d+$/);
    const prack = p.wire().find((w) => w.msg.kind === 'request' && w.msg.method === 'PRACK')!.msg;
    assert.equal(prack.headers.get('rack'), `${r183.headers.get('rseq')} ${r183.headers.get('cseq')}`);
  });

  it('rejects the INVITE with 5xx when no PRACK comes within 64*T1', async () => {
    const p = await pair({}, {}, (_p, m) => m?.kind === 'request' && m.method === 'PRACK');
    let ended = 0;
    p.b.delegate.onInvite = (c) => {
      c.delegate.onEnded = (s) => (ended = s);
      c.progress(183, { body: SDP_B, reliable: true });
    };
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    let failed = 0;
    call.delegate.onFailed = (r) => (failed = r?.status ?? -1);
    p.run(32_000 + 100);
    assert.equal(ended, 500);
    assert.equal(failed, 500);
  });

  it('sends unreliable 18x to a caller without 100rel, and reliably when it requires it', async () => {
    const p = await pair({ prack: 'disabled' }, {});
    p.b.delegate.onInvite = (c) => {
      assert.equal(c.supports100rel, false);
      c.progress(183, { body: SDP_B });
      c.accept({ body: SDP_B });
    };
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(10);
    assert.deepEqual(ladder(p), ['A INVITE', 'B 183 INVITE', 'B 200 INVITE', 'A ACK']);
    const q = await pair({ prack: 'required' }, {});
    q.b.delegate.onInvite = (c) => {
      assert.ok(c.requires100rel);
      c.progress(180);
      c.delegate.onPrack = () => c.accept({ body: SDP_B });
    };
    q.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    q.run(10);
    assert.deepEqual(ladder(q), [
      'A INVITE',
      'B 180 INVITE',
      'A PRACK',
      'B 200 PRACK',
      'B 200 INVITE',
      'A ACK',
    ]);
    assert.equal(q.wire()[1]!.msg.headers.get('require'), '100rel');
  });

  it('an UPDATE in the early dialog carries a new offer (RFC 3311 §5.1)', async () => {
    const p = await pair();
    let call: IncomingCall | null = null;
    let updated = '';
    p.b.delegate.onInvite = (c) => {
      call = c;
      c.delegate.onUpdate = (r) => {
        updated = r.body.toString();
        r.accept({ body: SDP_B });
      };
      c.progress(183, { body: SDP_B });
    };
    const out = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(10);
    assert.ok(out.update(Buffer.from('new-offer')));
    p.run(10);
    assert.equal(updated, 'new-offer');
    assert.ok(ladder(p).includes('B 200 UPDATE'));
    (call as unknown as IncomingCall).accept({ body: SDP_B });
    p.run(10);
    assert.equal(out.state, 'accepted');
  });
});

describe('session timers (RFC 4028)', () => {
  it('negotiates the interval; the caller refreshes by UPDATE at half of it', async () => {
    const p = await pair({ sessionTimer: { expires: 120 } }, {});
    let b: Session | null = null;
    p.b.delegate.onInvite = (c) => (b = c.accept({ body: SDP_B }));
    let a: Session | null = null;
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onAccepted = (s) => (a = s);
    p.run(10);
    const ok = p.wire().find((w) => w.msg.kind === 'response' && w.msg.status === 200)!.msg;
    assert.equal(ok.headers.get('session-expires'), '120;refresher=uac');
    assert.equal(ok.headers.get('require'), 'timer');
    assert.ok((a as unknown as Session).timer.weRefresh);
    assert.equal((b as unknown as Session).timer.weRefresh, false);
    p.run(60_000);
    assert.ok(ladder(p).includes('A UPDATE'));
    const upd = p.wire().find((w) => w.msg.kind === 'request' && w.msg.method === 'UPDATE')!;
    assert.equal(upd.at, 10 + 60_000 - 10);
    assert.match(upd.msg.headers.get('session-expires')!, /^120;refresher=uac$/);
    p.run(200_000);
    assert.equal((a as unknown as Session).state, 'confirmed', 'refreshes keep the session up');
    assert.ok(ladder(p).filter((l) => l === 'A UPDATE').length >= 4);
  });

  it('the peer that stops receiving refreshes ends the session with BYE', async () => {
    let cut = false;
    const p = await pair(
      { sessionTimer: { expires: 90 } },
      {},
      (pk) => cut && pk.from.address === '10.0.0.1',
    );
    let reason = '';
    p.b.delegate.onInvite = (c) => {
      const s = c.accept({ body: SDP_B });
      s!.delegate.onTerminated = (r) => (reason = r);
    };
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    p.run(10);
    cut = true;
    p.run(60_000 - 10);
    assert.ok(ladder(p).includes('B BYE'), 'BYE at 90 − 30 s');
    p.run(32_000);
    assert.equal(reason, 'session-expired');
    assert.ok(ladder(p).includes('B BYE'));
  });

  it('422 Session Interval Too Small makes the caller retry with the Min-SE it names', async () => {
    const p = await pair({ sessionTimer: { expires: 100, minSE: 90 } }, { sessionTimer: { minSE: 300 } });
    p.b.delegate.onInvite = (c) => c.accept({ body: SDP_B });
    let ok: SipResponse | null = null;
    p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A }).delegate.onAccepted = (_s, r) => (ok = r);
    p.run(20);
    assert.deepEqual(ladder(p), ['A INVITE', 'B 422 INVITE', 'A ACK', 'A INVITE', 'B 200 INVITE', 'A ACK']);
    assert.equal((ok as SipResponse | null)?.headers.get('session-expires'), '300;refresher=uac');
    const second = p.wire()[3]!.msg;
    assert.equal(second.headers.get('min-se'), '300');
  });
});

describe('INVITE client: Timer C and forking', () => {
  it('CANCELs an INVITE stuck in Proceeding when Timer C fires (§16.6)', async () => {
    const p = await pair({ timers: { C: 60_000 } });
    p.b.delegate.onInvite = (c) => c.progress(180);
    const call = p.a.invite({ trunk: 'to-b', to: '100', body: SDP_A });
    let reason = '';
    call.delegate.onFailed = (_r, why) => (reason = why);
    p.run(60_010);
    assert.equal(reason, 'cancelled');
    assert.ok(ladder(p).includes('A CANCEL'));
    assert.ok(ladder(p).includes('B 487 INVITE'));
  });

  it('keeps an early dialog per fork, and ACKs then BYEs a second 2xx (§13.2.2.4)', async () => {
    const clock = new FakeClock();
    const net = new MemoryNetwork({ schedule: (fn) => clock.setTimeout(fn, 0) });
    const a = new SipStack({
      transports: [net.transport('10.0.0.1', 5060)],
      clock,
      trunks: [trunk('proxy', '10.0.0.9:5060')],
    });
    await a.start();
    const proxy = net.transport('10.0.0.9', 5060);
    const got: SipRequest[] = [];
    await proxy.start({
      onMessage: (d) => {
        const m = parseMessage(d);
        if (m.kind === 'request') got.push(m);
      },
    });
    const call = a.invite({ trunk: 'proxy', to: '100', body: SDP_A });
    const progress: string[] = [];
    call.delegate.onProgress = (r) => progress.push(r.headers.get('to')!);
    let accepted: Session | null = null;
    call.delegate.onAccepted = (s) => (accepted = s);
    clock.flush();
    const invite = got[0]!;
    const reply = (status: number, tag: string, contact: string) => {
      const r = createResponse(invite, status, { toTag: tag, headers: [['Contact', `<${contact}>`]] });
      if (status === 200) {
        r.body = SDP_B;
        r.headers.append('Content-Type', 'application/sdp');
      }
      proxy.send(serializeMessage(r), { address: '10.0.0.1', port: 5060 });
      clock.flush();
    };
    reply(180, 'fork1', 'sip:x@10.0.0.11');
    reply(180, 'fork2', 'sip:y@10.0.0.12');
    assert.equal(progress.length, 2);
    assert.equal(a.dialogCount, 2, 'two early dialogs');
    reply(200, 'fork2', 'sip:y@10.0.0.12');
    assert.ok(accepted);
    assert.equal((accepted as unknown as Session).dialog.remoteTag, 'fork2');
    assert.equal(a.dialogCount, 1, 'the other early dialog is gone');
    reply(200, 'fork1', 'sip:x@10.0.0.11');
    clock.advance(10);
    // Without Record-Route, in-dialog requests go straight to each fork's Contact.
    const sent = net.log
      .filter((l) => l.from.address === '10.0.0.1')
      .map((l) => parseMessage(l.data))
      .flatMap((m) => (m.kind === 'request' ? [`${m.method} ${m.uri}`] : []));
    assert.deepEqual(sent.slice(1), ['ACK sip:y@10.0.0.12', 'ACK sip:x@10.0.0.11', 'BYE sip:x@10.0.0.11']);
    assert.equal(net.log.at(-1)!.to.address, '10.0.0.11');
    clock.advance(40_000);
    assert.equal(a.callCount, 1, 'the extra fork hung up is not one of our calls');
  });
});

describe('session refresh answered 422 (RFC 4028 §7.3)', () => {
  it('refreshes once more with the Min-SE the peer names', async () => {
    const p = await pair({ sessionTimer: { expires: 120 } }, {});
    let a: Session | null = null;
    p.b.delegate.onInvite = (c) => c.accept({ body: SDP_B });
    p.a.invite({ trunk: 'to-b', to: '1', body: SDP_A }).delegate.onAccepted = (s) => (a = s);
    p.run(10);
    // The callee now wants at least 200 s.
    (p.b as unknown as { config: { sessionTimer: { minSE: number } } }).config.sessionTimer.minSE = 200;
    p.run(60_000);
    const updates = p.wire().filter((w) => w.msg.kind === 'request' && w.msg.method === 'UPDATE');
    assert.deepEqual(
      updates.map((u) => u.msg.headers.get('session-expires')),
      ['120;refresher=uac', '200;refresher=uac'],
    );
    assert.equal((a as unknown as Session).state, 'confirmed');
    assert.equal((a as unknown as Session).timer.delta, 200);
  });
});
