import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SDP_LIMITS, type SdpErrorCode, parseSdp } from '../../src/sdp/index.js';
import * as F from './fixtures.js';
import { sdp } from './fixtures.js';

describe('parseSdp: real bodies', () => {
  it('reads SIPp uac_pcap: static A-law, telephone-event fmtp, session c=', () => {
    const r = parseSdp(F.SIPP_UAC_PCAP);
    assert.ok(r.ok);
    const p = r.value;
    assert.deepEqual(p.origin, {
      username: 'user1',
      sessionId: '53655765',
      sessionVersion: '2353687637',
      family: 'IP4',
      address: '127.0.0.1',
    });
    const m = p.media[0];
    assert.ok(m);
    assert.equal(m.kind, 'audio');
    assert.equal(m.port, 6000);
    assert.deepEqual(m.formats, ['8', '101']);
    assert.deepEqual(
      m.rtp.map((f) => [f.pt, f.name, f.clockRate, f.fmtp]),
      [
        [8, 'PCMA', 8000, undefined],
        [101, 'telephone-event', 8000, '0-11,16'],
      ],
    );
    assert.deepEqual(m.connection, { family: 'IP4', address: '127.0.0.1', unspecified: false });
    assert.equal(m.direction, 'sendrecv');
  });

  it('names static payload types without rtpmap (RFC 3551 table 4)', () => {
    const r = parseSdp(F.IPV6);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.media[0]?.rtp.map((f) => `${f.pt}:${f.name}/${f.clockRate}`),
      ['0:PCMU/8000', '8:PCMA/8000', '101:telephone-event/8000'],
    );
    assert.equal(r.value.media[0]?.connection?.family, 'IP6');
  });

  it('media-level c= overrides the session one; a=rtcp with address; ptime', () => {
    const r = parseSdp(F.FREESWITCH);
    assert.ok(r.ok);
    const m = r.value.media[0];
    assert.equal(m?.ptime, 30);
    assert.equal(m?.rtcp?.port, 24563);
    assert.equal(m?.rtcp?.connection?.address, '10.0.0.9');
    const media = parseSdp(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 1.1.1.1',
        's=-',
        'c=IN IP4 1.1.1.1',
        't=0 0',
        'm=audio 10 RTP/AVP 0',
        'c=IN IP4 2.2.2.2',
      ),
    );
    assert.ok(media.ok);
    assert.equal(media.value.media[0]?.connection?.address, '2.2.2.2');
  });

  it('session-level direction applies to media; media level wins', () => {
    const r = parseSdp(F.HOLD_SENDONLY);
    assert.ok(r.ok);
    assert.equal(r.value.direction, 'sendonly');
    assert.equal(r.value.media[0]?.direction, 'sendonly');
    const both = parseSdp(F.HOLD_SENDONLY.replace('a=fmtp:101 0-15', 'a=fmtp:101 0-15\r\na=inactive'));
    assert.ok(both.ok);
    assert.equal(both.value.media[0]?.direction, 'inactive');
  });

  it('flags the RFC 2543 hold address as unspecified', () => {
    const r = parseSdp(F.HOLD_2543);
    assert.ok(r.ok);
    assert.equal(r.value.media[0]?.connection?.unspecified, true);
  });

  it('reads MRCPv2 lines: setup, connection, resource, cmid, mid, channel', () => {
    const r = parseSdp(F.UNIMRCP_CLIENT_OFFER);
    assert.ok(r.ok);
    const [synth, recog, audio] = r.value.media;
    assert.deepEqual(
      [synth?.protocol, synth?.setup, synth?.connectionType, synth?.resource, synth?.cmid],
      ['TCP/MRCPv2', 'active', 'new', 'speechsynth', ['1']],
    );
    assert.equal(recog?.connectionType, 'existing');
    assert.equal(audio?.mid, '1');
    const answer = parseSdp(F.UNIMRCP_SERVER_ANSWER);
    assert.ok(answer.ok);
    assert.equal(answer.value.media[0]?.channel, '6e4f3a2b1c0d4e5f@speechsynth');
  });

  it('keeps every a= line raw, including ones it does not interpret', () => {
    const r = parseSdp(F.SRTP_ONLY);
    assert.ok(r.ok);
    assert.equal(r.value.media[0]?.attributes[0]?.name, 'crypto');
    assert.match(r.value.media[0]?.attributes[0]?.value ?? '', /^1 AES_CM_128_HMAC_SHA1_80 /);
  });

  it('accepts bare LF line ends and a Buffer body', () => {
    const r = parseSdp(Buffer.from(F.SIPP_UAC.replace(/\r\n/g, '\n')));
    assert.ok(r.ok);
    assert.equal(r.value.media[0]?.port, 6000);
  });

  it('ignores a broken optional attribute instead of failing', () => {
    const r = parseSdp(F.SIPP_UAC + 'a=ptime:abc\r\na=rtcp:\r\n');
    assert.ok(r.ok);
    assert.equal(r.value.media[0]?.ptime, undefined);
    assert.equal(r.value.media[0]?.rtcp, undefined);
  });
});

