import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import {
  DTMF_KEYS,
  DtmfDetector,
  DtmfGenerator,
  toneLevelsDbov,
  type DtmfSampleRate,
} from '../../../src/media/index.js';
import { ampForDbm0, clip16, concat, frames, readS16, Rng, run, scratch, tones, writeS16 } from './tools.js';

const tmp = scratch();
after(() => tmp.cleanup());

const ROW = [697, 770, 852, 941];
const COL = [1209, 1336, 1477, 1633];
const KEYPAD = ['123A', '456B', '789C', '*0#D'];
const RATES: readonly DtmfSampleRate[] = [8000, 16000];

function freqs(key: string): [number, number] {
  const r = KEYPAD.findIndex((row) => row.includes(key));
  return [ROW[r]!, COL[KEYPAD[r]!.indexOf(key)]!];
}

function generate(
  keys: string,
  rate: DtmfSampleRate,
  opts: { toneMs?: number; gapMs?: number } = {},
): Int16Array {
  const g = new DtmfGenerator({ sampleRate: rate, ...opts });
  g.queue(keys);
  const parts: Int16Array[] = [];
  for (;;) {
    const f = new Int16Array(rate / 50);
    const busy = g.generate(f);
    if (busy > 0) parts.push(f.subarray(0, busy));
    if (busy < f.length) break;
  }
  assert.equal(g.pending, 0);
  g.close();
  return concat(parts);
}

function detect(x: Int16Array, rate: DtmfSampleRate, frame = rate / 50): string {
  const d = new DtmfDetector({ sampleRate: rate });
  let keys = '';
  for (const f of frames(x, frame)) keys += d.process(f);
  d.close();
  return keys;
}

/** multimon-ng's DTMF decoder (it reads raw s16 at 22050 Hz; sox converts). */
function multimon(x: Int16Array, rate: number): string {
  writeS16(tmp.path('mm-in.s16'), x);
  run('sox', [
    '-t',
    'raw',
    '-r',
    String(rate),
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    '1',
    tmp.path('mm-in.s16'),
    '-t',
    'raw',
    '-r',
    '22050',
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    '1',
    tmp.path('mm.s16'),
  ]);
  const out = run('multimon-ng', ['-q', '-t', 'raw', '-a', 'DTMF', tmp.path('mm.s16')]);
  return [...out.matchAll(/^DTMF: (.)$/gm)].map((m) => m[1]).join('');
}

/** A key's tones made by sox (`synth sine ... sine ...`, channels mixed by `remix` with volumes). */
function soxKey(
  key: string,
  rate: number,
  o: {
    ms?: number;
    gapMs?: number;
    lowVol?: number;
    highVol?: number;
    lowFactor?: number;
    highFactor?: number;
  } = {},
): Int16Array {
  const [lo, hi] = freqs(key);
  const out = tmp.path('sox-key.s16');
  run('sox', [
    '-n',
    '-r',
    String(rate),
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    '1',
    '-t',
    'raw',
    out,
    'synth',
    String((o.ms ?? 100) / 1000),
    'sine',
    String(lo * (o.lowFactor ?? 1)),
    'sine',
    String(hi * (o.highFactor ?? 1)),
    'remix',
    `1v${o.lowVol ?? 0.25},2v${o.highVol ?? 0.3}`,
    'pad',
    '0',
    String((o.gapMs ?? 100) / 1000),
  ]);
  return readS16(out);
}

