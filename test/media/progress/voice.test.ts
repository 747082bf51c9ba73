import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AudioClassifier, VoiceActivity, type VadEvent } from '../../../src/media/progress/index.js';
import {
  addNoise,
  analyse,
  cadence,
  concat,
  fixture,
  g711,
  gain,
  ofType,
  pcm,
  silence,
  tone,
} from './audio.js';

const classes = (x: Int16Array, rate: 8000 | 16000 = 8000) =>
  ofType(analyse(x, { sampleRate: rate }).events, 'audio-class').map((e) => e.audioClass);

describe('voice activity', () => {
  it('brackets a spoken phrase within 60 ms at both ends', () => {
    const hello = pcm('hello.wav');
    const { events } = analyse(concat(silence(1000), hello, silence(1000)));
    const start = ofType(events, 'voice-start');
    const end = ofType(events, 'voice-end');
    assert.equal(start.length, 1);
    assert.equal(end.length, 1);
    // Find where the phrase really sounds (espeak pads with quiet).
    let first = 0;
    while (Math.abs(hello[first]!) < 300) first++;
    let last = hello.length - 1;
    while (Math.abs(hello[last]!) < 300) last--;
    assert.ok(
      Math.abs(start[0]!.atMs - (1000 + first / 8)) <= 60,
      `start ${start[0]!.atMs} vs ${1000 + first / 8}`,
    );
    assert.ok(Math.abs(end[0]!.atMs - (1000 + last / 8)) <= 60, `end ${end[0]!.atMs} vs ${1000 + last / 8}`);
    assert.equal(end[0]!.voiceMs, end[0]!.atMs - start[0]!.atMs);
  });

  it('call-progress tone is not voice', () => {
    const { events } = analyse(cadence(450, 1000, 4000, 2));
    assert.deepEqual(ofType(events, 'voice-start'), []);
  });

  it('steady line noise becomes the floor within 2 s; speech over it is still voice', () => {
    const x = addNoise(concat(silence(3000), pcm('hello.wav'), silence(1500)), -45);
    const { events } = analyse(x);
    const v = events.filter((e) => e.type === 'voice-start' || e.type === 'voice-end');
    // The noise itself starts as voice and ends once the floor learns it, then the phrase.
    assert.deepEqual(
      v.map((e) => e.type),
      ['voice-start', 'voice-end', 'voice-start', 'voice-end'],
    );
    assert.ok(v[1]!.atMs < 2500, `noise taken for voice until ${v[1]!.atMs}`);
    assert.ok(v[2]!.atMs >= 2900 && v[2]!.atMs < 3400, `phrase at ${v[2]!.atMs}`);
  });

  it('VoiceActivity on levels: start after 3 frames, end after the hangover', () => {
    const vad = new VoiceActivity({ startFrames: 3, hangoverFrames: 5 });
    const out: VadEvent[] = [];
    const levels = [
      ...Array<number>(10).fill(-80),
      ...Array<number>(10).fill(-20),
      ...Array<number>(10).fill(-80),
    ];
    levels.forEach((db, i) => vad.push(db, false, (i + 1) * 20, (e) => out.push(e)));
    assert.deepEqual(out, [
      { type: 'voice-start', atMs: 200 },
      { type: 'voice-end', atMs: 400, voiceMs: 200 },
    ]);
    assert.equal(vad.active, false);
    assert.ok(vad.isActive(-20, false));
    assert.equal(vad.isActive(-20, true), false);
  });
});

describe('audio classes', () => {
  it('espeak-ng Mandarin speech is speech, also through G.711 and with noise', () => {
    for (const f of ['prompt.wav', 'invalid.wav', 'busy-phrase.wav', 'error.wav']) {
      assert.ok(classes(concat(silence(500), pcm(f))).includes('speech'), f);
      assert.equal(classes(concat(silence(500), pcm(f))).includes('music'), false, f);
    }
    assert.ok(classes(g711(gain(pcm('prompt.wav'), -12), 'alaw')).includes('speech'));
    assert.ok(classes(addNoise(pcm('prompt.wav'), -40)).includes('speech'));
  });

  it('the short answer "喂，你好" is speech, at 8 and 16 kHz', () => {
    assert.deepEqual(classes(concat(silence(1500), pcm('hello.wav'), silence(2000))), [
      'silence',
      'speech',
      'silence',
    ]);
    const wb = fixture('hello-16k.wav');
    assert.equal(wb.sampleRate, 16000);
    assert.ok(
      classes(concat(silence(1000, 16000), wb.samples, silence(1000, 16000)), 16000).includes('speech'),
    );
  });

  it('hold music is music, pink noise is noise, ringback is tone, nothing is silence', () => {
    assert.deepEqual(classes(concat(silence(1500), pcm('music.wav'))), ['silence', 'music']);
    assert.deepEqual(classes(pcm('noise.wav')), ['noise']);
    assert.ok(classes(cadence(450, 1000, 4000, 2)).includes('tone'));
    assert.deepEqual(classes(tone([450], 3000)), ['tone']);
    assert.deepEqual(classes(silence(3000)), ['silence']);
  });

  it('music then the customer speaking: music, then speech', () => {
    const c = classes(concat(pcm('music.wav'), silence(400), pcm('hello.wav'), silence(800)));
    assert.equal(c[0], 'music');
    assert.ok(c.indexOf('speech') > 0, c.join(','));
  });

  it('reports a class only when two decisions agree', () => {
    const cl = new AudioClassifier({ windowFrames: 10, hopFrames: 5 });
    const out: string[] = [];
    const bands = new Float64Array(17).fill(-120);
    // Decisions at frames 5, 10, 15...: the first alone reports nothing.
    for (let i = 0; i < 9; i++) cl.push(-120, bands, true, false, i * 20, (e) => out.push(e.audioClass));
    assert.equal(out.length, 0);
    for (let i = 9; i < 15; i++) cl.push(-120, bands, true, false, i * 20, (e) => out.push(e.audioClass));
    assert.deepEqual(out, ['silence']);
    assert.equal(cl.audioClass, 'silence');
    cl.reset();
    assert.equal(cl.audioClass, undefined);
  });
});
