/**
 * Every edge of the four transaction state machines is driven by some stimulus here; the union
 * of the edges taken equals each machine's transition table. Plus matching rules: CANCEL,
 * RFC 2543 fallback, and the bounded table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ICT_EDGES, IST_EDGES, NICT_EDGES, NIST_EDGES } from '../../../src/sip/index.js';
import { Harness, isRes } from './harness.js';

function edgesOf(
  table: Readonly<Record<string, readonly string[]>>,
  kind: string,
  method: string,
): Set<string> {
  const out = new Set<string>();
  for (const [from, tos] of Object.entries(table))
    for (const to of tos) out.add(`${kind} ${method} ${from} -> ${to}`);
  return out;
}

async function scenarios(kind: 'ict' | 'nict' | 'ist' | 'nist'): Promise<Set<string>> {
  const seen = new Set<string>();
  const run = async (fn: (h: Harness) => void, protocol: 'UDP' | 'TCP' = 'UDP') => {
    const h = await Harness.create(protocol);
    fn(h);
    for (const t of h.transitions) seen.add(t);
  };
  const fail = (h: Harness) => (h.net.opts.sendError = () => new Error('unreachable'));
  if (kind === 'ict') {
    await run((h) => (h.send('INVITE'), h.peerResponds(180), h.peerResponds(200), h.clock.advance(32000)));
    await run((h) => (h.send('INVITE'), h.peerResponds(200)));
    await run((h) => (h.send('INVITE'), h.peerResponds(180), h.peerResponds(486), h.clock.advance(32000)));
    await run((h) => (h.send('INVITE'), h.peerResponds(486)));
    await run((h) => (h.send('INVITE'), h.clock.advance(32000)));
    await run((h) => (h.send('INVITE'), h.peerResponds(180), h.clock.advance(300_000)));
    // A 486 in Accepted is not a transition: ignored.
    await run((h) => {
      const tx = h.send('INVITE');
      h.peerResponds(200);
      h.peerResponds(486);
      assert.equal(tx.state, 'accepted');
    });
  } else if (kind === 'nict') {
    await run((h) => (h.send('OPTIONS'), h.peerResponds(100), h.peerResponds(200), h.clock.advance(5000)));
    await run((h) => (h.send('OPTIONS'), h.peerResponds(200)));
    await run((h) => (h.send('OPTIONS'), h.clock.advance(32000)));
    await run((h) => (h.send('OPTIONS'), h.peerResponds(100), h.clock.advance(32000)));
  } else if (kind === 'ist') {
    await run(
      (h) => (
        h.peerSends(h.peerRequest('INVITE')),
        h.respond(h.coreRequests[0]!.tx, 200),
        h.clock.advance(32000)
      ),
    );
    await run((h) => {
      h.peerSends(h.peerRequest('INVITE'));
      h.respond(h.coreRequests[0]!.tx, 486);
      h.peerSends(h.peerRequest('ACK'));
      h.clock.advance(5000);
    });
    await run(
      (h) => (
        h.peerSends(h.peerRequest('INVITE')),
        h.respond(h.coreRequests[0]!.tx, 486),
        h.clock.advance(32000)
      ),
    );
    await run((h) => (h.peerSends(h.peerRequest('INVITE')), fail(h), h.respond(h.coreRequests[0]!.tx, 180)));
  } else {
    await run((h) => {
      h.peerSends(h.peerRequest('BYE'));
      h.respond(h.coreRequests[0]!.tx, 100);
      h.respond(h.coreRequests[0]!.tx, 200);
      h.clock.advance(32000);
    });
    await run(
      (h) => (
        h.peerSends(h.peerRequest('BYE')),
        h.respond(h.coreRequests[0]!.tx, 200),
        h.clock.advance(32000)
      ),
    );
    await run((h) => (h.peerSends(h.peerRequest('BYE')), fail(h), h.respond(h.coreRequests[0]!.tx, 200)));
    // Stack shutdown ends a transaction still in Trying.
    await run((h) => (h.peerSends(h.peerRequest('BYE')), h.txl.clear()));
    await run((h) => {
      h.peerSends(h.peerRequest('BYE'));
      h.respond(h.coreRequests[0]!.tx, 100);
      fail(h);
      h.respond(h.coreRequests[0]!.tx, 100);
    });
  }
  return seen;
}

describe('transaction state machines: every edge', () => {
  const machines = [
    ['ict', 'INVITE', ICT_EDGES],
    ['nict', 'OPTIONS', NICT_EDGES],
    ['ist', 'INVITE', IST_EDGES],
    ['nist', 'BYE', NIST_EDGES],
  ] as const;
  for (const [kind, method, table] of machines) {
    it(`${kind}: the scenarios take every edge of the table and no other`, async () => {
      const want = edgesOf(table, kind, method);
      const seen = await scenarios(kind);
      const taken = new Set([...seen].filter((t) => t.startsWith(`${kind} `)));
      // ICT "calling -> terminated" also happens by transport error; covered by Timer B here.
      assert.deepEqual([...taken].sort(), [...want].sort());
    });
  }

  it('a transport error ends a client transaction and tells the TU (§17.1.4)', async () => {
    const h = await Harness.create('TCP');
    h.net.opts.sendError = () => new Error('connection refused');
    const tx = h.send('INVITE');
    assert.equal(tx.state, 'terminated');
    assert.deepEqual(
      h.tuEvents.map((e) => e.what),
      ['transport-error'],
    );
  });
});

describe('transaction matching (§17.1.3, §17.2.3, §9.2)', () => {
  it('finds the INVITE server transaction a CANCEL names', async () => {
    const h = await Harness.create();
    h.peerSends(h.peerRequest('INVITE', 'z9hG4bK-x'));
    h.peerSends(h.peerRequest('CANCEL', 'z9hG4bK-x'));
    const cancel = h.coreRequests[1]!;
    assert.equal(cancel.req.msg.method, 'CANCEL');
    assert.equal(h.txl.findInviteServer(cancel.req), h.coreRequests[0]!.tx);
  });

  it('falls back to RFC 2543 matching when the branch has no magic cookie', async () => {
    const h = await Harness.create();
    const inv = h.peerRequest('INVITE', 'oldstyle');
    h.peerSends(inv);
    h.peerSends(inv);
    assert.equal(h.coreRequests.length, 1);
    h.respond(h.coreRequests[0]!.tx, 404);
    h.peerSends(h.peerRequest('ACK', 'oldstyle'));
    assert.equal(h.coreRequests[0]!.tx.state, 'confirmed');
    // A bare "z9hG4bK" branch (RFC 4475 §3.2.1) is not a transaction id either.
    h.peerSends(h.peerRequest('OPTIONS', 'z9hG4bK'));
    h.peerSends(h.peerRequest('OPTIONS', 'z9hG4bK'));
    assert.equal(h.coreRequests.length, 2);
  });

  it('answers 503 statelessly when the table is full', async () => {
    const h = await Harness.create();
    (h.txl as unknown as { max: number }).max = 1;
    h.peerSends(h.peerRequest('INVITE', 'z9hG4bK-1'));
    h.peerSends(h.peerRequest('OPTIONS', 'z9hG4bK-2'));
    assert.equal(h.coreRequests.length, 1);
    assert.equal(h.times(isRes(503)).length, 1);
    assert.equal(h.counters.overloaded, 1);
  });
});