describe('DTMF generator', () => {
  for (const rate of RATES) {
    it(`multimon-ng decodes every key 0-9 * # A-D from our ${rate} Hz tones`, () => {
      assert.equal(multimon(generate(DTMF_KEYS, rate), rate), DTMF_KEYS);
    });
  }

  it('defaults: 100 ms tone, 100 ms gap, -10 dBm0 low group and -8 dBm0 high group', () => {
    const x = generate('5', 8000);
    assert.equal(x.length, 1600);
    assert.ok(x.subarray(800).every((v) => v === 0));
    const lv = new Float64Array(2);
    toneLevelsDbov(x.subarray(0, 800), 8000, [770, 1336], lv);
    assert.ok(Math.abs(lv[0]! - (-10 - 6.15)) < 0.05, `low ${lv[0]}`);
    assert.ok(Math.abs(lv[1]! - (-8 - 6.15)) < 0.05, `high ${lv[1]}`);
  });

  it('tone length, gap and levels are configurable; output continues across frames', () => {
    const g = new DtmfGenerator({ sampleRate: 16000, toneMs: 45, gapMs: 55, lowDbm0: -20, highDbm0: -17 });
    g.queue('1a');
    assert.equal(g.pending, 2);
    const all = new Int16Array(3200);
    // Odd frame sizes: the tone must continue seamlessly.
    let got = 0;
    for (const f of frames(all, 77)) got += g.generate(f);
    assert.equal(got, 3200);
    assert.equal(g.pending, 0);
    const lv = new Float64Array(2);
    toneLevelsDbov(all.subarray(0, 720), 16000, [697, 1209], lv);
    assert.ok(Math.abs(lv[0]! + 26.15) < 0.1 && Math.abs(lv[1]! + 23.15) < 0.1, `${lv[0]} ${lv[1]}`);
    assert.ok(all.subarray(720, 1600).every((v) => v === 0));
    toneLevelsDbov(all.subarray(1600, 2320), 16000, [697, 1633], lv);
    assert.ok(lv[0]! > -27 && lv[1]! > -24);
    assert.equal(multimon(all, 16000), '1A');
    // Nothing queued: silence, and generate() reports no busy samples.
    const idle = Int16Array.from({ length: 160 }, () => 7);
    assert.equal(g.generate(idle), 0);
    assert.ok(idle.every((v) => v === 0));
    g.close();
  });

  it('rejects bad keys and queue overflow without queuing anything', () => {
    const g = new DtmfGenerator();
    assert.throws(() => g.queue('12x'), {
      name: 'RangeError',
      message: /keys\[2\] \("x"\) is not a DTMF key/,
    });
    assert.equal(g.pending, 0);
    g.queue('1'.repeat(256));
    assert.throws(() => g.queue('2'), { name: 'RangeError', message: /at most 256 keys/ });
    g.reset();
    assert.equal(g.pending, 0);
    assert.throws(() => g.queue(5 as never), { name: 'TypeError' });
    assert.throws(() => new DtmfGenerator({ lowDbm0: 0 }), {
      name: 'RangeError',
      message: /lowDbm0 must be between -40 and -3/,
    });
    assert.throws(() => new DtmfGenerator({ sampleRate: 44100 as never }), {
      name: 'RangeError',
      message: /sampleRate must be one of 8000, 16000/,
    });
    assert.throws(() => new DtmfGenerator({ toneMs: 5 }), { name: 'RangeError', message: /toneMs/ });
    g.close();
  });
});

