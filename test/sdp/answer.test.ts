import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AudioCapabilities,
  type CodecId,
  type Direction,
  type NegotiatedAudio,
  SdpNegotiator,
  parseSdp,
  warningHeader,
} from '../../src/sdp/index.js';
import * as F from './fixtures.js';

const caps = (over: Partial<AudioCapabilities> = {}): AudioCapabilities => ({
  address: '192.0.2.10',
  port: 20000,
  rtcpPort: 20001,
  ...over,
});

function answer(offer: string, over: Partial<AudioCapabilities> = {}) {
  const n = new SdpNegotiator({ sessionId: '42' });
  const r = n.answerOffer(offer, { audio: caps(over) });
  return { n, r };
}

interface Row {
  name: string;
  offer: string;
  caps?: Partial<AudioCapabilities>;
  codec: CodecId;
  pt: number;
  te: [number, string] | undefined;
  sendPtime: number;
  direction: Direction;
  send: boolean;
  recv: boolean;
  remote: Partial<NegotiatedAudio['remote']>;
}

const rows: Row[] = [
  {
    name: 'SIPp uac: µ-law only, no telephone-event',
    offer: F.SIPP_UAC,
    codec: 'PCMU',
    pt: 0,
    te: undefined,
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { address: '127.0.0.1', port: 6000, rtcpPort: 6001, rtcpMux: false },
  },
  {
    name: 'SIPp uac_pcap: A-law, events 0-11,16 kept',
    offer: F.SIPP_UAC_PCAP,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-11,16'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { port: 6000 },
  },
  {
    name: 'carrier IMS: A-law preferred, events 0-15',
    offer: F.CARRIER_IMS,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { address: '202.96.134.21', port: 36014 },
  },
  {
    name: 'carrier IMS with µ-law preferred by the trunk',
    offer: F.CARRIER_IMS,
    caps: { codecs: ['PCMU', 'PCMA'] },
    codec: 'PCMU',
    pt: 0,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: {},
  },
  {
    name: 'Asterisk: the offerer order wins with codecOrder remote → G.722',
    offer: F.ASTERISK,
    caps: { codecOrder: 'remote' },
    codec: 'G722',
    pt: 9,
    te: [101, '0-16'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: {},
  },
  {
    name: 'Asterisk: our order wins by default → A-law',
    offer: F.ASTERISK,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-16'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: {},
  },
  {
    name: 'Cisco CUBE: µ-law, 0-16, CN ignored',
    offer: F.CUBE,
    codec: 'PCMU',
    pt: 0,
    te: [101, '0-16'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { address: '10.10.20.5', port: 16400, rtcpPort: 16401 },
  },
  {
    name: 'FreeSWITCH: ptime 30 and a=rtcp with its own address',
    offer: F.FREESWITCH,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-16'],
    sendPtime: 30,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { address: '10.0.0.8', port: 24562, rtcpAddress: '10.0.0.9', rtcpPort: 24563 },
  },
  {
    name: 'softphone: opus skipped, telephone-event without fmtp means 0-15, rtcp-mux accepted',
    offer: F.SOFTPHONE_AV,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { port: 7078, rtcpPort: 7078, rtcpMux: true },
  },
  {
    name: 'IPv6 trunk',
    offer: F.IPV6,
    caps: { address: '2001:db8::1' },
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-16'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: { family: 'IP6', address: '2001:db8::10' },
  },
  {
    name: 'RFC 2543 hold (c=0.0.0.0): we receive only and send nothing',
    offer: F.HOLD_2543,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-16'],
    sendPtime: 20,
    direction: 'recvonly',
    send: false,
    recv: true,
    remote: { address: undefined },
  },
  {
    name: 'a=sendonly hold: we answer recvonly',
    offer: F.HOLD_SENDONLY,
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'recvonly',
    send: false,
    recv: true,
    remote: {},
  },
  {
    name: 'G.722 written as G722/16000: RTP clock stays 8000',
    offer: F.G722_ONLY,
    caps: { codecs: ['G722', 'PCMA'] },
    codec: 'G722',
    pt: 9,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'sendrecv',
    send: true,
    recv: true,
    remote: {},
  },
  {
    name: 'a player (sendonly capability) meets a sendrecv offer',
    offer: F.CARRIER_IMS,
    caps: { direction: 'sendonly' },
    codec: 'PCMA',
    pt: 8,
    te: [101, '0-15'],
    sendPtime: 20,
    direction: 'sendonly',
    send: true,
    recv: false,
    remote: {},
  },
];

describe('answerOffer: audio from real offers', () => {
  for (const row of rows) {
    it(row.name, () => {
      const { r } = answer(row.offer, row.caps);
      assert.ok(r.ok, r.ok ? '' : r.error.message);
      const a = r.value.media.audio;
      assert.ok(a);
      assert.equal(a.codec.id, row.codec);
      assert.equal(a.codec.sendPt, row.pt);
      assert.equal(a.codec.recvPt, row.pt);
      assert.equal(a.codec.clockRate, 8000);
      assert.deepEqual(
        a.telephoneEvent ? [a.telephoneEvent.sendPt, a.telephoneEvent.events.join(',')] : undefined,
        row.te ? [row.te[0], expandEvents(row.te[1])] : undefined,
      );
      assert.equal(a.sendPtime, row.sendPtime);
      assert.equal(a.recvPtime, 20);
      assert.equal(a.direction, row.direction);
      assert.equal(a.send, row.send);
      assert.equal(a.recv, row.recv);
      for (const [k, v] of Object.entries(row.remote))
        assert.deepEqual(a.remote[k as keyof NegotiatedAudio['remote']], v, k);
      // The answer is valid SDP that names exactly the chosen codec (+ telephone-event) with the offerer's PTs.
      const back = parseSdp(r.value.sdp as string);
      assert.ok(back.ok);
      const offered = parseSdp(row.offer);
      assert.ok(offered.ok);
      assert.equal(back.value.media.length, offered.value.media.length);
      const m = back.value.media[a.index];
      assert.deepEqual(m?.formats, row.te ? [String(row.pt), String(row.te[0])] : [String(row.pt)]);
      assert.equal(m?.direction, row.direction);
      assert.equal(m?.ptime, 20);
      if (row.te) assert.equal(m?.rtp[1]?.fmtp, row.te[1]);
    });
  }

  it('rejects the video stream of an audio+video offer with port 0, in place', () => {
    const { r } = answer(F.SOFTPHONE_AV);
    assert.ok(r.ok);
    assert.match(r.value.sdp as string, /\r\nm=audio 20000 RTP\/AVP 8 101\r\n/);
    assert.match(r.value.sdp as string, /\r\nm=video 0 RTP\/AVP 97\r\n/);
    assert.match(r.value.sdp as string, /\r\na=rtcp-mux\r\n/);
  });

  it('writes a=rtcp (RFC 3605) when not muxed and never with rtcp-mux', () => {
    const plain = answer(F.CARRIER_IMS);
    assert.ok(plain.r.ok);
    assert.match(plain.r.value.sdp as string, /\r\na=rtcp:20001\r\n/);
    const muxed = answer(F.SOFTPHONE_AV);
    assert.ok(muxed.r.ok);
    assert.doesNotMatch(muxed.r.value.sdp as string, /a=rtcp:/);
  });

  it('refuses rtcp-mux when configured off', () => {
    const { r } = answer(F.SOFTPHONE_AV, { rtcpMux: 'off' });
    assert.ok(r.ok);
    assert.equal(r.value.media.audio?.remote.rtcpMux, false);
    assert.equal(r.value.media.audio?.remote.rtcpPort, 7079);
    assert.doesNotMatch(r.value.sdp as string, /rtcp-mux/);
  });

  it('our answer uses our address in o= and c=, IPv6 when we are IPv6', () => {
    const { r } = answer(F.IPV6, { address: '2001:db8::1' });
    assert.ok(r.ok);
    assert.match(r.value.sdp as string, /\r\no=voicegate 42 0 IN IP6 2001:db8::1\r\n/);
    assert.match(r.value.sdp as string, /\r\nc=IN IP6 2001:db8::1\r\n/);
  });

  it('telephone-event at another clock rate than the codec is not negotiated', () => {
    const offer = F.SIPP_UAC_PCAP.replace('telephone-event/8000', 'telephone-event/16000');
    const { r } = answer(offer);
    assert.ok(r.ok);
    assert.equal(r.value.media.audio?.telephoneEvent, undefined);
    assert.doesNotMatch(r.value.sdp as string, /telephone-event/);
  });

  it('telephone-event can be switched off', () => {
    const { r } = answer(F.SIPP_UAC_PCAP, { telephoneEvent: false });
    assert.ok(r.ok);
    assert.equal(r.value.media.audio?.telephoneEvent, undefined);
  });

  it('accepts ptime 10/30/40/60, falls back to 20 otherwise, and honours maxptime', () => {
    const withPtime = (p: string): string =>
      F.SIPP_UAC.replace('a=rtpmap:0 PCMU/8000', `a=rtpmap:0 PCMU/8000\r\n${p}`);
    const table: [string, number][] = [
      ['a=ptime:10', 10],
      ['a=ptime:30', 30],
      ['a=ptime:40', 40],
      ['a=ptime:60', 60],
      ['a=ptime:25', 20],
      ['a=ptime:30\r\na=maxptime:20', 20],
      ['a=maxptime:10', 10],
    ];
    for (const [line, want] of table) {
      const { r } = answer(withPtime(line));
      assert.ok(r.ok);
      assert.equal(r.value.media.audio?.sendPtime, want, line);
    }
    const ours = answer(F.SIPP_UAC, { ptime: 30 });
    assert.ok(ours.r.ok);
    assert.match(ours.r.value.sdp as string, /a=ptime:30/);
    assert.equal(ours.r.value.media.audio?.recvPtime, 30);
  });

  it('no common codec → 488 with Warning 305', () => {
    const { n, r } = answer(F.NO_COMMON);
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.error.code, 'no_common_codec');
    assert.equal(r.error.sipStatus, 488);
    assert.equal(warningHeader(r.error, 'gw.example.com'), '305 gw.example.com "Incompatible media format"');
    assert.equal(n.state, 'idle');
  });

  it('SRTP-only offer → 488 media type not available', () => {
    const { r } = answer(F.SRTP_ONLY);
    assert.equal(r.ok ? '' : r.error.code, 'no_acceptable_media');
    assert.equal(r.ok ? 0 : r.error.warning.code, 304);
  });

  it('an IPv6 offer to an IPv4-only media address → 488 with Warning 301', () => {
    const { r } = answer(F.IPV6);
    assert.equal(r.ok ? '' : r.error.code, 'unsupported_address');
    assert.equal(r.ok ? 0 : r.error.warning.code, 301);
  });

  it('an offer with only video → no acceptable media', () => {
    const offer = F.sdp(
      'v=0',
      'o=- 1 1 IN IP4 1.1.1.1',
      's=-',
      'c=IN IP4 1.1.1.1',
      't=0 0',
      'm=video 5000 RTP/AVP 97',
      'a=rtpmap:97 H264/90000',
    );
    const { r } = answer(offer);
    assert.equal(r.ok ? '' : r.error.code, 'no_acceptable_media');
  });

  it('accepts the second audio stream when the first has no common codec, rejects the first', () => {
    const offer = F.sdp(
      'v=0',
      'o=- 1 1 IN IP4 1.1.1.1',
      's=-',
      'c=IN IP4 1.1.1.1',
      't=0 0',
      'm=audio 5000 RTP/AVP 18',
      'm=audio 5002 RTP/AVP 8',
    );
    const { r } = answer(offer);
    assert.ok(r.ok);
    assert.equal(r.value.media.audio?.index, 1);
    assert.match(r.value.sdp as string, /m=audio 0 RTP\/AVP 18\r\n[\s\S]*m=audio 20000 RTP\/AVP 8/);
  });
});

function expandEvents(text: string): string {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const [a, b] = part.split('-').map(Number) as [number, number | undefined];
    for (let e = a; e <= (b ?? a); e++) out.push(e);
  }
  return out.join(',');
}

describe('offeredAudioFamily', () => {
  it('tells which socket family to open before answering', async () => {
    const { offeredAudioFamily } = await import('../../src/sdp/index.js');
    const v6 = parseSdp(F.IPV6);
    const v4 = parseSdp(F.CARRIER_IMS);
    assert.ok(v6.ok && v4.ok);
    assert.equal(offeredAudioFamily(v6.value), 'IP6');
    assert.equal(offeredAudioFamily(v4.value), 'IP4');
  });
});
