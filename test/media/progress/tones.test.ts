import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CadenceTracker, type CadenceEvent } from '../../../src/media/progress/index.js';
import { addNoise, analyse, cadence, concat, g711, gain, ofType, pcm, silence, tone } from './audio.js';

const tones = (samples: Int16Array, rate = 8000) =>
  ofType(analyse(samples, { sampleRate: rate as 8000 }).events, 'tone');

describe('call-progress tones by cadence', () => {
  it('China ringback (450 Hz, 1 s / 4 s) is reported once, early in the first silence', () => {
    const t = tones(concat(silence(300), cadence(450, 1000, 4000, 3)));
    assert.equal(t.length, 1);
    assert.equal(t[0]!.tone, 'ringback');
    assert.equal(t[0]!.freqHz, 450);
    // On-burst ends at 1.3 s; ringback is known 1.6 s into the silence, well before the 4 s.
    assert.ok(t[0]!.atMs > 2800 && t[0]!.atMs < 3100, `at ${t[0]!.atMs}`);
    assert.ok(Math.abs(t[0]!.onMs - 1000) <= 60);
  });

  it('China busy (0.35 / 0.35 s) after two cycles and congestion (0.7 / 0.7 s)', () => {
    const busy = tones(cadence(450, 350, 350, 6));
    assert.deepEqual(
      busy.map((e) => e.tone),
      ['busy'],
    );
    assert.ok(busy[0]!.atMs <= 1500, `busy known at ${busy[0]!.atMs}`);
    const cong = tones(cadence(450, 700, 700, 4));
    assert.deepEqual(
      cong.map((e) => e.tone),
      ['congestion'],
    );
  });

  it('the sox-made China tones are classified alike', () => {
    assert.deepEqual(
      tones(pcm('ringback-cn.wav')).map((e) => e.tone),
      ['ringback'],
    );
    assert.deepEqual(
      tones(pcm('busy-cn.wav')).map((e) => e.tone),
      ['busy'],
    );
    assert.deepEqual(
      tones(pcm('congestion-cn.wav')).map((e) => e.tone),
      ['congestion'],
    );
  });

  it('CEPT 425 Hz busy (0.5 / 0.5 s) and a 440 Hz ringback are reported with their frequency', () => {
    const b = tones(cadence(425, 500, 500, 4));
    assert.deepEqual(
      b.map((e) => [e.tone, e.freqHz]),
      [['busy', 425]],
    );
    const r = tones(cadence(440, 1000, 4000, 2));
    assert.deepEqual(
      r.map((e) => [e.tone, e.freqHz]),
      [['ringback', 440]],
    );
  });

  it('survives G.711 coding, a 20 dB lower level and line noise', () => {
    const x = addNoise(g711(gain(cadence(450, 350, 350, 6, -15), -20), 'alaw'), -55);
    assert.deepEqual(
      tones(x).map((e) => e.tone),
      ['busy'],
    );
    const r = g711(cadence(450, 1000, 4000, 2, -30), 'ulaw');
    assert.deepEqual(
      tones(r).map((e) => e.tone),
      ['ringback'],
    );
  });

  it('works at 16 kHz', () => {
    assert.deepEqual(
      tones(cadence(450, 350, 350, 6, -15, 16000), 16000).map((e) => e.tone),
      ['busy'],
    );
  });

  it('a continuous tone is "continuous"; stopping tone is reported', () => {
    const { events } = analyse(concat(tone([450], 4000), silence(7000)));
    const t = events.filter((e) => e.type === 'tone' || e.type === 'tone-stopped');
    assert.deepEqual(
      t.map((e) => e.type + ':' + (e as { tone: string }).tone),
      ['tone:continuous', 'tone-stopped:continuous'],
    );
  });

  it('ringback is followed by tone-stopped once it has been silent for 6 s', () => {
    const { events } = analyse(concat(cadence(450, 1000, 4000, 2), silence(7000)));
    const stop = ofType(events, 'tone-stopped');
    assert.equal(stop.length, 1);
    assert.equal(stop[0]!.tone, 'ringback');
  });

  it('speech, music and noise raise no tone', () => {
    for (const f of ['prompt.wav', 'invalid.wav', 'hello.wav', 'busy-phrase.wav', 'music.wav', 'noise.wav']) {
      assert.deepEqual(tones(pcm(f)), [], f);
    }
  });

  it('off-frequency and wrong-cadence tones are not misread', () => {
    // 1 kHz is not a progress tone; 450 Hz at 0.2 / 1.2 s matches no pattern.
    assert.deepEqual(tones(cadence(1000, 350, 350, 6)), []);
    assert.deepEqual(tones(cadence(450, 200, 1200, 5)), []);
  });
});

describe('CadenceTracker', () => {
  const run = (frames: boolean[], t = new CadenceTracker()) => {
    const out: CadenceEvent[] = [];
    frames.forEach((on, i) => t.push(on, 450, (i + 1) * 20, (e) => out.push(e)));
    return out;
  };
  const pattern = (onF: number, offF: number, cycles: number) =>
    Array.from({ length: cycles }, () => [
      ...Array<boolean>(onF).fill(true),
      ...Array<boolean>(offF).fill(false),
    ]).flat();

  it('a one-frame dropout inside a burst does not split it', () => {
    const frames = pattern(18, 18, 4);
    frames[5] = false;
    frames[18 * 2 + 7] = false;
    assert.deepEqual(
      run(frames).map((e) => e.type === 'tone' && e.tone),
      ['busy'],
    );
  });

  it('uses patterns given as data', () => {
    const t = new CadenceTracker({ patterns: [{ tone: 'busy', onMs: 200, offMs: 600, cycles: 2 }] });
    assert.deepEqual(
      run(pattern(10, 30, 3), t).map((e) => e.type === 'tone' && e.tone),
      ['busy'],
    );
    assert.deepEqual(run(pattern(18, 18, 4), new CadenceTracker({ patterns: [] })), []);
  });

  it('reset forgets the tone', () => {
    const t = new CadenceTracker();
    run(pattern(18, 18, 4), t);
    assert.equal(t.tone, 'busy');
    t.reset();
    assert.equal(t.tone, undefined);
  });
});
