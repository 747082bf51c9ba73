import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { DBM0_TO_DBOV, DBOV_FLOOR, frameEnergyDbov, toneLevelsDbov } from '../../../src/media/index.js';
import { ampForDbm0, clip16, concat, Rng, run, scratch, tones, writeS16 } from './tools.js';

const tmp = scratch();
after(() => tmp.cleanup());

describe('frameEnergyDbov', () => {
  it('full-scale square wave is 0 dBov, full-scale sine -3.01 dBov, silence the floor', () => {
    const square = Int16Array.from({ length: 160 }, (_, i) => ((i >> 2) & 1 ? -32768 : 32767));
    assert.ok(Math.abs(frameEnergyDbov(square)) < 0.001);
    assert.ok(Math.abs(frameEnergyDbov(tones(8000, 1, [1000], [32767])) + 3.01) < 0.01);
    assert.equal(frameEnergyDbov(new Int16Array(160)), DBOV_FLOOR);
    assert.equal(frameEnergyDbov(Int16Array.of(1)), 20 * Math.log10(1 / 32768));
  });

  it('a 0 dBm0 sine (A-law reference) reads -6.15 dBov', () => {
    assert.ok(Math.abs(frameEnergyDbov(tones(8000, 1, [1004], [ampForDbm0(0)])) - DBM0_TO_DBOV) < 0.01);
  });

  it('agrees with the RMS level sox measures on the same samples', () => {
    const rng = new Rng();
    const x = concat([
      tones(8000, 0.5, [300, 2200], [9000, 3000]),
      Int16Array.from({ length: 4000 }, () => clip16(700 * rng.gauss())),
    ]);
    writeS16(tmp.path('x.s16'), x);
    const out = run('sh', [
      '-c',
      `sox -t raw -r 8000 -e signed -b 16 -c 1 "${tmp.path('x.s16')}" -n stat 2>&1`,
    ]);
    const rms = Number(/RMS\s+amplitude:\s+([\d.]+)/.exec(out)?.[1]);
    // sox scales by 2^31 - 1 for 32-bit internals: 16-bit full scale reads 32767/32768.
    const soxDbov = 20 * Math.log10(rms) + 20 * Math.log10(32767.5 / 32768);
    assert.ok(Math.abs(frameEnergyDbov(x) - soxDbov) < 0.01, `${frameEnergyDbov(x)} vs sox ${soxDbov}`);
  });
});

describe('toneLevelsDbov', () => {
  it('measures each frequency of a frame (Goertzel over the whole frame)', () => {
    const frame = tones(8000, 0.02, [450, 1000], [10000, 1000]);
    const out = new Float64Array(4).fill(NaN);
    toneLevelsDbov(frame, 8000, [450, 1000, 2000], out);
    const db = (a: number) => 20 * Math.log10(a / 32768 / Math.SQRT2);
    assert.ok(Math.abs(out[0]! - db(10000)) < 0.1, `450 Hz: ${out[0]}`);
    assert.ok(Math.abs(out[1]! - db(1000)) < 0.3, `1000 Hz: ${out[1]}`);
    assert.ok(out[2]! < db(1000) - 20, `2000 Hz: ${out[2]}`);
    assert.ok(Number.isNaN(out[3]!), 'elements past freqsHz.length are left alone');
  });

  it('works at 16 kHz and reports the floor for silence', () => {
    const out = new Float64Array(2);
    toneLevelsDbov(tones(16000, 0.02, [450], [3000]), 16000, [450, 5000], out);
    assert.ok(Math.abs(out[0]! - 20 * Math.log10(3000 / 32768 / Math.SQRT2)) < 0.1);
    toneLevelsDbov(new Int16Array(160), 8000, [450, 900], out);
    assert.deepEqual([...out], [DBOV_FLOOR, DBOV_FLOOR]);
  });

  it('checks its arguments', () => {
    const f = new Int16Array(160);
    const out = new Float64Array(2);
    assert.throws(() => toneLevelsDbov(f, 8000, [450, 4000], out), {
      name: 'RangeError',
      message: /freqsHz\[1\] must be above 0 and below sampleRate \/ 2/,
    });
    assert.throws(() => toneLevelsDbov(f, 8000, [450, 'x' as never], out), {
      name: 'TypeError',
      message: /freqsHz\[1\] must be a number/,
    });
    assert.throws(() => toneLevelsDbov(f, 8000, [], out), {
      name: 'RangeError',
      message: /1\.\.64 frequencies/,
    });
    assert.throws(() => toneLevelsDbov(f, 8000, [1, 2, 3], out), {
      name: 'RangeError',
      message: /out must hold at least 3/,
    });
    assert.throws(() => toneLevelsDbov(f, 8000, [450], new Float32Array(2) as never), {
      name: 'TypeError',
      message: /out must be a Float64Array/,
    });
    assert.throws(() => toneLevelsDbov(f, NaN, [450], out), { name: 'RangeError', message: /sampleRate/ });
    assert.throws(() => toneLevelsDbov(f, 8000, 450 as never, out), {
      name: 'TypeError',
      message: /freqsHz must be an array/,
    });
  });
});
