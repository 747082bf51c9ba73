import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alawDecode,
  alawEncode,
  alawToUlaw,
  CodecClosedError,
  DtmfDetector,
  DtmfGenerator,
  frameEnergyDbov,
  G722Decoder,
  G722Encoder,
  Resampler,
  toneLevelsDbov,
  ulawDecode,
  ulawEncode,
  ulawToAlaw,
  Vad,
} from '../../../src/media/index.js';
import { native, MAX_ELEMENTS } from '../../../src/media/codec/index.js';

/** An Int16Array whose buffer was transferred away (detached): length 0. */
function detached(): Int16Array {
  const ab = new ArrayBuffer(320);
  const view = new Int16Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}
function detachedBytes(): Uint8Array {
  const ab = new ArrayBuffer(160);
  const view = new Uint8Array(ab);
  structuredClone(ab, { transfer: [ab] });
  return view;
}

const huge = new Int16Array(MAX_ELEMENTS + 1);
const hugeBytes = new Uint8Array(MAX_ELEMENTS + 1);
const WRONG = [
  undefined,
  null,
  42,
  'pcm',
  [1, 2, 3],
  {},
  new Float32Array(4),
  new DataView(new ArrayBuffer(4)),
];

/** Each sample-taking entry point, called with `x` as its sample argument. */
const int16Inputs: Record<string, (x: Int16Array) => unknown> = {
  alawEncode: (x) => alawEncode(x),
  ulawEncode: (x) => ulawEncode(x),
  'G722Encoder.encode': (x) => new G722Encoder().encode(x, new Uint8Array(1 << 22)),
  'Resampler.process': (x) => new Resampler(8000, 16000).process(x, new Int16Array(1 << 22)),
  'DtmfGenerator.generate': (x) => new DtmfGenerator().generate(x),
  'DtmfDetector.process': (x) => new DtmfDetector({ sampleRate: 8000 }).process(x),
  'Vad.process': (x) => new Vad({ sampleRate: 8000 }).process(x),
  frameEnergyDbov: (x) => frameEnergyDbov(x),
  toneLevelsDbov: (x) => toneLevelsDbov(x, 8000, [450], new Float64Array(1)),
};
const byteInputs: Record<string, (x: Uint8Array) => unknown> = {
  alawDecode: (x) => alawDecode(x),
  ulawDecode: (x) => ulawDecode(x),
  alawToUlaw: (x) => alawToUlaw(x),
  ulawToAlaw: (x) => ulawToAlaw(x),
  'G722Decoder.decode': (x) => new G722Decoder().decode(x, new Int16Array(1 << 22)),
};

describe('argument checks before the boundary', () => {
  for (const [name, call] of Object.entries(int16Inputs)) {
    it(`${name}: wrong types are TypeErrors naming the argument; empty, detached and huge are RangeErrors`, () => {
      for (const w of WRONG) {
        assert.throws(
          () => call(w as never),
          (e: unknown) =>
            e instanceof TypeError && e.message.startsWith(name) && /must be an Int16Array/.test(e.message),
          `${name}(${String(w)})`,
        );
      }
      assert.throws(() => call(new Int16Array(0)), {
        name: 'RangeError',
        message: /is empty or its buffer was detached|must not be empty/,
      });
      assert.throws(() => call(new Int16Array(8).subarray(4, 4)), {
        name: 'RangeError',
        message: /must not be empty/,
      });
      assert.throws(() => call(detached()), { name: 'RangeError', message: /detached/ });
      assert.throws(() => call(huge), { name: 'RangeError', message: /too long/ });
    });
  }
  for (const [name, call] of Object.entries(byteInputs)) {
    it(`${name}: the same for byte inputs (Buffer accepted)`, () => {
      for (const w of [...WRONG, new Int16Array(4), new Uint8ClampedArray(4)]) {
        assert.throws(
          () => call(w as never),
          (e: unknown) => e instanceof TypeError && /must be a Uint8Array or Buffer/.test(e.message),
          `${name}(${String(w)})`,
        );
      }
      assert.throws(() => call(new Uint8Array(0)), { name: 'RangeError' });
      assert.throws(() => call(detachedBytes()), { name: 'RangeError', message: /detached/ });
      assert.throws(() => call(hugeBytes), { name: 'RangeError', message: /too long/ });
      assert.doesNotThrow(() => call(Buffer.from([0xd5, 0x55, 0x2a, 0xaa])));
    });
  }

  it('odd lengths and short outputs are RangeErrors', () => {
    assert.throws(() => new G722Encoder().encode(new Int16Array(161), new Uint8Array(100)), {
      name: 'RangeError',
      message: /even/,
    });
    assert.throws(() => ulawEncode(new Int16Array(10), new Uint8Array(9)), {
      name: 'RangeError',
      message: /dst must hold at least 10/,
    });
    assert.throws(() => new Resampler(48000, 8000).process(new Int16Array(7), new Int16Array(1)), {
      name: 'RangeError',
      message: /dst must hold at least 2/,
    });
    assert.throws(() => alawEncode(new Int16Array(4), new Int16Array(4) as never), {
      name: 'TypeError',
      message: /dst must be a Uint8Array/,
    });
  });
});

