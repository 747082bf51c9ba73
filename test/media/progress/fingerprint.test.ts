import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildReference,
  FingerprintMatcher,
  type FingerprintReference,
  type ProgressEvent,
} from '../../../src/media/progress/index.js';
import { addNoise, analyse, concat, delay, fixture, g711, gain, ofType, pcm, silence } from './audio.js';
import { referencePrimitives as prims } from './reference-primitives.js';

function ref(id: string, label: string, file: string): FingerprintReference {
  const a = fixture(file);
  const r = buildReference(id, label, a.samples, a.sampleRate, prims);
  assert.ok(r.ok, r.ok ? '' : r.error.message);
  return r.value;
}

const PROMPT = ref('prompt', 'prompt', 'prompt.wav');
const INVALID = ref('invalid', 'invalid', 'invalid.wav');
const BUSY = ref('busy', 'busy', 'busy-phrase.wav');
const NOANSWER = ref('noanswer', 'noAnswer', 'no-answer-phrase.wav');
const ALL = [PROMPT, INVALID, BUSY, NOANSWER];

function hits(
  samples: Int16Array,
  refs = ALL,
  rate: 8000 | 16000 = 8000,
): Extract<ProgressEvent, { type: 'fingerprint' }>[] {
  return ofType(
    analyse(samples, { sampleRate: rate }, (a) => refs.forEach((r) => assert.ok(a.addReference(r)))).events,
    'fingerprint',
  );
}

describe('prompt fingerprints', () => {
  it('the prompt matches itself at any sub-frame offset, with its start time', () => {
    for (const extra of [0, 3, 13, 40, 77, 111, 159]) {
      const h = hits(concat(delay(silence(1500), extra), pcm('prompt.wav'), silence(1000)));
      assert.deepEqual(
        h.map((e) => e.refId),
        ['prompt'],
        `offset +${extra} samples`,
      );
      const start = 1500 + extra / 8;
      assert.ok(Math.abs(h[0]!.offsetMs - start) <= 2.5, `+${extra}: offset ${h[0]!.offsetMs} vs ${start}`);
      assert.ok(h[0]!.score > 0.9, `score ${h[0]!.score}`);
      assert.ok(Math.abs(h[0]!.endMs - (start + PROMPT.durationMs)) <= 2.5);
      // Reported within two seconds of the prompt's start: early enough to wait for its end.
      assert.ok(h[0]!.atMs - start < 2000, `at ${h[0]!.atMs}`);
    }
  });

  it('survives G.711 coding (sox A-law at -10 dB, mu-law at +2 dB) and level changes', () => {
    for (const f of ['prompt-alaw.wav', 'prompt-ulaw.wav']) {
      assert.deepEqual(
        hits(concat(silence(1000), pcm(f))).map((e) => e.refId),
        ['prompt'],
        f,
      );
    }
    for (const db of [-18, -6, 6]) {
      for (const law of ['alaw', 'ulaw'] as const) {
        const x = g711(gain(concat(silence(777), pcm('prompt.wav')), db), law);
        const h = hits(x);
        assert.deepEqual(
          h.map((e) => e.refId),
          ['prompt'],
          `${law} ${db} dB`,
        );
      }
    }
  });

  it('survives line noise 30 dB under the speech', () => {
    assert.deepEqual(
      hits(addNoise(concat(silence(1000), pcm('prompt.wav')), -50)).map((e) => e.refId),
      ['prompt'],
    );
  });

  it('matches across sample rates: 16 kHz audio against an 8 kHz reference and back', () => {
    const wb = fixture('prompt-16k.wav');
    assert.equal(wb.sampleRate, 16000);
    assert.deepEqual(
      hits(concat(silence(1000, 16000), wb.samples), [PROMPT], 16000).map((e) => e.refId),
      ['prompt'],
    );
    const ref16 = buildReference('p16', 'prompt', wb.samples, 16000, prims);
    assert.ok(ref16.ok);
    assert.deepEqual(
      hits(concat(silence(1000), pcm('prompt.wav')), [ref16.value]).map((e) => e.refId),
      ['p16'],
    );
  });

  it('another rendering of the same words, other phrases, music, noise and tones do not match', () => {
    for (const f of [
      'prompt-other.wav',
      'hello.wav',
      'error.wav',
      'music.wav',
      'noise.wav',
      'ringback-cn.wav',
      'busy-cn.wav',
    ]) {
      assert.deepEqual(hits(concat(silence(500), pcm(f), silence(500)), [PROMPT]), [], f);
    }
  });

  it('phrases that share a recorded word are told apart (分机号, 您拨打的)', () => {
    assert.deepEqual(
      hits(concat(silence(500), pcm('invalid.wav'))).map((e) => e.refId),
      ['invalid'],
    );
    assert.deepEqual(
      hits(concat(silence(500), pcm('busy-phrase.wav'))).map((e) => e.refId),
      ['busy'],
    );
    assert.deepEqual(
      hits(concat(silence(500), pcm('no-answer-phrase.wav'))).map((e) => e.refId),
      ['noanswer'],
    );
  });

  it('a re-prompt is a second match; each playing ends with fingerprint-end at its end', () => {
    const x = concat(
      silence(1000),
      pcm('prompt.wav'),
      silence(2000),
      pcm('invalid.wav'),
      pcm('prompt.wav'),
      silence(1000),
    );
    const { events } = analyse(x, {}, (a) => ALL.forEach((r) => a.addReference(r)));
    const seq = events
      .filter((e) => e.type === 'fingerprint' || e.type === 'fingerprint-end')
      .map((e) => `${e.type}:${(e as { refId: string }).refId}`);
    assert.deepEqual(seq, [
      'fingerprint:prompt',
      'fingerprint-end:prompt',
      'fingerprint:invalid',
      'fingerprint-end:invalid',
      'fingerprint:prompt',
      'fingerprint-end:prompt',
    ]);
    const ends = ofType(events, 'fingerprint-end');
    const matches = ofType(events, 'fingerprint');
    ends.forEach((e, i) => assert.ok(e.atMs >= matches[i]!.endMs && e.atMs < matches[i]!.endMs + 20));
  });

  it('a prompt heard from its middle (late media) still matches', () => {
    const p = pcm('prompt.wav');
    const h = hits(concat(p.subarray(Math.floor(p.length * 0.4)), silence(500)), [PROMPT]);
    assert.equal(h.length, 1);
    // The prompt started before the first frame heard.
    assert.ok(h[0]!.offsetMs < 0);
  });

  it('rejects unusable references with coded errors', () => {
    assert.deepEqual(buildReference('x', 'prompt', new Int16Array(800), 8000, prims), {
      ok: false,
      error: { code: 'reference_too_short', message: 'x: under 200 ms of audio' },
    });
    const quiet = buildReference('q', 'prompt', new Int16Array(16000), 8000, prims);
    assert.equal(quiet.ok ? '' : quiet.error.code, 'reference_silent');
    const rate = buildReference('r', 'prompt', pcm('hello.wav'), 44100, prims);
    assert.equal(rate.ok ? '' : rate.error.code, 'bad_sample_rate');
  });

  it('the matcher holds a bounded number of references; remove and reset work', () => {
    const m = new FingerprintMatcher({ maxReferences: 2 });
    assert.equal(m.add(PROMPT), true);
    assert.equal(m.add(INVALID), true);
    assert.equal(m.add(BUSY), false);
    assert.equal(m.add(PROMPT), true, 'replacing an id is allowed');
    assert.equal(m.size, 2);
    m.remove('prompt');
    assert.equal(m.size, 1);
    m.reset();
    assert.equal(m.size, 1);
  });
});