describe('parseSdp: malformed and hostile input is a coded error, never a throw', () => {
  const base = ['v=0', 'o=- 1 1 IN IP4 10.0.0.1', 's=-', 'c=IN IP4 10.0.0.1', 't=0 0'];
  const cases: [string, string | Uint8Array, SdpErrorCode][] = [
    ['empty', '', 'bad_version'],
    ['only blank lines', '\r\n\r\n', 'bad_version'],
    ['no v= first', sdp('o=- 1 1 IN IP4 1.1.1.1', 'v=0'), 'bad_version'],
    ['v=1', sdp('v=1', 'o=- 1 1 IN IP4 1.1.1.1'), 'bad_version'],
    ['not type=value', sdp('v=0', 'hello world'), 'malformed_line'],
    ['upper-case type', sdp('v=0', 'O=- 1 1 IN IP4 1.1.1.1'), 'malformed_line'],
    ['NUL byte', sdp(...base, 'm=audio 4000 RTP/AVP 0\u0000'), 'malformed_line'],
    ['no o=', sdp('v=0', 's=-', 'c=IN IP4 1.1.1.1', 't=0 0', 'm=audio 1 RTP/AVP 0'), 'bad_origin'],
    ['o= with 4 fields', sdp('v=0', 'o=- 1 IN IP4 1.1.1.1'), 'bad_origin'],
    ['o= non-numeric version', sdp('v=0', 'o=- 1 x IN IP4 1.1.1.1'), 'bad_origin'],
    ['two o=', sdp('v=0', 'o=- 1 1 IN IP4 1.1.1.1', 'o=- 1 1 IN IP4 1.1.1.1'), 'bad_origin'],
    ['m= without port', sdp(...base, 'm=audio RTP/AVP 0'), 'bad_media_line'],
    ['m= port too big', sdp(...base, 'm=audio 70000 RTP/AVP 0'), 'bad_media_line'],
    ['m= empty', sdp(...base, 'm='), 'bad_media_line'],
    [
      'c= not an address',
      sdp(...base.slice(0, 3), 'c=IN IP4 1.2.3', 't=0 0', 'm=audio 1 RTP/AVP 0'),
      'bad_connection',
    ],
    ['c= IP6 keyword, IPv4 address', sdp(...base.slice(0, 3), 'c=IN IP6 1.2.3.4', 't=0 0'), 'bad_connection'],
    ['c= host name', sdp(...base.slice(0, 3), 'c=IN IP4 media.example.com', 't=0 0'), 'unsupported_address'],
    [
      'no c= anywhere',
      sdp('v=0', 'o=- 1 1 IN IP4 1.1.1.1', 's=-', 't=0 0', 'm=audio 4000 RTP/AVP 0'),
      'missing_connection',
    ],
    ['too large', 'v=0\r\n' + 'a=x\r\n'.repeat(5000), 'too_large'],
    ['too many lines', 'v=0\n' + 'a\n'.repeat(600), 'too_many_lines'],
    ['line too long', sdp(...base, 'a=' + 'x'.repeat(2000)), 'line_too_long'],
    [
      'too many m= lines',
      sdp(...base, ...Array.from({ length: 17 }, () => 'm=audio 4000 RTP/AVP 0')),
      'too_many_media',
    ],
    [
      'too many a= lines',
      sdp(...base, 'm=audio 4000 RTP/AVP 0', ...Array.from({ length: 65 }, (_, i) => `a=x${i}`)),
      'too_many_attributes',
    ],
    ['binary garbage', new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80]), 'malformed_line'],
  ];
  for (const [name, input, code] of cases) {
    it(name, () => {
      const r = parseSdp(input);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, code, r.error.message);
        assert.ok([400, 488].includes(r.error.sipStatus));
      }
    });
  }

  it('bounds come from options', () => {
    const r = parseSdp(F.CARRIER_IMS, { ...DEFAULT_SDP_LIMITS, maxBytes: 100 });
    assert.equal(r.ok ? undefined : r.error.code, 'too_large');
  });

  it('survives 2,000 random mutations of real bodies without throwing', () => {
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const bodies = Object.values(F).filter((v): v is string => typeof v === 'string');
    for (let i = 0; i < 2000; i++) {
      const chars = [...(bodies[rnd(bodies.length)] as string)];
      for (let k = 0; k < 1 + rnd(6); k++) chars[rnd(chars.length)] = String.fromCharCode(rnd(128));
      const r = parseSdp(chars.join(''));
      assert.equal(typeof r.ok, 'boolean');
    }
  });
});