describe('use after close()', () => {
  const objects = {
    G722Encoder: [
      () => new G722Encoder(),
      (o: G722Encoder) => o.encode(new Int16Array(2), new Uint8Array(1)),
    ],
    G722Decoder: [
      () => new G722Decoder(),
      (o: G722Decoder) => o.decode(new Uint8Array(1), new Int16Array(2)),
    ],
    Resampler: [
      () => new Resampler(8000, 16000),
      (o: Resampler) => o.process(new Int16Array(2), new Int16Array(4)),
    ],
    DtmfGenerator: [() => new DtmfGenerator(), (o: DtmfGenerator) => o.generate(new Int16Array(2))],
    DtmfDetector: [
      () => new DtmfDetector({ sampleRate: 8000 }),
      (o: DtmfDetector) => o.process(new Int16Array(2)),
    ],
    Vad: [() => new Vad({ sampleRate: 8000 }), (o: Vad) => o.process(new Int16Array(2))],
  } as const;
  for (const [name, [make, use]] of Object.entries(objects)) {
    it(`${name}: every call after close() throws CodecClosedError; close() is idempotent`, () => {
      const o = (make as () => { close(): void; reset(): void; closed: boolean })();
      (use as (x: unknown) => unknown)(o);
      o.close();
      o.close();
      assert.equal(o.closed, true);
      assert.throws(
        () => (use as (x: unknown) => unknown)(o),
        (e: unknown) =>
          e instanceof CodecClosedError &&
          e.code === 'codec_closed' &&
          e.message === `${name}: used after close()`,
      );
      assert.throws(() => o.reset(), CodecClosedError);
    });
  }
});

describe('the C++ side checks again (called without the TypeScript face)', () => {
  const n = native();
  it('raw functions reject wrong types, short outputs, detached and huge arrays without crashing', () => {
    assert.throws(() => n.g711_alaw_encode('x' as never, new Uint8Array(1)), {
      name: 'TypeError',
      message: 'g711_alaw_encode: src must be an Int16Array',
    });
    assert.throws(() => n.g711_alaw_encode(new Int16Array(4), new Uint8Array(3)), {
      name: 'RangeError',
      message: /dst is shorter than src/,
    });
    assert.throws(() => n.g711_ulaw_decode(new Uint8Array(4), new Uint8Array(4) as never), {
      name: 'TypeError',
      message: /dst must be an Int16Array/,
    });
    assert.throws(() => n.frame_energy_dbov(detached()), { name: 'RangeError', message: /detached/ });
    assert.throws(() => n.frame_energy_dbov(huge), { name: 'RangeError', message: /too long/ });
    assert.throws(() => (n.frame_energy_dbov as () => number)(), { name: 'TypeError' });
    assert.throws(
      () => n.tone_levels_dbov(new Int16Array(8), 8000, new Float64Array([5000]), new Float64Array(1)),
      { name: 'RangeError', message: /freqsHz\[0\]/ },
    );
    assert.throws(
      () => n.tone_levels_dbov(new Int16Array(8), 8000, new Float64Array(2), new Float64Array(1)),
      { name: 'RangeError', message: /out is shorter/ },
    );
  });

  it('raw classes reject bad construction and calls, and refuse use after close', () => {
    assert.throws(() => new n.Resampler(8000, 11025), { name: 'RangeError', message: /rates must be/ });
    assert.throws(() => new n.Resampler('8000' as never, 16000), {
      name: 'TypeError',
      message: /fromHz must be a number/,
    });
    assert.throws(() => new n.DtmfDetector(44100), {
      name: 'RangeError',
      message: /sampleRate must be 8000 or 16000/,
    });
    assert.throws(() => new n.DtmfGenerator(8000, 5, 100, -10, -8), {
      name: 'RangeError',
      message: /toneMs/,
    });
    assert.throws(() => new n.Vad(8000, -45, 10, 40.5, 400, 6), {
      name: 'RangeError',
      message: /onsetMs must be an integer/,
    });
    const r = new n.Resampler(8000, 48000);
    assert.throws(() => r.process(new Int16Array(10), new Int16Array(59)), {
      name: 'RangeError',
      message: /dst must hold 60/,
    });
    const enc = new n.G722Encoder();
    assert.throws(() => enc.encode(new Int16Array(3), new Uint8Array(2)), {
      name: 'RangeError',
      message: /even/,
    });
    enc.close();
    assert.throws(() => enc.encode(new Int16Array(2), new Uint8Array(1)), {
      name: 'Error',
      message: 'G722Encoder: used after close()',
    });
    const g = new n.DtmfGenerator(8000, 100, 100, -10, -8);
    assert.equal(g.queue('12#'), true);
    assert.equal(g.queue('1x'), false, 'invalid keys are refused whole');
    assert.throws(() => g.queue(12 as never), { name: 'TypeError' });
    assert.throws(() => g.queue('1'.repeat(300)), { name: 'RangeError' });
    assert.equal(g.pending(), 3);
  });
});
