import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  alawDecode,
  alawEncode,
  alawToUlaw,
  ulawDecode,
  ulawEncode,
  ulawToAlaw,
} from '../../../src/media/index.js';
import { g711Js, g711Native, JS_PATH_MAX_ELEMENTS } from '../../../src/media/codec/g711.js';
import { readS16, run, scratch } from './tools.js';

const tmp = scratch();
after(() => tmp.cleanup());

const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_INPUTS = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const paths = { js: g711Js, native: g711Native } as const;

/** All 256 codes decoded by a tool: sox (`-t al`/`-t ul`) or ffmpeg (`-f alaw`/`-f mulaw`). */
function toolDecode(tool: 'sox' | 'ffmpeg', law: 'alaw' | 'ulaw'): Int16Array {
  const codes = tmp.path('codes.bin');
  require256(codes);
  const out = tmp.path(`${tool}-${law}.s16`);
  if (tool === 'sox') {
    run('sox', [
      '-t',
      law === 'alaw' ? 'al' : 'ul',
      '-r',
      '8000',
      '-c',
      '1',
      codes,
      '-t',
      'raw',
      '-e',
      'signed',
      '-b',
      '16',
      '-L',
      out,
    ]);
  } else {
    run('ffmpeg', [
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-f',
      law === 'alaw' ? 'alaw' : 'mulaw',
      '-ar',
      '8000',
      '-ac',
      '1',
      '-i',
      codes,
      '-f',
      's16le',
      out,
    ]);
  }
  return readS16(out);
}
function require256(path: string): void {
  // Written once per run; both tools read the same 256 codes.
  run('sh', [
    '-c',
    `[ -s "${path}" ] || LC_ALL=C awk 'BEGIN { for (i = 0; i < 256; i++) printf "%c", i }' > "${path}"`,
  ]);
}

/**
 * G.711's rule (§4, Tables 1 and 2; G.191 g711.c): each code holds one contiguous interval of
 * inputs and decodes to its middle; intervals follow the segment step sizes; mu-law's two zero
 * codes share [-4, 4); the outermost codes also take the overload range beyond their interval.
 */
function checkStandardRule(
  enc: (s: Int16Array, d: Uint8Array) => void,
  dec: (s: Uint8Array, d: Int16Array) => void,
  ulaw: boolean,
): void {
  const codes = new Uint8Array(65536);
  enc(ALL_INPUTS, codes);
  const levels = new Int16Array(256);
  dec(ALL_CODES, levels);
  const lo = new Array<number>(256).fill(Infinity);
  const hi = new Array<number>(256).fill(-Infinity);
  let prev = -1;
  const seen = new Set<number>();
  for (let i = 0; i < 65536; i++) {
    const c = codes[i]!;
    const x = i - 32768;
    if (c !== prev) {
      assert.ok(!seen.has(c), `code ${c} covers two separate ranges`);
      seen.add(c);
      prev = c;
    }
    lo[c] = Math.min(lo[c]!, x);
    hi[c] = Math.max(hi[c]!, x);
  }
  assert.equal(seen.size, 256);
  for (let c = 0; c < 256; c++) {
    const y = levels[c]!;
    const seg = ulaw ? (~c >> 4) & 7 : ((c ^ 0x55) >> 4) & 7;
    const width = ulaw ? 8 << seg : 16 << Math.max(seg - 1, 0);
    if (ulaw && (c === 0xff || c === 0x7f)) {
      assert.deepEqual([lo[0x7f], hi[0x7f], lo[0xff], hi[0xff], y], [-4, -1, 0, 3, 0]);
    } else if (hi[c] === 32767) {
      assert.equal(2 * (y - lo[c]!), width, `top code ${c}`);
    } else if (lo[c] === -32768) {
      assert.equal(2 * (hi[c]! + 1 - y), width, `bottom code ${c}`);
    } else {
      assert.equal(hi[c]! + 1 - lo[c]!, width, `code ${c} interval width`);
      assert.equal(lo[c]! + hi[c]! + 1, 2 * y, `code ${c} decodes to the middle of its interval`);
    }
  }
}

