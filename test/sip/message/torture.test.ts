/**
 * RFC 4475 and RFC 5118 torture messages at the parser: valid ones parse, pass the core-header
 * checks and re-serialise to bytes that parse to the same model; invalid ones give the coded
 * error named here; nothing throws. (The UAS answers are checked in test/sip/ua/torture-uas.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseCoreHeaders,
  parseMessage,
  serializeMessage,
  type ParseErrorCode,
  type SipMessage,
} from '../../../src/sip/index.js';
import { tortureCases } from '../fixtures.js';

/** Expected error code of each invalid (and framing-level semantic-error) message. */
const EXPECTED_ERROR: Record<string, ParseErrorCode> = {
  badinv01: 'bad_header_value',
  clerr: 'content_length_exceeds_body',
  ncl: 'bad_content_length',
  scalar02: 'bad_header_value',
  scalarlg: 'bad_header_value',
  quotbal: 'bad_header_value',
  ltgtruri: 'bad_request_uri',
  lwsruri: 'bad_start_line',
  lwsstart: 'bad_start_line',
  trws: 'bad_start_line',
  escruri: 'bad_request_uri',
  baddate: 'bad_header_value',
  regbadct: 'bad_header_value',
  badaspec: 'bad_header_value',
  // The archive's baddn.dat also lacks the blank line that ends the headers.
  baddn: 'no_header_end',
  badvers: 'version_not_supported',
  mismatch01: 'cseq_method_mismatch',
  mismatch02: 'cseq_method_mismatch',
  bigcode: 'bad_status_code',
  test: 'bad_start_line',
  'ipv6-bad': 'bad_request_uri',
  // valid-but-semantic-error messages that fail the core-header checks:
  insuf: 'missing_header',
  multi01: 'duplicate_header',
  mcl01: 'content_length_conflict',
};

/** RFC 5118 §4.6 carries a Content-Length (268) larger than its body: an erratum of the RFC. */
const CONTENT_LENGTH_ERRATA = new Set(['ipv6-in-sdp']);

function model(m: SipMessage): unknown {
  return {
    start: m.kind === 'request' ? [m.method, m.uri, m.version] : [m.status, m.reason, m.version],
    headers: m.headers.lines.filter((h) => h.key !== 'content-length').map((h) => [h.key, h.value]),
    body: m.body.toString('hex'),
  };
}

function check(data: Buffer): { msg?: SipMessage; code?: ParseErrorCode; status?: number } {
  const r = parseMessage(data);
  if (r.kind === 'error') return { code: r.code, status: r.status };
  const core = parseCoreHeaders(r);
  if (core instanceof Object && 'kind' in core) return { code: core.code, status: core.status, msg: r };
  return { msg: r };
}

function fixLength(data: Buffer): Buffer {
  const head = data.indexOf('\r\n\r\n') + 4;
  const bodyLen = data.length - head;
  return Buffer.from(
    data.toString('latin1').replace(/Content-Length: \d+/, `Content-Length: ${bodyLen}`),
    'latin1',
  );
}

describe('torture messages (RFC 4475, RFC 5118) at the parser', () => {
  const cases = tortureCases();

  it('reads the whole corpus: 50 + 12 messages', () => {
    assert.equal(cases.filter((c) => c.rfc === 'rfc4475').length, 50);
    assert.equal(cases.filter((c) => c.rfc === 'rfc5118').length, 12);
  });

  for (const c of cases) {
    it(`${c.rfc} ${c.section} ${c.name} (${c.expected})`, () => {
      let data = c.data;
      if (CONTENT_LENGTH_ERRATA.has(c.name)) {
        assert.equal(check(data).code, 'content_length_exceeds_body');
        data = fixLength(data);
      }
      const r = check(data);
      const want = EXPECTED_ERROR[c.name];
      if (want !== undefined) {
        assert.equal(r.code, want, `expected ${want}, got ${r.code ?? 'a message'}`);
        assert.ok(r.status === 400 || r.status === 505);
        if (c.name === 'badvers') assert.equal(r.status, 505);
        return;
      }
      assert.notEqual(c.expected, 'invalid', 'every invalid message has an expected error');
      assert.equal(r.code, undefined, `unexpected error ${r.code}`);
      const msg = r.msg!;
      // Re-serialised, it parses to the same model, and printing is stable.
      const out = serializeMessage(msg);
      const again = parseMessage(out);
      assert.ok(again.kind !== 'error', 'the re-serialised message parses');
      assert.deepEqual(model(again), model(msg));
      assert.ok(serializeMessage(again).equals(out));
      assert.equal(parseCoreHeaders(again).constructor, parseCoreHeaders(msg).constructor);
    });
  }

  it('keeps the binary multipart body of mpart01 byte for byte', () => {
    const c = cases.find((x) => x.name === 'mpart01')!;
    const msg = check(c.data).msg!;
    const head = c.data.indexOf('\r\n\r\n') + 4;
    assert.ok(msg.body.equals(c.data.subarray(head, head + msg.body.length)));
    assert.ok(msg.body.includes(0));
    assert.match(msg.headers.get('content-type')!, /^multipart\/mixed;boundary=/);
  });

  it('reads the first request of a datagram and ignores trailing octets (dblreq)', () => {
    const msg = check(cases.find((x) => x.name === 'dblreq')!.data).msg!;
    assert.equal(msg.kind, 'request');
    assert.equal(msg.kind === 'request' && msg.method, 'REGISTER');
    assert.equal(msg.body.length, 0);
  });

  it('unfolds, expands compact forms and keeps unknown headers in order (wsinv)', () => {
    const msg = check(cases.find((x) => x.name === 'wsinv')!.data).msg!;
    const keys = msg.headers.lines.map((h) => h.key);
    assert.deepEqual(keys.slice(0, 4), ['to', 'from', 'max-forwards', 'call-id']);
    assert.equal(msg.headers.get('newfangledheader'), 'newfangled value continued newfangled value');
    assert.equal(msg.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    assert.equal(msg.headers.get('subject'), '');
    assert.deepEqual(msg.headers.list('via')!.length, 3);
    const core = parseCoreHeaders(msg);
    assert.ok(!('kind' in core));
    assert.equal(core.fromTag, '98asjd8');
    assert.equal(core.from.displayName, 'J Rosenberg \\"');
    assert.equal(core.vias[1]!.branch, 'z9hG4bK9ikj8');
    assert.equal(core.vias[1]!.transport, 'TCP');
    assert.equal(core.cseq, 9);
  });
});
