/**
 * Every RFC 3261 §17 timer (A–K), RFC 6026's L and M, §16.6's C and the 100 Trying timer, in
 * fake time, over an unreliable (UDP) and a reliable (TCP) in-memory transport.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Harness, isReq, isRes } from './harness.js';

const BOTH = ['UDP', 'TCP'] as const;

describe('client INVITE transaction timers (§17.1.1, RFC 6026)', () => {
  for (const p of BOTH) {
    it(`Timer A retransmits with doubling intervals only when unreliable; Timer B ends it (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('INVITE');
      h.clock.advance(31999);
      const sent = h.times(isReq('INVITE'));
      assert.deepEqual(sent, p === 'UDP' ? [0, 500, 1500, 3500, 7500, 15500, 31500] : [0]);
      assert.equal(tx.state, 'calling');
      assert.deepEqual(h.tuEvents, []);
      h.clock.advance(1);
      assert.deepEqual(h.tuEvents, [{ at: 32000, what: 'timeout' }]);
      assert.equal(tx.state, 'terminated');
      assert.equal(h.counters.transactions['INVITE timeout'], 1);
      assert.equal(h.counters.retransmissionsSent.INVITE, p === 'UDP' ? 6 : undefined);
      assert.equal(h.clock.pending, 0);
    });

    it(`Timer D absorbs final-response retransmissions, resending the ACK (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('INVITE');
      h.clock.advance(100);
      h.peerResponds(486);
      assert.equal(h.times(isReq('ACK')).length, 1);
      if (p === 'TCP') {
        assert.equal(tx.state, 'terminated', 'Timer D is 0 on a reliable transport');
        return;
      }
      assert.equal(tx.state, 'completed');
      h.clock.advance(100);
      h.peerResponds(486);
      assert.equal(h.times(isReq('ACK')).length, 2);
      assert.deepEqual(
        h.tuEvents.map((e) => e.status),
        [486],
        'the retransmission is not passed up',
      );
      h.clock.advance(32000 - 100 - 1);
      assert.equal(tx.state, 'completed');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.equal(h.clock.pending, 0);
    });

    it(`Timer M keeps an accepted INVITE to pass 2xx retransmissions up (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('INVITE');
      h.clock.advance(100);
      h.peerResponds(200);
      assert.equal(tx.state, 'accepted');
      assert.equal(h.times(isReq('ACK')).length, 0, 'the ACK for a 2xx is the TU’s');
      h.clock.advance(500);
      h.peerResponds(200);
      assert.deepEqual(
        h.tuEvents.map((e) => e.status),
        [200, 200],
      );
      h.clock.advance(32000 - 500 - 1);
      assert.equal(tx.state, 'accepted');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
      h.peerResponds(200);
      assert.equal(h.stray.length, 1, 'after Timer M a 2xx goes to the core');
    });

    it(`Timer C CANCELs after a provisional, restarts on each provisional, then gives up (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('INVITE');
      h.peerResponds(180);
      assert.equal(tx.state, 'proceeding');
      h.clock.advance(100_000);
      h.peerResponds(183);
      h.clock.advance(179_999);
      assert.deepEqual(
        h.tuEvents.map((e) => e.what),
        ['response', 'response'],
      );
      h.clock.advance(1);
      assert.deepEqual(h.tuEvents[2], { at: 280_000, what: 'timer-c' });
      h.clock.advance(32_000);
      assert.deepEqual(h.tuEvents[3], { at: 312_000, what: 'timeout' });
      assert.equal(tx.state, 'terminated');
    });
  }
});

describe('client non-INVITE transaction timers (§17.1.2)', () => {
  for (const p of BOTH) {
    it(`Timer E doubles up to T2, then T2 in Proceeding; Timer F ends it (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('OPTIONS');
      h.clock.advance(8000);
      assert.deepEqual(h.times(isReq('OPTIONS')), p === 'UDP' ? [0, 500, 1500, 3500, 7500] : [0]);
      h.peerResponds(100);
      assert.equal(tx.state, 'proceeding');
      h.clock.advance(32000 - 8000 - 1);
      const all = h.times(isReq('OPTIONS'));
      assert.deepEqual(
        all,
        p === 'UDP' ? [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500] : [0],
      );
      h.clock.advance(1);
      assert.deepEqual(h.tuEvents.at(-1), { at: 32000, what: 'timeout' });
      assert.equal(tx.state, 'terminated');
      assert.equal(h.clock.pending, 0);
    });

    it(`Timer K absorbs response retransmissions for T4 when unreliable, 0 when reliable (${p})`, async () => {
      const h = await Harness.create(p);
      const tx = h.send('BYE');
      h.clock.advance(100);
      h.peerResponds(200);
      if (p === 'TCP') {
        assert.equal(tx.state, 'terminated');
        return;
      }
      assert.equal(tx.state, 'completed');
      h.clock.advance(200);
      h.peerResponds(200);
      assert.equal(h.tuEvents.length, 1);
      assert.equal(h.counters.retransmissionsReceived['200'], 1);
      h.clock.advance(5000 - 200 - 1);
      assert.equal(tx.state, 'completed');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
    });
  }
});

describe('server INVITE transaction timers (§17.2.1, RFC 6026)', () => {
  for (const p of BOTH) {
    it(`sends 100 Trying after the Trying delay unless the TU sent a provisional (${p})`, async () => {
      const h = await Harness.create(p);
      h.peerSends(h.peerRequest('INVITE', 'z9hG4bK-a'));
      h.clock.advance(99);
      assert.equal(h.times(isRes(100)).length, 0);
      h.clock.advance(1);
      assert.deepEqual(h.times(isRes(100)), [100]);
      const h2 = await Harness.create(p);
      h2.peerSends(h2.peerRequest('INVITE', 'z9hG4bK-b'));
      h2.clock.advance(50);
      h2.respond(h2.coreRequests[0]!.tx, 180);
      h2.clock.advance(200);
      assert.equal(h2.times(isRes(100)).length, 0);
      // A retransmitted INVITE gets the last provisional again.
      h2.peerSends(h2.peerRequest('INVITE', 'z9hG4bK-b'));
      assert.equal(h2.times(isRes(180)).length, 2);
      assert.equal(h2.coreRequests.length, 1);
    });

    it(`Timer G retransmits a final non-2xx only when unreliable; Timer H gives up without ACK (${p})`, async () => {
      const h = await Harness.create(p);
      h.peerSends(h.peerRequest('INVITE'));
      const tx = h.coreRequests[0]!.tx;
      const timeouts: number[] = [];
      tx.tu = { onTimeout: () => timeouts.push(h.clock.now()) };
      h.respond(tx, 486);
      h.clock.advance(31999);
      assert.deepEqual(
        h.times(isRes(486)),
        p === 'UDP' ? [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500] : [0],
      );
      assert.equal(tx.state, 'completed');
      h.clock.advance(1);
      assert.deepEqual(timeouts, [32000]);
      assert.equal(tx.state, 'terminated');
      assert.equal(h.clock.pending, 0);
    });

    it(`Timer I absorbs ACKs after the first for T4 when unreliable, 0 when reliable (${p})`, async () => {
      const h = await Harness.create(p);
      h.peerSends(h.peerRequest('INVITE'));
      const tx = h.coreRequests[0]!.tx;
      h.respond(tx, 486);
      h.clock.advance(100);
      h.peerSends(h.peerRequest('ACK', 'z9hG4bK-peer-1'));
      assert.equal(h.coreAcks.length, 0, 'the non-2xx ACK is the transaction’s');
      if (p === 'TCP') {
        assert.equal(tx.state, 'terminated');
        return;
      }
      assert.equal(tx.state, 'confirmed');
      h.clock.advance(1000);
      assert.equal(h.times(isRes(486)).length, 1, 'no retransmission after the ACK');
      h.peerSends(h.peerRequest('ACK', 'z9hG4bK-peer-1'));
      assert.equal(h.coreAcks.length, 0);
      h.clock.advance(5000 - 1000 - 1);
      assert.equal(tx.state, 'confirmed');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
    });

    it(`Timer L absorbs INVITE retransmissions after a 2xx, never a second call (${p})`, async () => {
      const h = await Harness.create(p);
      h.peerSends(h.peerRequest('INVITE'));
      const tx = h.coreRequests[0]!.tx;
      h.respond(tx, 200);
      assert.equal(tx.state, 'accepted');
      h.clock.advance(1000);
      h.peerSends(h.peerRequest('INVITE'));
      assert.equal(h.coreRequests.length, 1);
      assert.equal(h.times(isRes(200)).length, 1, 'the 2xx is retransmitted by the TU, not the transaction');
      h.clock.advance(32000 - 1000 - 1);
      assert.equal(tx.state, 'accepted');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
      assert.equal(h.clock.pending, 0);
    });
  }
});

describe('server non-INVITE transaction timers (§17.2.2)', () => {
  for (const p of BOTH) {
    it(`Timer J answers retransmissions with the final response for 64*T1 when unreliable, 0 when reliable (${p})`, async () => {
      const h = await Harness.create(p);
      h.peerSends(h.peerRequest('BYE'));
      const tx = h.coreRequests[0]!.tx;
      h.peerSends(h.peerRequest('BYE'));
      assert.equal(h.peerGot.length, 0, 'a retransmission in Trying is absorbed silently');
      h.respond(tx, 200);
      if (p === 'TCP') {
        assert.equal(tx.state, 'terminated');
        return;
      }
      h.clock.advance(1000);
      h.peerSends(h.peerRequest('BYE'));
      assert.deepEqual(h.times(isRes(200)), [0, 1000]);
      assert.equal(h.coreRequests.length, 1, 'never a 481 nor a second BYE up');
      h.clock.advance(32000 - 1000 - 1);
      assert.equal(tx.state, 'completed');
      h.clock.advance(1);
      assert.equal(tx.state, 'terminated');
      h.peerSends(h.peerRequest('BYE'));
      assert.equal(h.coreRequests.length, 2);
    });
  }
});
