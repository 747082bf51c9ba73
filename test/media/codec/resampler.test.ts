import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameEnergyDbov, Resampler, RESAMPLER_RATES } from '../../../src/media/index.js';
import { clip16, concat, frames, Rng, tones } from './tools.js';

function resample(r: Resampler, x: Int16Array, frame: number): Int16Array {
  const parts: Int16Array[] = [];
  for (const f of frames(x, frame)) {
    const out = new Int16Array(r.maxOutputLength(f.length));
    const n = r.process(f, out);
    parts.push(out.subarray(0, n));
  }
  return concat(parts);
}

const pairs = RESAMPLER_RATES.flatMap((from) =>
  RESAMPLER_RATES.filter((to) => to !== from).map((to) => [from, to] as const),
);

describe('Resampler', () => {
  it('streaming in 20 ms frames equals resampling the whole signal at once, for every pair', () => {
    const rng = new Rng();
    for (const [from, to] of pairs) {
      const x = tones(from, 0.4, [300, 1700], [9000, 6000]).map((v) => clip16(v + 1500 * rng.gauss()));
      const whole = resample(new Resampler(from, to), x, x.length);
      const framed = resample(new Resampler(from, to), x, from / 50);
      const ragged = resample(new Resampler(from, to), x, 101);
      assert.equal(whole.length, (x.length * to) / from, `${from}->${to} length`);
      assert.deepEqual(framed, whole, `${from}->${to} frames`);
      assert.deepEqual(ragged, whole, `${from}->${to} 101-sample chunks`);
    }
  });

  it('a 20 ms frame gives exactly 20 ms of output, every frame', () => {
    for (const [from, to] of pairs) {
      const r = new Resampler(from, to);
      const out = new Int16Array(r.maxOutputLength(from / 50));
      assert.equal(out.length, to / 50);
      for (let i = 0; i < 5; i++) assert.equal(r.process(new Int16Array(from / 50), out), to / 50);
      r.close();
    }
  });

  it('keeps a 1 kHz tone within 0.5 dB; passband flat within 0.05 dB; everything else 60 dB down', () => {
    for (const [from, to] of pairs) {
      const nyq = Math.min(from, to) / 2;
      for (const hz of [1000, 0.1 * nyq, 0.5 * nyq, 0.85 * nyq]) {
        const r = new Resampler(from, to);
        const y = resample(r, tones(from, 0.3, [hz], [16000]), from / 50);
        const skip = Math.ceil((r.delay * to) / from) + to / 100;
        const fit = fitSine(y.subarray(skip), to, hz);
        const gain = 20 * Math.log10(fit.amplitude / 16000);
        const where = `${from}->${to} at ${hz.toFixed(0)} Hz`;
        assert.ok(Math.abs(gain) < (hz === 1000 ? 0.5 : 0.05), `${where}: gain ${gain.toFixed(4)} dB`);
        // Images, aliases, clicks at frame boundaries and rounding: all that is not the tone.
        assert.ok(fit.residualDb < -60, `${where}: residual ${fit.residualDb.toFixed(1)} dB`);
        r.close();
      }
    }
  });

  it('attenuates tones above the target Nyquist frequency by at least 60 dB', () => {
    for (const [from, to] of pairs.filter(([f, t]) => t < f)) {
      for (const hz of [Math.min(1.1 * (to / 2), (to / 2 + from / 2) / 2), (to / 2 + (3 * from) / 2) / 4]) {
        const r = new Resampler(from, to);
        const y = resample(r, tones(from, 0.3, [hz], [29000]), from / 50);
        const inDb = 10 * Math.log10((29000 * 29000) / 2 / 32768 ** 2);
        const outDb = frameEnergyDbov(y.subarray(to / 20));
        assert.ok(
          outDb - inDb <= -60,
          `${from}->${to}: ${hz.toFixed(0)} Hz only ${(outDb - inDb).toFixed(1)} dB down`,
        );
        r.close();
      }
    }
  });

  it('same rate copies; reset() restarts the stream', () => {
    const same = new Resampler(16000, 16000);
    const x = tones(16000, 0.02, [500], [3000]);
    const out = new Int16Array(320);
    assert.equal(same.process(x, out), 320);
    assert.deepEqual(out, x);
    assert.equal(same.delay, 0);
    const r = new Resampler(8000, 16000);
    const a = resample(r, tones(8000, 0.1, [700], [5000]), 160);
    r.reset();
    assert.deepEqual(resample(r, tones(8000, 0.1, [700], [5000]), 160), a);
  });

  it('checks its arguments', () => {
    assert.throws(() => new Resampler(11025 as never, 8000), {
      name: 'RangeError',
      message: /fromHz must be one of 8000, 16000/,
    });
    assert.throws(() => new Resampler(8000, '16000' as never), {
      name: 'TypeError',
      message: /toHz must be a number/,
    });
    const r = new Resampler(8000, 16000);
    assert.throws(() => r.process(new Int16Array(160), new Int16Array(319)), {
      name: 'RangeError',
      message: /dst must hold at least 320/,
    });
    assert.throws(() => r.process(new Float32Array(160) as never, new Int16Array(320)), {
      name: 'TypeError',
      message: /src must be an Int16Array \(got Float32Array\)/,
    });
    r.close();
  });
});

/** Least-squares fit of a sine at `hz`: its amplitude, and the power of the rest relative to it. */
function fitSine(y: Int16Array, rate: number, hz: number): { amplitude: number; residualDb: number } {
  let ss = 0;
  let cc = 0;
  let sc = 0;
  let ys = 0;
  let yc = 0;
  for (let i = 0; i < y.length; i++) {
    const s = Math.sin((2 * Math.PI * hz * i) / rate);
    const c = Math.cos((2 * Math.PI * hz * i) / rate);
    ss += s * s;
    cc += c * c;
    sc += s * c;
    ys += y[i]! * s;
    yc += y[i]! * c;
  }
  const det = ss * cc - sc * sc;
  const a = (ys * cc - yc * sc) / det;
  const b = (yc * ss - ys * sc) / det;
  let res = 0;
  let sig = 0;
  for (let i = 0; i < y.length; i++) {
    const fit = a * Math.sin((2 * Math.PI * hz * i) / rate) + b * Math.cos((2 * Math.PI * hz * i) / rate);
    res += (y[i]! - fit) ** 2;
    sig += fit * fit;
  }
  return { amplitude: Math.hypot(a, b), residualDb: 10 * Math.log10(res / sig) };
}
