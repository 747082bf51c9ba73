import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkPrimitives,
  clampDb,
  DBOV_FLOOR,
  type SignalPrimitives,
} from '../../../src/media/progress/index.js';
import { g711, tone } from './audio.js';
import { referencePrimitives } from './reference-primitives.js';

describe('signal primitives', () => {
  it('the test reference implementation follows the documented level convention', () => {
    const r = checkPrimitives(referencePrimitives);
    assert.deepEqual(r.problems, []);
    assert.equal(r.ok, true);
  });

  it('checkPrimitives names an implementation whose levels are off by 6 dB', () => {
    const loud: SignalPrimitives = {
      frameEnergyDbov: (s) => referencePrimitives.frameEnergyDbov(s) + 6,
      toneLevelsDbov: (s, r, f, o) => referencePrimitives.toneLevelsDbov(s, r, f, o),
    };
    const r = checkPrimitives(loud);
    assert.equal(r.ok, false);
    assert.match(r.problems.join('\n'), /frameEnergyDbov of a 450 Hz sine at 8000 Hz/);
  });

  it('checkPrimitives names a Goertzel that does not separate frequencies', () => {
    const flat: SignalPrimitives = {
      frameEnergyDbov: referencePrimitives.frameEnergyDbov,
      toneLevelsDbov: (s, _r, f, o) => o.fill(referencePrimitives.frameEnergyDbov(s), 0, f.length),
    };
    assert.match(checkPrimitives(flat).problems.join('\n'), /at 1000 Hz for a 450 Hz sine/);
  });

  it('clamps -Infinity, NaN and absurd levels', () => {
    assert.equal(clampDb(-Infinity), DBOV_FLOOR);
    assert.equal(clampDb(Number.NaN), DBOV_FLOOR);
    assert.equal(clampDb(-500), DBOV_FLOOR);
    assert.equal(clampDb(40), 10);
    assert.equal(clampDb(-20), -20);
    assert.equal(clampDb(referencePrimitives.frameEnergyDbov(new Int16Array(160))), DBOV_FLOOR);
  });

  it('the test G.711 round trip keeps a sine within 1 dB and its shape', () => {
    const s = tone([1000], 100, -20);
    for (const law of ['alaw', 'ulaw'] as const) {
      const c = g711(s, law);
      const lvl = referencePrimitives.frameEnergyDbov(c);
      assert.ok(Math.abs(lvl + 20) < 1, `${law}: ${lvl}`);
      let err = 0;
      for (let i = 0; i < s.length; i++) err += (s[i]! - c[i]!) ** 2;
      const snr = 10 * Math.log10(s.reduce((a, v) => a + v * v, 0) / err);
      assert.ok(snr > 30, `${law} SNR ${snr.toFixed(1)} dB`);
    }
  });
});