describe('learning a reference from the call', () => {
  it('the prompt heard once is recognised when it comes again, at another sub-frame offset', () => {
    const p = pcm('prompt.wav');
    const first = concat(silence(1000), p, silence(1000));
    const { events, analyzer } = analyse(first, { learnHistoryMs: 10_000 });
    const start = ofType(events, 'voice-start')[0]!;
    const end = ofType(events, 'voice-end').at(-1)!;
    const learned = analyzer.learnReference('learned-prompt', 'prompt', start.atMs, end.atMs);
    assert.ok(learned.ok, learned.ok ? '' : learned.error.message);
    assert.equal(analyzer.referenceCount, 1);
    const more: ProgressEvent[] = [];
    const before = events.length;
    for (const x of [concat(delay(silence(800), 37), g711(p, 'alaw'), silence(500))]) {
      for (let i = 0; i + 160 <= x.length; i += 160) analyzer.push(x.subarray(i, i + 160));
    }
    more.push(...events.slice(before));
    const h = ofType(more, 'fingerprint');
    assert.deepEqual(
      h.map((e) => [e.refId, e.label]),
      [['learned-prompt', 'prompt']],
    );
  });

  it('learning needs history, and the span must be in it', () => {
    const { analyzer } = analyse(concat(silence(500), pcm('hello.wav')));
    const off = analyzer.learnReference('x', 'prompt', 0, 1000);
    assert.equal(off.ok ? '' : off.error.code, 'learning_off');
    const { analyzer: b } = analyse(concat(silence(3000), pcm('hello.wav')), { learnHistoryMs: 1000 });
    const old = b.learnReference('x', 'prompt', 0, 1000);
    assert.equal(old.ok ? '' : old.error.code, 'outside_history');
  });

  it('counts frames, analysed frames and frames of the wrong size', () => {
    const { analyzer } = analyse(concat(silence(1000), pcm('hello.wav')));
    analyzer.push(new Int16Array(100));
    assert.equal(analyzer.counters.badFrames, 1);
    assert.ok(analyzer.counters.frames > 100);
    assert.ok(analyzer.counters.analysedFrames < analyzer.counters.frames);
    assert.equal(analyzer.mediaMs, analyzer.counters.frames * 20);
  });
});
