/**
 * KeywordSpotter in fake time over a scripted MRCP session: RECOGNIZE restarts paced at one per
 * minIntervalMs, a match reported with its label, a grammar failure ending the loop, bounded
 * retries when the session cannot open, and stop() leaving no timer, no request, no listening.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeywordSpotter, type SpotterSpeech } from '../../src/call/index.js';
import type { PromptLabel } from '../../src/dialing/index.js';
import type { MrcpSpeechSession, RecognizeOptions, RecognizeResult } from '../../src/mrcp/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

type Reply = Partial<RecognizeResult>;

class ScriptedSession {
  isClosed = false;
  readonly sampleRate = 8000;
  readonly requests: RecognizeOptions[] = [];
  readonly startedAt: number[] = [];
  stops = 0;
  private pending: ((r: RecognizeResult) => void) | undefined;

  constructor(private readonly clock: FakeClock) {}

  recognize(o: RecognizeOptions): {
    requestId: number;
    response: Promise<never>;
    done: Promise<RecognizeResult>;
  } {
    this.requests.push(o);
    this.startedAt.push(this.clock.now());
    const done = new Promise<RecognizeResult>((r) => (this.pending = r));
    return { requestId: this.requests.length, response: new Promise(() => undefined), done };
  }

  complete(r: Reply): void {
    const p = this.pending;
    this.pending = undefined;
    p?.({ requestId: 0, status: 200, stopped: false, result: undefined, ...r } as RecognizeResult);
  }

  stopRecognition(): Promise<unknown> {
    this.stops++;
    return Promise.resolve({});
  }
}

class FakeSpeech implements SpotterSpeech {
  isClosed = false;
  readonly defaultLanguage = 'en-US';
  listening = 0;
  opens = 0;
  failOpen = false;
  constructor(readonly session: ScriptedSession) {}
  open(): Promise<MrcpSpeechSession> {
    this.opens++;
    if (this.failOpen) return Promise.reject(new Error('no-server'));
    return Promise.resolve(this.session as unknown as MrcpSpeechSession);
  }
  hear(on: boolean): void {
    this.listening += on ? 1 : -1;
  }
}

function setup(o: { failOpen?: boolean } = {}) {
  const clock = new FakeClock(1000);
  const session = new ScriptedSession(clock);
  const speech = new FakeSpeech(session);
  speech.failOpen = o.failOpen ?? false;
  const heard: Array<[PromptLabel, string]> = [];
  const spotter = new KeywordSpotter(
    speech,
    [
      { label: 'prompt', phrases: ['the hash key'] },
      { label: 'invalid', phrases: ['wrong number'] },
    ],
    { clock, callId: 'c1', onKeyword: (l, p) => heard.push([l, p]) },
  );
  return { clock, session, speech, heard, spotter };
}

const match = (instance: string, input: string): Reply => ({
  cause: 'success',
  result: { interpretations: [{ instance, input, confidence: 0.9 }] },
});

describe('KeywordSpotter', () => {
  it('no-match and no-input restart the RECOGNIZE, at most one per 500 ms', async () => {
    const { clock, session, speech, spotter } = setup();
    spotter.start();
    await flush();
    assert.equal(speech.listening, 1, 'caller audio goes to the recognizer');
    assert.equal(session.requests.length, 1);
    const g = session.requests[0]!.grammar!;
    assert.equal(g.contentType, 'application/srgs+xml');
    assert.match(g.body, /<item>the hash key<tag>prompt<\/tag><\/item>/);
    for (let i = 0; i < 10; i++) {
      session.complete({ cause: i % 2 ? 'no-match' : 'no-input-timeout' });
      await flush();
      clock.advance(100);
      await flush();
    }
    // 1 s of instant failures: the starts are at least 500 ms apart.
    assert.ok(session.requests.length <= 3, `requests: ${session.requests.length}`);
    for (let i = 1; i < session.startedAt.length; i++)
      assert.ok(session.startedAt[i]! - session.startedAt[i - 1]! >= 500);
    spotter.stop();
    assert.equal(clock.pending, 0);
    assert.equal(speech.listening, 0);
  });

  it('a match reports its label (the literal tag) and phrase, then listens again', async () => {
    const { clock, session, heard, spotter } = setup();
    spotter.start();
    await flush();
    session.complete(match('invalid', 'wrong number'));
    await flush();
    assert.deepEqual(heard, [['invalid', 'wrong number']]);
    clock.advance(500);
    await flush();
    assert.equal(session.requests.length, 2);
    session.complete(match('', 'please press the hash key'));
    await flush();
    assert.deepEqual(heard[1], ['prompt', 'the hash key'], 'no tag: the phrase found in the input');
    spotter.stop();
  });

  it('stop() during a RECOGNIZE: STOP sent, nothing left, a late completion ignored', async () => {
    const { clock, session, speech, heard, spotter } = setup();
    spotter.start();
    await flush();
    spotter.stop();
    assert.equal(session.stops, 1);
    assert.equal(speech.listening, 0);
    assert.equal(clock.pending, 0);
    session.complete(match('prompt', 'the hash key'));
    await flush();
    clock.advance(2000);
    await flush();
    assert.deepEqual(heard, []);
    assert.equal(session.requests.length, 1);
    assert.equal(spotter.state, 'stopped');
  });

  it('a grammar the server cannot compile ends the spotting (no retry loop)', async () => {
    const { clock, session, speech, spotter } = setup();
    spotter.start();
    await flush();
    session.complete({ cause: 'grammar-compilation-failure', status: 200 });
    await flush();
    clock.advance(5000);
    await flush();
    assert.equal(session.requests.length, 1);
    assert.equal(spotter.state, 'stopped');
    assert.equal(speech.listening, 0);
    assert.equal(clock.pending, 0);
  });

  it('no session: three failed opens, then it gives up', async () => {
    const { clock, speech, spotter } = setup({ failOpen: true });
    spotter.start();
    for (let i = 0; i < 10; i++) {
      await flush();
      clock.advance(500);
    }
    await flush();
    assert.equal(speech.opens, 3);
    assert.equal(spotter.state, 'stopped');
    assert.equal(clock.pending, 0);
  });
});
