import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { G722Decoder, G722Encoder } from '../../../src/media/index.js';
import { clip16, concat, readS16, Rng, run, scratch, tones, writeS16 } from './tools.js';
import { readFileSync, writeFileSync } from 'node:fs';

const tmp = scratch();
after(() => tmp.cleanup());

/**
 * 5 s at 16 kHz: two loud tones (one in the upper sub-band), a chirp 50 Hz - 7.5 kHz, Gaussian
 * noise at about -20 dBov, a quiet 300 Hz tone and silence.
 */
function testSignal(): Int16Array {
  const rate = 16000;
  const twoTone = tones(rate, 1, [440, 5200], [14000, 9000]);
  const chirp = new Int16Array(rate);
  for (let i = 0; i < rate; i++) {
    const t = i / rate;
    chirp[i] = clip16(20000 * Math.sin(2 * Math.PI * (50 * t + 0.5 * 7450 * t * t)));
  }
  const rng = new Rng();
  const noise = Int16Array.from({ length: rate }, () => clip16(3300 * rng.gauss()));
  return concat([twoTone, chirp, noise, tones(rate, 1, [300], [300]), new Int16Array(rate)]);
}

function ffmpegEncode(pcm: Int16Array): Uint8Array {
  writeS16(tmp.path('in.s16'), pcm);
  // Plain encoder settings: ffmpeg's g722 encoder without -trellis.
  run('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    's16le',
    '-ar',
    '16000',
    '-ac',
    '1',
    '-i',
    tmp.path('in.s16'),
    '-c:a',
    'g722',
    '-f',
    'g722',
    tmp.path('ff.g722'),
  ]);
  return Uint8Array.from(readFileSync(tmp.path('ff.g722')));
}

function ffmpegDecode(code: Uint8Array): Int16Array {
  writeFileSync(tmp.path('dec-in.g722'), code);
  run('ffmpeg', [
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'g722',
    '-i',
    tmp.path('dec-in.g722'),
    '-f',
    's16le',
    tmp.path('ff-dec.s16'),
  ]);
  return readS16(tmp.path('ff-dec.s16'));
}

function encodeFrames(pcm: Int16Array, frame: number): Uint8Array {
  const enc = new G722Encoder();
  const out = new Uint8Array(pcm.length / 2);
  for (let i = 0; i < pcm.length; i += frame) {
    const n = Math.min(frame, pcm.length - i);
    assert.equal(enc.encode(pcm.subarray(i, i + n), out.subarray(i / 2, (i + n) / 2)), n / 2);
  }
  enc.close();
  return out;
}

function decodeFrames(code: Uint8Array, frame: number): Int16Array {
  const dec = new G722Decoder();
  const out = new Int16Array(code.length * 2);
  for (let i = 0; i < code.length; i += frame) {
    const n = Math.min(frame, code.length - i);
    assert.equal(dec.decode(code.subarray(i, i + n), out.subarray(2 * i, 2 * (i + n))), 2 * n);
  }
  dec.close();
  return out;
}

function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : Math.min(a.length, b.length);
}

describe('G.722', () => {
  const signal = testSignal();
  const ffCode = ffmpegEncode(signal);

  it('the encoder is bit-exact with ffmpeg on a 5 s signal (20 ms frames and odd frame sizes)', () => {
    assert.equal(ffCode.length, signal.length / 2);
    for (const frame of [320, 2, 1234, signal.length]) {
      assert.equal(firstDifference(encodeFrames(signal, frame), ffCode), -1, `frame ${frame}`);
    }
  });

  it("the decoder is bit-exact with ffmpeg's decoder on ffmpeg's bitstream", () => {
    const want = ffmpegDecode(ffCode);
    assert.equal(want.length, signal.length);
    for (const frame of [160, 1, 999])
      assert.equal(firstDifference(decodeFrames(ffCode, frame), want), -1, `frame ${frame}`);
  });

  it("ffmpeg's decoder and ours agree on our own bitstream of other audio", () => {
    const rng = new Rng();
    const other = concat([
      tones(16000, 0.5, [1000, 3100, 6900], [8000, 5000, 3000]),
      Int16Array.from({ length: 8000 }, () => clip16(9000 * rng.gauss())),
    ]);
    const ours = encodeFrames(other, 320);
    assert.equal(firstDifference(decodeFrames(ours, 160), ffmpegDecode(ours)), -1);
  });

  it('reset() starts a new stream: encoding twice after reset gives the same octets', () => {
    const enc = new G722Encoder();
    const a = new Uint8Array(800);
    const b = new Uint8Array(800);
    enc.encode(signal.subarray(0, 1600), a);
    enc.reset();
    enc.encode(signal.subarray(0, 1600), b);
    assert.deepEqual(a, b);
    assert.deepEqual(a, ffCode.subarray(0, 800));
    enc.close();
  });

  it('checks its arguments', () => {
    const enc = new G722Encoder();
    assert.throws(() => enc.encode(new Int16Array(3), new Uint8Array(2)), {
      name: 'RangeError',
      message: /pcm length must be even/,
    });
    assert.throws(() => enc.encode(new Int16Array(320), new Uint8Array(159)), {
      name: 'RangeError',
      message: /dst must hold at least 160/,
    });
    assert.throws(() => enc.encode(new Uint8Array(320) as unknown as Int16Array, new Uint8Array(160)), {
      name: 'TypeError',
      message: /pcm must be an Int16Array/,
    });
    const dec = new G722Decoder();
    assert.throws(() => dec.decode(new Uint8Array(160), new Int16Array(319)), {
      name: 'RangeError',
      message: /dst must hold at least 320/,
    });
    assert.throws(() => dec.decode('abc' as unknown as Uint8Array, new Int16Array(8)), {
      name: 'TypeError',
      message: /code must be a Uint8Array/,
    });
    enc.close();
    dec.close();
  });
});
