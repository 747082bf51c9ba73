import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTestRecognizer,
  createToneSynthesizer,
  EngineError,
  type SynthesizerEngine,
} from '../../src/mrcp/index.js';
import { briefs, flush, harness, headerValue } from './helpers.js';

const TEXT = 'x'.repeat(20); // 20 chars × 50 ms = 1 s = 50 frames
const SSML_MARK = '<speak>aaaaaaaaaa<mark name="half"/>bbbbbbbbbb</speak>';
const speak = (h: ReturnType<typeof harness>, text = TEXT, extra: [string, string][] = []): number =>
  h.send('speechsynth', 'SPEAK', [['Content-Type', 'text/plain'], ...extra], text);

function synth(): ReturnType<typeof harness> {
  return harness([createToneSynthesizer(), createTestRecognizer()], ['speechsynth', 'speechrecog']);
}

describe('speechsynth machine', () => {
  it('idle -SPEAK-> speaking: IN-PROGRESS with Speech-Marker, logs the transition tagged <session@resource>', () => {
    const h = synth();
    speak(h);
    const [res] = h.take();
    assert.deepEqual(briefs([res!]), ['res 1 200 IN-PROGRESS']);
    assert.match(headerValue(res!.headers, 'Speech-Marker') ?? '', /^timestamp=\d+$/);
    assert.equal(h.session.channel('speechsynth')!.state, 'speaking');
    assert.ok(h.logs.includes('debug <S1@speechsynth> State Transition idle -> speaking'));
  });

  it('speaking -SPEAK-COMPLETE-> idle after all audio played: duration follows the text', () => {
    const h = synth();
    speak(h);
    h.take();
    const audible = h.pull(60);
    assert.equal(audible, 50);
    assert.deepEqual(briefs(h.take()), ['evt SPEAK-COMPLETE 1 COMPLETE 000 normal']);
    assert.equal(h.session.channel('speechsynth')!.state, 'idle');
    assert.equal(h.pull(3), 0, 'silent when idle');
  });

  it('queues a SPEAK while speaking: PENDING, then SPEECH-MARKER IN-PROGRESS when it starts', () => {
    const h = synth();
    speak(h);
    speak(h);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'res 2 200 PENDING']);
    h.pull(50);
    assert.deepEqual(briefs(h.take()), [
      'evt SPEAK-COMPLETE 1 COMPLETE 000 normal',
      'evt SPEECH-MARKER 2 IN-PROGRESS',
    ]);
    h.pull(50);
    assert.deepEqual(briefs(h.take()), ['evt SPEAK-COMPLETE 2 COMPLETE 000 normal']);
  });

  it('speaking -STOP-> idle: lists every stopped SPEAK and no SPEAK-COMPLETE follows (§8.5)', () => {
    const h = synth();
    speak(h);
    speak(h);
    h.pull(5);
    h.send('speechsynth', 'STOP');
    assert.deepEqual(briefs(h.take()).slice(2), ['res 3 200 COMPLETE [1,2]']);
    assert.equal(h.session.channel('speechsynth')!.state, 'idle');
    h.pull(200);
    assert.deepEqual(h.take(), []);
  });

  it('STOP with Active-Request-Id-List stops only those; the next pending one starts', () => {
    const h = synth();
    speak(h);
    speak(h);
    speak(h);
    h.take();
    h.send('speechsynth', 'STOP', [['Active-Request-Id-List', '2']]);
    assert.deepEqual(briefs(h.take()), ['res 4 200 COMPLETE [2]']);
    h.send('speechsynth', 'STOP', [['Active-Request-Id-List', '1']]);
    assert.deepEqual(briefs(h.take()), ['res 5 200 COMPLETE [1]', 'evt SPEECH-MARKER 3 IN-PROGRESS']);
    h.send('speechsynth', 'STOP', [['Active-Request-Id-List', '99']]);
    assert.deepEqual(briefs(h.take()), ['res 6 200 COMPLETE'], 'nothing listed when nothing stopped');
    assert.equal(h.session.channel('speechsynth')!.state, 'speaking');
  });

  it('speaking -PAUSE-> paused -RESUME-> speaking; paused -STOP-> idle; PAUSE/RESUME out of state are 402', () => {
    const h = synth();
    h.send('speechsynth', 'PAUSE');
    assert.deepEqual(briefs(h.take()), ['res 1 402 COMPLETE']);
    speak(h);
    h.send('speechsynth', 'RESUME');
    h.send('speechsynth', 'PAUSE');
    assert.deepEqual(briefs(h.take()), [
      'res 2 200 IN-PROGRESS',
      'res 3 402 COMPLETE',
      'res 4 200 COMPLETE [2]',
    ]);
    assert.equal(h.session.channel('speechsynth')!.state, 'paused');
    assert.equal(h.pull(100), 0, 'no audio while paused');
    assert.deepEqual(h.take(), []);
    h.send('speechsynth', 'RESUME');
    assert.deepEqual(briefs(h.take()), ['res 5 200 COMPLETE [2]']);
    assert.equal(h.pull(10), 10);
    h.send('speechsynth', 'PAUSE');
    h.send('speechsynth', 'STOP');
    assert.deepEqual(briefs(h.take()), ['res 6 200 COMPLETE [2]', 'res 7 200 COMPLETE [2]']);
    assert.equal(h.session.channel('speechsynth')!.state, 'idle');
  });

  it('BARGE-IN-OCCURRED kills a kill-on-barge-in SPEAK and its queue, without SPEAK-COMPLETE', () => {
    const h = synth();
    speak(h);
    speak(h, TEXT, [['Kill-On-Barge-In', 'false']]);
    h.take();
    h.send('speechsynth', 'BARGE-IN-OCCURRED', [['Proxy-Sync-Id', '42']]);
    assert.deepEqual(briefs(h.take()), ['res 3 200 COMPLETE [1,2]']);
    h.pull(100);
    assert.deepEqual(h.take(), []);
  });

  it('BARGE-IN-OCCURRED leaves a Kill-On-Barge-In: false SPEAK playing', () => {
    const h = synth();
    h.send('speechsynth', 'SET-PARAMS', [['Kill-On-Barge-In', 'false']]);
    speak(h);
    h.send('speechsynth', 'BARGE-IN-OCCURRED');
    assert.deepEqual(briefs(h.take()), ['res 1 200 COMPLETE', 'res 2 200 IN-PROGRESS', 'res 3 200 COMPLETE']);
    h.pull(60);
    assert.deepEqual(briefs(h.take()), ['evt SPEAK-COMPLETE 2 COMPLETE 000 normal']);
  });

  it('local barge-in: recognizer input stops the prompt with SPEAK-COMPLETE barge-in; a late BARGE-IN-OCCURRED lists nothing', async () => {
    const h = synth();
    speak(h);
    speak(h);
    h.send(
      'speechrecog',
      'RECOGNIZE',
      [
        ['Content-Type', 'text/uri-list'],
        ['Start-Input-Timers', 'false'],
      ],
      'builtin:dtmf/digits?length=2\n',
    );
    await flush();
    h.take();
    h.session.channel('speechrecog')!.pushDtmf('1');
    assert.deepEqual(briefs(h.take()), [
      'evt START-OF-INPUT 3 IN-PROGRESS',
      'evt SPEAK-COMPLETE 1 COMPLETE 001 barge-in',
      'evt SPEAK-COMPLETE 2 COMPLETE 001 barge-in',
    ]);
    h.send('speechsynth', 'BARGE-IN-OCCURRED');
    assert.deepEqual(briefs(h.take()), ['res 4 200 COMPLETE']);
  });

  it('CONTROL restarts or jumps the active SPEAK; 402 when idle, 409 for an unsupported jump unit', async () => {
    const h = synth();
    h.send('speechsynth', 'CONTROL', [['Speak-Restart', 'true']]);
    speak(h);
    h.pull(40);
    h.send('speechsynth', 'CONTROL', [['Speak-Restart', 'true']]);
    assert.deepEqual(briefs(h.take()), [
      'res 1 402 COMPLETE',
      'res 2 200 IN-PROGRESS',
      'res 3 200 COMPLETE [2]',
    ]);
    await flush();
    assert.equal(h.pull(60), 50, 'restarted from the beginning');
    h.take();
    speak(h, 'y'.repeat(60)); // 3 s
    h.send('speechsynth', 'CONTROL', [['Jump-Size', '+2 Second']]);
    h.send('speechsynth', 'CONTROL', [['Jump-Size', '+3 Word']]);
    assert.deepEqual(briefs(h.take()), [
      'res 4 200 IN-PROGRESS',
      'res 5 200 COMPLETE [4]',
      'res 6 409 COMPLETE',
    ]);
    await flush();
    assert.equal(h.pull(200), 50, 'one second left after jumping two');
  });

  it('sends SPEECH-MARKER when playout reaches an SSML mark', () => {
    const h = synth();
    h.send('speechsynth', 'SPEAK', [['Content-Type', 'application/ssml+xml']], SSML_MARK);
    h.take();
    h.pull(24);
    assert.deepEqual(h.take(), []);
    h.pull(2);
    const [m] = h.take();
    assert.equal(briefs([m!])[0], 'evt SPEECH-MARKER 1 IN-PROGRESS');
    assert.match(headerValue(m!.headers, 'Speech-Marker') ?? '', /^timestamp=\d+;half$/);
  });

  it('completes with parse-failure, uri-failure, and cancels what was queued behind a failure', () => {
    const h = synth();
    h.send('speechsynth', 'SPEAK', [['Content-Type', 'application/ssml+xml']], '<speak>broken');
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 IN-PROGRESS',
      'evt SPEAK-COMPLETE 1 COMPLETE 002 parse-failure',
    ]);
    speak(h);
    h.send('speechsynth', 'SPEAK', [['Content-Type', 'text/uri-list']], 'http://example.com/a.wav\n');
    speak(h);
    h.take();
    h.pull(50);
    assert.deepEqual(briefs(h.take()), [
      'evt SPEAK-COMPLETE 2 COMPLETE 000 normal',
      'evt SPEECH-MARKER 3 IN-PROGRESS',
      'evt SPEAK-COMPLETE 3 COMPLETE 003 uri-failure',
      'evt SPEAK-COMPLETE 4 COMPLETE 007 cancelled',
    ]);
    assert.equal(h.session.channel('speechsynth')!.state, 'idle');
  });

  it('language-unsupported when no engine serves the language; 406 without body, 409 for an unsupported type', () => {
    const h = harness([createToneSynthesizer({ languages: ['fr'] })], ['speechsynth']);
    speak(h, TEXT, [['Speech-Language', 'de-DE']]);
    h.send('speechsynth', 'SPEAK', [['Content-Type', 'text/plain']]);
    h.send('speechsynth', 'SPEAK', [['Content-Type', 'audio/wav']], 'x');
    speak(h, TEXT, [['Speech-Language', 'fr-CA']]);
    assert.deepEqual(briefs(h.take()), [
      'res 1 407 COMPLETE 005 language-unsupported',
      'res 2 406 COMPLETE',
      'res 3 409 COMPLETE',
      'res 4 200 IN-PROGRESS',
    ]);
  });

  it('an engine that throws or stalls fails only its SPEAK with cause error; the channel goes on', () => {
    let mode: 'throw' | 'stall' | 'ok' = 'throw';
    const tone = createToneSynthesizer();
    const flaky: SynthesizerEngine = {
      ...tone,
      name: 'flaky',
      speak(job, out) {
        if (mode === 'throw') throw new Error('boom');
        if (mode === 'stall') return { cancel() {} };
        return tone.speak(job, out);
      },
    };
    const h = harness([flaky], ['speechsynth']);
    speak(h);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'evt SPEAK-COMPLETE 1 COMPLETE 004 error']);
    mode = 'stall';
    speak(h);
    h.take();
    h.clock.advance(4999);
    assert.deepEqual(h.take(), []);
    h.clock.advance(1);
    assert.deepEqual(briefs(h.take()), ['evt SPEAK-COMPLETE 2 COMPLETE 004 error']);
    mode = 'ok';
    speak(h);
    h.pull(60);
    assert.deepEqual(briefs(h.take()), ['res 3 200 IN-PROGRESS', 'evt SPEAK-COMPLETE 3 COMPLETE 000 normal']);
    assert.equal(h.session.counters.engineFailures, 2);
  });

  it('DEFINE-LEXICON: 200 in idle, 407 lexicon-load-failure for a bad lexicon, 402 while speaking', async () => {
    const h = synth();
    h.send(
      'speechsynth',
      'DEFINE-LEXICON',
      [['Content-Type', 'application/pls+xml']],
      '<lexicon version="1.0"/>',
    );
    await flush();
    h.send('speechsynth', 'DEFINE-LEXICON', [['Content-Type', 'application/pls+xml']], '<nope/>');
    await flush();
    speak(h);
    h.send('speechsynth', 'DEFINE-LEXICON', [['Content-Type', 'application/pls+xml']], '<lexicon/>');
    await flush();
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 COMPLETE 000 normal',
      'res 2 407 COMPLETE 006 lexicon-load-failure',
      'res 3 200 IN-PROGRESS',
      'res 4 402 COMPLETE',
    ]);
  });

  it('passes SET-PARAMS defaults and Vendor-Specific-Parameters to the engine', () => {
    const seen: { vendor: unknown; voice: string | undefined }[] = [];
    const tone = createToneSynthesizer();
    const spy: SynthesizerEngine = {
      ...tone,
      speak(job, out) {
        seen.push({ vendor: job.vendor, voice: job.params.find((p) => p.name === 'Voice-Gender')?.value });
        return tone.speak(job, out);
      },
    };
    const h = harness([spy], ['speechsynth']);
    h.send('speechsynth', 'SET-PARAMS', [
      ['Voice-Gender', 'female'],
      ['Vendor-Specific-Parameters', 'com.x.a=1;com.x.b=2'],
    ]);
    speak(h, TEXT, [['Vendor-Specific-Parameters', 'com.x.b=3']]);
    assert.deepEqual(seen, [
      {
        vendor: [
          { name: 'com.x.a', value: '1' },
          { name: 'com.x.b', value: '3' },
        ],
        voice: 'female',
      },
    ]);
  });

  it('an EngineError names its cause', () => {
    const h = harness(
      [
        {
          ...createToneSynthesizer(),
          speak() {
            throw new EngineError('language-unsupported', 'no voice');
          },
        },
      ],
      ['speechsynth'],
    );
    speak(h);
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 IN-PROGRESS',
      'evt SPEAK-COMPLETE 1 COMPLETE 005 language-unsupported',
    ]);
  });
});