describe('G.711', () => {
  for (const [name, p] of Object.entries(paths)) {
    it(`${name} path: decoding all 256 A-law codes equals sox and ffmpeg`, () => {
      const ours = new Int16Array(256);
      p.alawDecode(ALL_CODES, ours);
      assert.deepEqual(ours, toolDecode('sox', 'alaw'));
      assert.deepEqual(ours, toolDecode('ffmpeg', 'alaw'));
    });

    it(`${name} path: decoding all 256 µ-law codes equals sox and ffmpeg`, () => {
      const ours = new Int16Array(256);
      p.ulawDecode(ALL_CODES, ours);
      assert.deepEqual(ours, toolDecode('sox', 'ulaw'));
      assert.deepEqual(ours, toolDecode('ffmpeg', 'ulaw'));
    });

    it(`${name} path: the A-law encoder follows the standard's rule for all 65,536 inputs`, () => {
      checkStandardRule(p.alawEncode, p.alawDecode, false);
    });

    it(`${name} path: the µ-law encoder follows the standard's rule for all 65,536 inputs`, () => {
      checkStandardRule(p.ulawEncode, p.ulawDecode, true);
    });

    it(`${name} path: encode(decode(c)) == c for every code (µ-law 0x7F is negative zero: -> 0xFF)`, () => {
      const lin = new Int16Array(256);
      const back = new Uint8Array(256);
      p.alawDecode(ALL_CODES, lin);
      p.alawEncode(lin, back);
      assert.deepEqual(back, ALL_CODES);
      p.ulawDecode(ALL_CODES, lin);
      p.ulawEncode(lin, back);
      const want = Uint8Array.from(ALL_CODES);
      want[0x7f] = 0xff;
      assert.deepEqual(back, want);
    });

    it(`${name} path: transcoding equals decode then encode`, () => {
      const lin = new Int16Array(256);
      const direct = new Uint8Array(256);
      const twoStep = new Uint8Array(256);
      p.alawToUlaw(ALL_CODES, direct);
      p.alawDecode(ALL_CODES, lin);
      p.ulawEncode(lin, twoStep);
      assert.deepEqual(direct, twoStep);
      p.ulawToAlaw(ALL_CODES, direct);
      p.ulawDecode(ALL_CODES, lin);
      p.alawEncode(lin, twoStep);
      assert.deepEqual(direct, twoStep);
    });
  }

  it('both paths agree on every input; the public functions pick either by length', () => {
    const enc = {
      alaw: [new Uint8Array(65536), new Uint8Array(65536)],
      ulaw: [new Uint8Array(65536), new Uint8Array(65536)],
    };
    g711Js.alawEncode(ALL_INPUTS, enc.alaw[0]!);
    g711Native.alawEncode(ALL_INPUTS, enc.alaw[1]!);
    g711Js.ulawEncode(ALL_INPUTS, enc.ulaw[0]!);
    g711Native.ulawEncode(ALL_INPUTS, enc.ulaw[1]!);
    assert.deepEqual(enc.alaw[0], enc.alaw[1]);
    assert.deepEqual(enc.ulaw[0], enc.ulaw[1]);
    // A short array takes the JavaScript path; a 20 ms frame and the whole range the native one.
    const short = ALL_INPUTS.subarray(30000, 30000 + JS_PATH_MAX_ELEMENTS);
    assert.deepEqual(alawEncode(short), enc.alaw[0]!.subarray(30000, 30000 + JS_PATH_MAX_ELEMENTS));
    assert.deepEqual(ulawEncode(short), enc.ulaw[0]!.subarray(30000, 30000 + JS_PATH_MAX_ELEMENTS));
    const frame = ALL_INPUTS.subarray(30000, 30160);
    assert.ok(short.length <= JS_PATH_MAX_ELEMENTS && frame.length > JS_PATH_MAX_ELEMENTS);
    assert.deepEqual(alawEncode(frame), enc.alaw[0]!.subarray(30000, 30160));
    assert.deepEqual(alawEncode(ALL_INPUTS), enc.alaw[0]);
    assert.deepEqual(ulawEncode(frame), enc.ulaw[0]!.subarray(30000, 30160));
    assert.deepEqual(ulawEncode(ALL_INPUTS), enc.ulaw[0]);
    assert.deepEqual(alawDecode(enc.alaw[0]!).subarray(30000, 30160), alawDecode(alawEncode(frame)));
    assert.deepEqual(ulawDecode(enc.ulaw[0]!).subarray(30000, 30160), ulawDecode(ulawEncode(frame)));
  });

  it('writes into a given dst, transcodes in place, and returns dst', () => {
    const codes = alawEncode(Int16Array.from([0, 1000, -1000, 32767, -32768]));
    const dst = new Uint8Array(8);
    assert.equal(alawToUlaw(codes, dst), dst);
    const inPlace = Uint8Array.from(codes);
    alawToUlaw(inPlace, inPlace);
    assert.deepEqual(inPlace, dst.subarray(0, 5));
    ulawToAlaw(inPlace, inPlace);
    assert.deepEqual(inPlace, ulawToAlaw(alawToUlaw(codes)));
    assert.throws(
      () => alawDecode(codes, new Int16Array(4)),
      /alawDecode: dst must hold at least 5 elements/,
    );
  });
});
