import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type RtcpPacket,
  compactNtp,
  isRtcp,
  looksLikeRtp,
  marshalRtcp,
  ntpFromMs,
  parseRtcp,
  rtcpMarshalSize,
} from '../../src/rtp/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

const compound: RtcpPacket[] = [
  {
    type: 'sr',
    ssrc: 0x11223344,
    ntpSeconds: 0xe8d4a510,
    ntpFraction: 0x80000000,
    rtpTimestamp: 160_000,
    packetCount: 1000,
    octetCount: 160_000,
    reports: [
      {
        ssrc: 0x55667788,
        fractionLost: 25,
        cumulativeLost: -3,
        highestSeq: 0x1ffff,
        jitter: 42,
        lsr: 0xa5100000,
        dlsr: 65536,
      },
    ],
  },
  {
    type: 'sdes',
    chunks: [
      {
        ssrc: 0x11223344,
        items: [
          { type: 1, text: 'voicegate@192.0.2.10' },
          { type: 6, text: 'vg' },
        ],
      },
    ],
  },
  { type: 'bye', ssrcs: [0x11223344], reason: 'call ended' },
];

describe('RTCP codec (RFC 3550 §6)', () => {
  it('round-trips a compound SR + SDES + BYE with marshalSize', () => {
    const size = rtcpMarshalSize(compound);
    assert.equal(size % 4, 0);
    const buf = new Uint8Array(size);
    assert.equal(marshalRtcp(compound, buf), size);
    const r = parseRtcp(buf);
    assert.ok(r.ok);
    assert.deepEqual(r.packets, compound);
  });

  it('round-trips RR without and with report blocks, and BYE without reason', () => {
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: 1, reports: [] },
      {
        type: 'rr',
        ssrc: 2,
        reports: [
          { ssrc: 3, fractionLost: 0, cumulativeLost: 8388607, highestSeq: 5, jitter: 0, lsr: 0, dlsr: 0 },
        ],
      },
      { type: 'bye', ssrcs: [1, 2] },
    ];
    const buf = new Uint8Array(rtcpMarshalSize(packets));
    marshalRtcp(packets, buf);
    const r = parseRtcp(buf);
    assert.ok(r.ok);
    assert.deepEqual(r.packets, packets);
  });

  it('keeps APP and unknown packet types raw (views, not copies)', () => {
    // RR(empty) + APP subtype 1 name "TEST" with 4 data bytes + PSFB (206) PLI.
    const b = hex(
      '80c9 0001 00000001' + '81cc 0003 00000001 54455354 01020304' + '81ce 0002 00000001 00000002',
    );
    const r = parseRtcp(b);
    assert.ok(r.ok);
    const [, app, pli] = r.packets;
    assert.equal(app?.type, 'app');
    assert.equal(pli?.type, 'unknown');
    if (app?.type !== 'app' || pli?.type !== 'unknown') return;
    assert.deepEqual([app.packetType, app.count, app.raw.length], [204, 1, 16]);
    assert.equal(app.raw.buffer, b.buffer);
    assert.equal(Buffer.from(app.raw.subarray(8, 12)).toString(), 'TEST');
    assert.deepEqual([pli.packetType, pli.count, pli.raw.length], [206, 1, 12]);
    // Raw packets are written back unchanged.
    const out = new Uint8Array(rtcpMarshalSize(r.packets));
    marshalRtcp(r.packets, out);
    assert.deepEqual(Buffer.from(out), b);
  });

  it('reads a padded last packet and a real-world style SR+SDES', () => {
    // RR with padding bit: length 2 words → 12 bytes, last 4 are padding (count 4).
    const padded = hex('a0c9 0002 00000009 00000004');
    const r = parseRtcp(padded);
    assert.ok(r.ok);
    assert.deepEqual(r.packets, [{ type: 'rr', ssrc: 9, reports: [] }]);
  });

  const bad: [string, Buffer, string][] = [
    ['3 bytes', hex('80c900'), 'too_short'],
    ['version 1', hex('40c9 0001 00000001'), 'bad_version'],
    ['length beyond the datagram', hex('80c9 0005 00000001'), 'bad_length'],
    ['trailing bytes', hex('80c9 0001 00000001 80'), 'bad_length'],
    ['padding not on the last packet', hex('a0c9 0001 00000001 80c9 0001 00000002'), 'bad_padding'],
    ['padding count 0', hex('a0c9 0001 00000000'), 'bad_padding'],
    ['SR cut short', hex('80c8 0002 00000001 00000002'), 'truncated_report'],
    ['RR count 2, one block', hex('82c9 0007 00000001' + '00'.repeat(24)), 'truncated_report'],
    ['SDES item beyond the end', hex('81ca 0002 00000001 0110 4142'), 'bad_sdes'],
    ['SDES without terminator', hex('81ca 0002 00000001 01024142'), 'bad_sdes'],
    ['BYE count beyond the end', hex('82cb 0001 00000001'), 'bad_bye'],
    ['BYE reason beyond the end', hex('81cb 0002 00000001 0a414243'), 'bad_bye'],
  ];
  for (const [name, b, code] of bad) {
    it(`rejects: ${name}`, () => {
      const r = parseRtcp(b);
      assert.equal(r.ok ? 'ok' : r.code, code);
    });
  }

  it('bounds the packets per compound', () => {
    const one = hex('80c9 0001 00000001');
    const many = Buffer.concat(Array.from({ length: 20 }, () => one));
    const r = parseRtcp(many);
    assert.equal(r.ok ? 'ok' : r.code, 'too_many_packets');
    assert.ok(parseRtcp(many, 0, many.length, 32).ok);
  });

  it('marshal refuses a buffer too small', () => {
    assert.equal(marshalRtcp(compound, new Uint8Array(8)), -1);
  });

  it('RFC 5761 demux: RTCP packet types 192–223 vs RTP payload types', () => {
    assert.equal(isRtcp(hex('80c8')), true);
    assert.equal(isRtcp(hex('81ca')), true);
    assert.equal(isRtcp(hex('8008')), false);
    assert.equal(isRtcp(hex('8088')), false);
    assert.equal(isRtcp(hex('80e5')), false, 'PT 101 with marker is 0xe5: RTP');
    assert.equal(isRtcp(hex('00c8')), false, 'first octet outside 128–191');
    assert.equal(isRtcp(hex('80')), false);
    assert.equal(looksLikeRtp(hex('16fe')), false, 'DTLS');
    assert.equal(looksLikeRtp(hex('0001')), false, 'STUN');
  });

  it('NTP time and its compact middle 32 bits (§4, §6.4.1)', () => {
    const t = ntpFromMs(1_500);
    assert.deepEqual(t, { seconds: 2_208_988_801, fraction: 0x80000000 });
    assert.equal(compactNtp(t.seconds, t.fraction), ((2_208_988_801 & 0xffff) * 65536 + 0x8000) >>> 0);
  });
});
