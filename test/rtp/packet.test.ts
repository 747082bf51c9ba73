import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MARSHAL_INVALID,
  MARSHAL_TOO_SMALL,
  type RtpPacket,
  RtpView,
  marshalRtp,
  parseRtp,
  rtpMarshalSize,
  writeRtpHeader,
} from '../../src/rtp/index.js';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

describe('RTP packet codec (RFC 3550 §5.1)', () => {
  it('parses a G.711 packet as views into the buffer, no copy', () => {
    // V=2, M=1, PT=8, seq 0x1234, ts 0x000000a0, SSRC 0xdeadbeef, 4 payload bytes.
    const b = hex('80 88 1234 000000a0 deadbeef d5d5d5d5');
    const v = new RtpView();
    assert.equal(parseRtp(v, b), 'ok');
    assert.deepEqual(
      [v.marker, v.payloadType, v.sequenceNumber, v.timestamp, v.ssrc, v.payloadOffset, v.payloadLength],
      [true, 8, 0x1234, 0xa0, 0xdeadbeef, 12, 4],
    );
    const p = v.payload();
    assert.equal(p.buffer, b.buffer);
    assert.equal(p.byteOffset, b.byteOffset + 12);
  });

  it('reads CSRCs, a header extension and padding', () => {
    // V=2 P=1 X=1 CC=2; ext profile 0xbede, 1 word; 3 payload bytes; 4 padding bytes (last = 4).
    const b = hex('b2 00 0001 00000002 00000003 11111111 22222222 bede0001 10ab0000 aabbcc 00000004');
    const v = new RtpView();
    assert.equal(parseRtp(v, b), 'ok');
    assert.deepEqual([v.csrcCount, v.csrc(0), v.csrc(1)], [2, 0x11111111, 0x22222222]);
    assert.deepEqual([v.extension, v.extensionProfile, v.extensionLength], [true, 0xbede, 4]);
    assert.deepEqual([...v.extensionData()], [0x10, 0xab, 0, 0]);
    assert.deepEqual([...v.payload()], [0xaa, 0xbb, 0xcc]);
    assert.equal(v.paddingLength, 4);
  });

  it('parses at an offset within a larger buffer', () => {
    const inner = hex('80 00 0001 00000002 00000003 ff');
    const b = Buffer.concat([Buffer.alloc(5, 0xee), inner, Buffer.alloc(3, 0xee)]);
    const v = new RtpView();
    assert.equal(parseRtp(v, b, 5, inner.length), 'ok');
    assert.deepEqual([...v.payload()], [0xff]);
  });

  const bad: [string, Buffer, string][] = [
    ['empty', hex(''), 'too_short'],
    ['11 bytes', hex('80 00 0001 00000002 000000'), 'too_short'],
    ['version 1', hex('40 00 0001 00000002 00000003'), 'bad_version'],
    ['version 0 (STUN-like)', hex('00 01 0001 00000002 00000003'), 'bad_version'],
    ['CSRC count beyond the end', hex('83 00 0001 00000002 00000003 11111111'), 'truncated_csrc'],
    ['extension header cut', hex('90 00 0001 00000002 00000003 bede'), 'truncated_extension'],
    [
      'extension length beyond the end',
      hex('90 00 0001 00000002 00000003 bede0002 00000000'),
      'truncated_extension',
    ],
    ['padding count 0', hex('a0 00 0001 00000002 00000003 aa00'), 'bad_padding'],
    ['padding count beyond payload', hex('a0 00 0001 00000002 00000003 aa09'), 'bad_padding'],
  ];
  for (const [name, b, code] of bad) {
    it(`rejects: ${name}`, () => assert.equal(parseRtp(new RtpView(), b), code));
  }

  it('rejects offsets and lengths outside the buffer', () => {
    const b = hex('80 00 0001 00000002 00000003 ff');
    assert.equal(parseRtp(new RtpView(), b, 2, b.length), 'too_short');
    assert.equal(parseRtp(new RtpView(), b, -1, 13), 'too_short');
  });

  it('marshals with marshalSize and round-trips every field', () => {
    const p: RtpPacket = {
      marker: true,
      payloadType: 101,
      sequenceNumber: 65535,
      timestamp: 0xfffffff0,
      ssrc: 0x01020304,
      csrc: [7, 8, 9],
      extension: { profile: 0x1000, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) },
      padding: 3,
      payload: new Uint8Array([9, 8, 7, 6, 5]),
    };
    const size = rtpMarshalSize(p);
    assert.equal(size, 12 + 12 + 4 + 8 + 5 + 3);
    const buf = new Uint8Array(size + 4);
    assert.equal(marshalRtp(p, buf, 2), size);
    const v = new RtpView();
    assert.equal(parseRtp(v, buf, 2, size), 'ok');
    assert.deepEqual(
      [
        v.marker,
        v.payloadType,
        v.sequenceNumber,
        v.timestamp,
        v.ssrc,
        v.csrcCount,
        v.csrc(2),
        v.extensionProfile,
        v.paddingLength,
      ],
      [true, 101, 65535, 0xfffffff0, 0x01020304, 3, 9, 0x1000, 3],
    );
    assert.deepEqual([...v.extensionData()], [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...v.payload()], [9, 8, 7, 6, 5]);
  });

  it('marshals byte-exactly what the hand-written vector holds', () => {
    const buf = Buffer.alloc(16);
    const n = marshalRtp(
      {
        marker: true,
        payloadType: 8,
        sequenceNumber: 0x1234,
        timestamp: 0xa0,
        ssrc: 0xdeadbeef,
        payload: hex('d5d5d5d5'),
      },
      buf,
    );
    assert.equal(n, 16);
    assert.equal(buf.toString('hex'), '808812340000 00a0deadbeefd5d5d5d5'.replace(/ /g, ''));
    const h = Buffer.alloc(12);
    writeRtpHeader(h, 0, false, 0, 1, 160, 7);
    assert.equal(h.toString('hex'), '800000010000 00a000000007'.replace(/ /g, ''));
  });

  it('refuses a buffer too small and invalid fields instead of writing garbage', () => {
    const p: RtpPacket = {
      payloadType: 0,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 0,
      payload: new Uint8Array(10),
    };
    assert.equal(marshalRtp(p, new Uint8Array(21)), MARSHAL_TOO_SMALL);
    assert.equal(marshalRtp({ ...p, payloadType: 128 }, new Uint8Array(64)), MARSHAL_INVALID);
    assert.equal(marshalRtp({ ...p, csrc: new Array(16).fill(1) }, new Uint8Array(128)), MARSHAL_INVALID);
    assert.equal(
      marshalRtp({ ...p, extension: { profile: 1, data: new Uint8Array(3) } }, new Uint8Array(64)),
      MARSHAL_INVALID,
    );
  });
});
