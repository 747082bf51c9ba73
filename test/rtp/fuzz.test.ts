/**
 * Fuzz of the RTP and RTCP parsers: random datagrams and mutations of valid ones. Neither parser
 * may throw, and whatever RTP parses must describe bytes inside the datagram. Bounded in count.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type RtcpPacket,
  RtpView,
  isRtcp,
  marshalRtcp,
  marshalRtp,
  parseRtcp,
  parseRtp,
  rtcpMarshalSize,
} from '../../src/rtp/index.js';
import { seeded } from './fake-clock.js';

const ROUNDS = 20_000;

function seedsRtp(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const p of [
    { payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 5, payload: new Uint8Array(160) },
    {
      payloadType: 101,
      sequenceNumber: 2,
      timestamp: 320,
      ssrc: 5,
      marker: true,
      payload: new Uint8Array([1, 0x8a, 0, 160]),
    },
    {
      payloadType: 0,
      sequenceNumber: 3,
      timestamp: 480,
      ssrc: 5,
      csrc: [1, 2],
      extension: { profile: 0xbede, data: new Uint8Array(8) },
      padding: 4,
      payload: new Uint8Array(20),
    },
  ]) {
    const buf = new Uint8Array(400);
    out.push(buf.subarray(0, marshalRtp(p, buf)));
  }
  return out;
}

function seedsRtcp(): Uint8Array[] {
  const compound: RtcpPacket[] = [
    {
      type: 'sr',
      ssrc: 1,
      ntpSeconds: 2,
      ntpFraction: 3,
      rtpTimestamp: 4,
      packetCount: 5,
      octetCount: 6,
      reports: [{ ssrc: 7, fractionLost: 1, cumulativeLost: 2, highestSeq: 3, jitter: 4, lsr: 5, dlsr: 6 }],
    },
    { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'a@b' }] }] },
    { type: 'bye', ssrcs: [1], reason: 'x' },
  ];
  const buf = new Uint8Array(rtcpMarshalSize(compound));
  marshalRtcp(compound, buf);
  return [buf, buf.subarray(0, 52)];
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) {
    for (let k = 0; k < 1 + Math.floor(rnd() * 4); k++)
      b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
    return b;
  }
  if (kind === 1) return b.subarray(0, Math.floor(rnd() * b.length));
  if (kind === 2) {
    const i = Math.floor(rnd() * b.length);
    b[i] = (b[i] as number) ^ (1 << Math.floor(rnd() * 8));
    return b;
  }
  const extra = new Uint8Array(b.length + Math.floor(rnd() * 16));
  extra.set(b);
  return extra;
}

describe('RTP/RTCP parser fuzz', () => {
  it(`${ROUNDS} random and mutated RTP datagrams: never throws, results stay in bounds`, () => {
    const rnd = seeded(1234);
    const seeds = seedsRtp();
    const v = new RtpView();
    let ok = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const b =
        i % 3 === 0
          ? Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256))
          : mutate(seeds[i % seeds.length] as Uint8Array, rnd);
      const code = parseRtp(v, b);
      if (code === 'ok') {
        ok++;
        assert.ok(v.payloadOffset >= 12 && v.payloadLength >= 0);
        assert.ok(v.payloadOffset + v.payloadLength + v.paddingLength <= b.length);
      }
    }
    assert.ok(ok > ROUNDS / 10, `some mutations still parse (${ok})`);
  });

  it(`${ROUNDS} random and mutated RTCP datagrams: never throws, coded result`, () => {
    const rnd = seeded(99);
    const seeds = seedsRtcp();
    let ok = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const b =
        i % 3 === 0
          ? Uint8Array.from({ length: Math.floor(rnd() * 96) }, () => Math.floor(rnd() * 256))
          : mutate(seeds[i % seeds.length] as Uint8Array, rnd);
      const r = parseRtcp(b);
      if (r.ok) {
        ok++;
        assert.ok(r.packets.length >= 1 && r.packets.length <= 16);
      } else {
        assert.equal(typeof r.code, 'string');
      }
      isRtcp(b);
    }
    assert.ok(ok > 0);
  });
});
