import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { Vad, type MediaLogger, type VadOptions, type VadState } from '../../../src/media/index.js';
import { clip16, concat, frames, readS16, Rng, run, scratch, tones } from './tools.js';

const tmp = scratch();
after(() => tmp.cleanup());

const rng = new Rng();
const LOUD = tones(8000, 0.02, [300, 900], [6000, 3000]); // about -16 dBov
const QUIET = Int16Array.from({ length: 160 }, () => clip16(20 * rng.gauss())); // about -64 dBov

function recorder(): { logger: MediaLogger; lines: string[] } {
  const lines: string[] = [];
  const log = (msg: string) => void lines.push(msg);
  return { logger: { debug: log, info: log, warn: log, error: log }, lines };
}

/** Runs frames ('L' loud, 'q' quiet) and returns the state after each. */
function drive(vad: Vad, pattern: string): VadState[] {
  return [...pattern].map((c) => vad.process(c === 'L' ? LOUD : QUIET));
}

function make(o: Partial<VadOptions> = {}) {
  const rec = recorder();
  const vad = new Vad({ sampleRate: 8000, onsetMs: 40, hangoverMs: 100, logger: rec.logger, ...o });
  vad.process(QUIET); // seeds the noise floor
  return { vad, rec };
}

describe('Vad state machine (one test per edge)', () => {
  it('silence -> silence on a quiet frame', () => {
    const { vad } = make();
    assert.deepEqual(drive(vad, 'qq'), ['silence', 'silence']);
  });
  it('silence -> onset -> onset -> speech on loud frames (40 ms onset, 20 ms frames)', () => {
    const { vad, rec } = make({ onsetMs: 60 });
    assert.deepEqual(drive(vad, 'LLL'), ['onset', 'onset', 'speech']);
    assert.deepEqual(rec.lines, ['vad: silence -> onset', 'vad: onset -> speech']);
  });
  it('onset -> silence on a quiet frame', () => {
    const { vad } = make();
    assert.deepEqual(drive(vad, 'Lq'), ['onset', 'silence']);
  });
  it('silence -> speech at once when the onset fits in one frame', () => {
    const { vad } = make({ onsetMs: 20 });
    assert.deepEqual(drive(vad, 'L'), ['speech']);
  });
  it('speech -> speech, speech -> hangover, hangover -> hangover, hangover -> silence', () => {
    const { vad, rec } = make();
    assert.deepEqual(drive(vad, 'LLLqqqqq'), [
      'onset',
      'speech',
      'speech',
      'hangover',
      'hangover',
      'hangover',
      'hangover',
      'silence',
    ]);
    assert.equal(vad.speaking, false);
    assert.deepEqual(rec.lines.slice(-2), ['vad: speech -> hangover', 'vad: hangover -> silence']);
  });
  it('hangover -> speech when speech resumes', () => {
    const { vad } = make();
    assert.deepEqual(drive(vad, 'LLqqL'), ['onset', 'speech', 'hangover', 'hangover', 'speech']);
    assert.equal(vad.speaking, true);
  });
  it('speech -> silence at once with no hangover', () => {
    const { vad } = make({ hangoverMs: 0 });
    assert.deepEqual(drive(vad, 'LLq'), ['onset', 'speech', 'silence']);
  });
});

describe('Vad', () => {
  it('below thresholdDbov is never speech, however far above the floor', () => {
    const { vad } = make({ thresholdDbov: -10 });
    assert.deepEqual(drive(vad, 'LLLL'), ['silence', 'silence', 'silence', 'silence']);
    assert.ok(vad.energyDbov() > -20 && vad.energyDbov() < -10);
  });

  it('learns a steady louder background as noise, not speech', () => {
    const vad = new Vad({ sampleRate: 8000, floorRiseDbPerS: 20 });
    const hum = tones(8000, 0.02, [100], [1500]); // -30 dBov
    vad.process(QUIET);
    const states = Array.from({ length: 150 }, () => vad.process(hum));
    assert.equal(states.at(-1), 'silence');
    assert.ok(Math.abs(vad.noiseFloorDbov() - vad.energyDbov()) < 0.5);
  });

  it('follows real speech: espeak-ng sentence, then prompt end after the hangover', () => {
    const wav = tmp.path('s.wav');
    run('espeak-ng', ['-v', 'en', '-s', '170', '-w', wav, 'Please say the extension you want, then wait.']);
    run('sox', [wav, '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', tmp.path('s.s16')]);
    const speech = readS16(tmp.path('s.s16'));
    const x = concat([
      Int16Array.from({ length: 4000 }, () => clip16(20 * rng.gauss())),
      speech,
      new Int16Array(8000),
    ]);
    const vad = new Vad({ sampleRate: 8000 });
    const states = [...frames(x, 160)].map((f) => vad.process(f));
    const firstSpeech = states.indexOf('speech');
    const lastSpeaking = states.findLastIndex((s) => s === 'speech' || s === 'hangover');
    assert.ok(firstSpeech >= 25 && firstSpeech < 25 + 15, `speech starts at frame ${firstSpeech}`);
    // espeak trims its own trailing silence, so the utterance ends close to the end of `speech`.
    const endFrame = (4000 + speech.length) / 160;
    assert.ok(
      lastSpeaking > endFrame && lastSpeaking < endFrame + 30,
      `speaking until frame ${lastSpeaking}, speech ends ~${endFrame}`,
    );
    assert.equal(states.at(-1), 'silence');
  });

  it('works at every supported rate and checks its options', () => {
    for (const sampleRate of [16000, 22050, 24000, 44100, 48000] as const) {
      const vad = new Vad({ sampleRate, onsetMs: 20 });
      vad.process(new Int16Array(sampleRate / 50));
      assert.equal(vad.process(tones(sampleRate, 0.02, [440], [8000])), 'speech');
      vad.close();
    }
    assert.throws(() => new Vad({ sampleRate: 11025 as never }), {
      name: 'RangeError',
      message: /sampleRate must be one of/,
    });
    assert.throws(() => new Vad({ sampleRate: 8000, onsetMs: 1.5 }), {
      name: 'RangeError',
      message: /onsetMs must be an integer/,
    });
    assert.throws(() => new Vad({ sampleRate: 8000, thresholdDbov: 3 }), {
      name: 'RangeError',
      message: /thresholdDbov must be between -96 and 0/,
    });
    assert.throws(() => new Vad(undefined as never), {
      name: 'TypeError',
      message: /options must be an object/,
    });
    const vad = new Vad({ sampleRate: 8000 });
    vad.process(LOUD);
    vad.reset();
    assert.equal(vad.state, 'silence');
    vad.close();
  });
});
