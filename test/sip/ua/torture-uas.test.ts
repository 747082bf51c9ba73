/**
 * RFC 4475 / RFC 5118 torture messages sent to a running stack: what the UAS answers to each
 * (400 for malformed requests, 505, 405/501 with Allow, 416, 420 with Unsupported, 415 with
 * Accept, 406, 481...), that responses are dropped, and that nothing throws.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryNetwork, parseMessage, SipStack, type SipResponse } from '../../../src/sip/index.js';
import { FakeClock } from '../fake-clock.js';
import { tortureCases } from '../fixtures.js';

/** What the UAS sends back: a status, 'app' (the INVITE reached the application), or null (nothing). */
const EXPECTED: Record<string, number | 'app' | null> = {
  // valid
  wsinv: 481, // its To has a tag: a re-INVITE for a dialog we do not have (§12.2.2)
  intmeth: 501,
  esc01: 'app',
  escnull: 405,
  esc02: 501,
  lwsdisp: 200,
  longreq: 'app',
  dblreq: 405,
  semiuri: 200,
  transports: 200,
  mpart01: 405,
  unreason: null,
  noreason: null,
  regaut01: 405,
  zeromf: 200,
  cparam01: 405,
  cparam02: 405,
  regescrt: 405,
  inv2543: 'app',
  // invalid
  badinv01: 400,
  clerr: 400,
  ncl: 400,
  scalar02: 400,
  scalarlg: null,
  quotbal: 400,
  ltgtruri: 400,
  lwsruri: null,
  lwsstart: null,
  trws: null,
  escruri: 400,
  baddate: 400,
  regbadct: 400,
  badaspec: 400,
  baddn: null, // no blank line after the headers: truncated, nothing to answer
  badvers: 505,
  mismatch01: 400,
  mismatch02: 400,
  bigcode: null,
  test: null,
  // valid but semantically wrong
  badbranch: 200,
  insuf: 400,
  unkscm: 416,
  novelsc: 416,
  unksm2: 405,
  bext01: 420,
  invut: 415,
  multi01: 400,
  mcl01: 400,
  bcast: null,
  sdp01: 406,
  // RFC 5118
  'ipv6-good': 405,
  'ipv6-bad': 400,
  'port-ambiguous': 405,
  'port-unambiguous': 405,
  'via-received-param-with-delim': 481,
  'via-received-param-no-delim': 200,
  'ipv6-in-sdp': 'app',
  'mult-ip-in-header': 481,
  'mult-ip-in-sdp': 'app',
  'ipv4-mapped-ipv6': 'app',
  'ipv6-bug-abnf-3-colons': 200,
  'ipv6-correct-abnf-2-colons': 200,
};

function fixLength(data: Buffer): Buffer {
  const head = data.indexOf('\r\n\r\n') + 4;
  return Buffer.from(
    data.toString('latin1').replace(/Content-Length: \d+/, `Content-Length: ${data.length - head}`),
    'latin1',
  );
}

async function answer(data: Buffer, v6: boolean): Promise<{ reply: SipResponse | null; app: boolean }> {
  const clock = new FakeClock();
  const net = new MemoryNetwork({ schedule: (fn) => clock.setTimeout(fn, 0) });
  const t = net.transport('10.0.0.2', 5060);
  const stack = new SipStack({
    transports: [t],
    clock,
    trunks: [{ name: 'any', peers: ['192.0.2.1'], transport: 'udp', acl: ['0.0.0.0/0', '::/0'] }],
  });
  let app = false;
  stack.delegate.onInvite = (c) => {
    app = true;
    c.reject(486);
  };
  await stack.start();
  const from = v6 ? { address: '2001:db8::9:1', port: 5060 } : { address: '192.0.2.1', port: 5060 };
  net.inject(data, from, t.local);
  clock.advance(50);
  const out = net.log.filter((l) => l.from.address === '10.0.0.2').map((l) => parseMessage(l.data));
  await stack.stop();
  const first = out.find((m) => m.kind === 'response');
  return { reply: first && first.kind === 'response' ? first : null, app };
}

describe('torture messages (RFC 4475, RFC 5118) at the UAS', () => {
  for (const c of tortureCases()) {
    it(`${c.name}: ${String(EXPECTED[c.name])}`, async () => {
      assert.ok(c.name in EXPECTED, 'every corpus message has an expectation');
      const data = c.name === 'ipv6-in-sdp' ? fixLength(c.data) : c.data;
      const { reply, app } = await answer(data, c.rfc === 'rfc5118');
      const want = EXPECTED[c.name];
      if (want === 'app') {
        assert.ok(app, 'the INVITE reached the application');
        assert.equal(reply?.status, 486);
        return;
      }
      assert.equal(app, false);
      assert.equal(reply?.status ?? null, want);
      if (want === 405 || want === 501) assert.match(reply!.headers.get('allow')!, /INVITE/);
      if (want === 420)
        assert.equal(reply!.headers.get('unsupported'), 'nothingSupportsThis, nothingSupportsThisEither');
      if (want === 415) assert.match(reply!.headers.get('accept')!, /application\/sdp/);
      if (reply)
        assert.equal(
          reply.headers.get('call-id') ?? null,
          c.data.includes('Call-ID') || c.data.includes('\ni:') ? reply.headers.get('call-id') : null,
        );
    });
  }
});