describe('DTMF detector', () => {
  for (const rate of RATES) {
    it(`detects every key of sox-made tones at ${rate} Hz, once each`, () => {
      const x = concat([...DTMF_KEYS].map((k) => soxKey(k, rate)));
      assert.equal(detect(x, rate), DTMF_KEYS);
      assert.equal(detect(x, rate, 37), DTMF_KEYS);
    });

    it(`detects our generator at ${rate} Hz, in sync with multimon-ng`, () => {
      const x = generate('1379*#0ABCD2468', rate, { toneMs: 60, gapMs: 60 });
      assert.equal(detect(x, rate), '1379*#0ABCD2468');
      assert.equal(multimon(x, rate), '1379*#0ABCD2468');
    });

    it(`accepts ±1.5 % and rejects ±3.5 % frequency deviation at ${rate} Hz`, () => {
      for (const f of [0.985, 1.015]) {
        const x = concat(
          [...DTMF_KEYS].map((k) => soxKey(k, rate, { ms: 60, gapMs: 60, lowFactor: f, highFactor: f })),
        );
        assert.equal(detect(x, rate), DTMF_KEYS, `deviation ${f}`);
      }
      for (const f of [0.965, 1.035]) {
        const low = concat([...DTMF_KEYS].map((k) => soxKey(k, rate, { ms: 100, gapMs: 60, lowFactor: f })));
        const high = concat(
          [...DTMF_KEYS].map((k) => soxKey(k, rate, { ms: 100, gapMs: 60, highFactor: f })),
        );
        assert.equal(detect(low, rate), '', `low group ${f}`);
        assert.equal(detect(high, rate), '', `high group ${f}`);
      }
    });
  }

  it('twist: accepts 8 dB normal and 4 dB reverse, rejects 12 dB normal and 7 dB reverse', () => {
    const v = (db: number) => 0.3 * 10 ** (db / 20);
    const ok = concat([
      soxKey('1', 8000, { lowVol: v(-8), highVol: v(0) }),
      soxKey('2', 8000, { lowVol: v(0), highVol: v(-4) }),
    ]);
    const bad = concat([
      soxKey('3', 8000, { lowVol: v(-12), highVol: v(0) }),
      soxKey('4', 8000, { lowVol: v(0), highVol: v(-7) }),
    ]);
    assert.equal(detect(ok, 8000), '12');
    assert.equal(detect(bad, 8000), '');
  });

  it('40 ms tones with 40 ms gaps give every key, repeats included; 20 ms tones give none', () => {
    for (const rate of RATES) {
      const fast = concat([...'1155#99'].map((k) => soxKey(k, rate, { ms: 40, gapMs: 40 })));
      assert.equal(detect(fast, rate), '1155#99', `40/40 at ${rate}`);
      const short = concat([...'123'].map((k) => soxKey(k, rate, { ms: 20, gapMs: 60 })));
      assert.equal(detect(short, rate), '', `20 ms at ${rate}`);
    }
  });

  it('one report per press however long: 3 s of one key, and a 10 ms drop-out inside a press', () => {
    assert.equal(detect(soxKey('7', 8000, { ms: 3000, gapMs: 100 }), 8000), '7');
    const dropout = concat([
      soxKey('9', 8000, { ms: 500, gapMs: 10 }),
      soxKey('9', 8000, { ms: 500, gapMs: 100 }),
    ]);
    assert.equal(detect(dropout, 8000), '9');
  });

  it('levels: detects each tone down to -30 dBm0, nothing at -45 dBm0', () => {
    const at = (dbm0: number) =>
      concat(
        [...'159D'].map((k) => {
          const [lo, hi] = freqs(k);
          return concat([
            tones(8000, 0.08, [lo, hi], [ampForDbm0(dbm0), ampForDbm0(dbm0)]),
            new Int16Array(480),
          ]);
        }),
      );
    assert.equal(detect(at(-30), 8000), '159D');
    assert.equal(detect(at(-45), 8000), '');
  });

  it('detects through noise 20 dB below each tone', () => {
    const rng = new Rng();
    const x = generate(DTMF_KEYS, 8000, { toneMs: 60, gapMs: 60 }).map((v) => clip16(v + 450 * rng.gauss()));
    assert.equal(detect(x, 8000), DTMF_KEYS);
  });

  it('reports the analysis of its last window', () => {
    const d = new DtmfDetector({ sampleRate: 8000 });
    d.process(tones(8000, 0.1, [852 * 1.01, 1477], [8000, 9000]));
    const w = d.lastWindow();
    assert.equal(w.key, '9');
    assert.ok(Math.abs(w.rowDeviation - 0.01) < 0.002, `row deviation ${w.rowDeviation}`);
    assert.ok(Math.abs(w.colDeviation) < 0.002);
    d.reset();
    assert.equal(d.process(new Int16Array(800)), '');
    d.close();
  });
});
