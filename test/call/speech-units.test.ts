/**
 * The speech steps' parts without sockets: the gather state table, RECOGNITION-COMPLETE → payload,
 * SPEAK/RECOGNIZE headers and text, grammar requests against a scripted session, and gather's
 * digit logic and failures against a scripted StepContext in fake time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contentTypeOf,
  DigitQueue,
  expandText,
  GATHER_EDGES,
  gatherCanGo,
  recognizeHeaders,
  speakHeaders,
  speechPayload,
  StepExecutor,
  type GatherSpec,
  type GatherState,
  type StepContext,
  type StepRecord,
} from '../../src/call/index.js';
import type { PlayEnd } from '../../src/media/index.js';
import type { MrcpSpeechSession, RecognizeResult } from '../../src/mrcp/index.js';
import { grammarOptions, GrammarDefinitionError } from '../../src/call/speech/recognize-request.js';
import { FakeClock } from '../helpers/fake-clock.js';

const noop = (): void => undefined;
const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('gather state table', () => {
  const STATES: GatherState[] = ['starting', 'prompting', 'listening', 'digits', 'speech', 'done'];
  const EDGES = [
    'starting>prompting', // a prompt starts
    'starting>listening', // no prompt
    'starting>digits', // type-ahead
    'starting>done', // bad spec, no session, kill
    'prompting>listening', // the prompt ended
    'prompting>digits', // a key during the prompt (dtmfBargein)
    'prompting>speech', // START-OF-INPUT during the prompt (bargein)
    'prompting>done',
    'listening>digits',
    'listening>speech',
    'listening>done', // timeout, result, error
    'speech>digits', // a key wins over speech
    'speech>done', // RECOGNITION-COMPLETE
    'digits>done',
  ];

  it('allows exactly the drawn edges', () => {
    for (const from of STATES)
      for (const to of STATES)
        assert.equal(gatherCanGo(from, to), EDGES.includes(`${from}>${to}`), `${from} -> ${to}`);
    assert.deepEqual(GATHER_EDGES.done, [], 'done is final');
  });
});

const result = (o: Partial<RecognizeResult>): RecognizeResult => ({ status: 200, ...o }) as RecognizeResult;

describe('RECOGNITION-COMPLETE as a gather payload', () => {
  it('success carries the NLSML N-best as alternatives', () => {
    const p = speechPayload(
      result({
        cause: 'success',
        result: {
          interpretations: [
            { input: 'yes', confidence: 0.8, instance: 'true', mode: 'speech' },
            { input: 'yeah', inputConfidence: 0.4, instance: 'true', mode: 'speech' },
          ],
        } as unknown as RecognizeResult['result'],
      }),
      'en-US',
    );
    assert.deepEqual(p, {
      reason: 'speechDetected',
      speech: {
        is_final: true,
        language_code: 'en-US',
        alternatives: [
          { transcript: 'yes', confidence: 0.8, interpretation: 'true' },
          { transcript: 'yeah', confidence: 0.4, interpretation: 'true' },
        ],
      },
    });
  });

  it('no-match, empty success, no-input, failures and bare statuses', () => {
    assert.deepEqual(speechPayload(result({ cause: 'no-match' }), 'en'), {
      reason: 'noMatch',
      cause: 'no-match',
    });
    assert.deepEqual(
      speechPayload(result({ cause: 'success', result: { interpretations: [] } as never }), 'en'),
      {
        reason: 'noMatch',
        cause: 'success',
      },
    );
    assert.deepEqual(speechPayload(result({ cause: 'no-input-timeout' }), 'en'), {
      reason: 'timeout',
      cause: 'no-input-timeout',
    });
    assert.deepEqual(
      speechPayload(result({ cause: 'grammar-load-failure', reason: 'unknown builtin' }), 'en'),
      {
        reason: 'error',
        cause: 'grammar-load-failure',
        details: 'unknown builtin',
      },
    );
    assert.deepEqual(speechPayload(result({ status: 407 }), 'en'), { reason: 'error', cause: 'status-407' });
  });
});

describe('SPEAK and RECOGNIZE requests', () => {
  it('text: SSML detection, variables (escaped in SSML), unknown names kept', () => {
    assert.equal(contentTypeOf('  <speak>hi</speak>'), 'application/ssml+xml');
    assert.equal(contentTypeOf('<?xml version="1.0"?><speak/>'), 'application/ssml+xml');
    assert.equal(contentTypeOf('Hello <there>'), 'text/plain');
    const vars = new Map([['name', 'A&B <co>']]);
    assert.equal(expandText('Hi {name}, {nope}.', vars, false), 'Hi A&B <co>, {nope}.');
    assert.equal(expandText('<speak>{name}</speak>', vars, true), '<speak>A&amp;B &lt;co&gt;</speak>');
  });

  it('headers: synthesizer options, timeouts in ms, no CR/LF smuggled into header lines', () => {
    assert.deepEqual(speakHeaders({ voice: 'en-gb\r\nX-Evil: 1', rate: 'slow' }, 'en-US', true), {
      'Kill-On-Barge-In': 'true',
      'Speech-Language': 'en-US',
      'Voice-Name': 'en-gb X-Evil: 1',
      'Prosody-Rate': 'slow',
    });
    assert.deepEqual(
      recognizeHeaders(
        {
          confidenceThreshold: 0.4,
          nBest: 3,
          speechCompleteTimeout: 0.8,
          maxDuration: 10,
          headers: { 'X-A': 'b\nc' },
        },
        'en-US',
        5,
      ),
      {
        'No-Input-Timeout': '5000',
        'Speech-Language': 'en-US',
        'Confidence-Threshold': '0.4',
        'N-Best-List-Length': '3',
        'Speech-Complete-Timeout': '800',
        'Recognition-Timeout': '10000',
        'X-A': 'b c',
      },
    );
  });

  it('grammars: one inline as the body; several defined first (DEFINE-GRAMMAR) and referenced', async () => {
    const defined: string[] = [];
    let fail = false;
    const session = {
      defineGrammar: (id: string) => {
        defined.push(id);
        return Promise.resolve(
          fail
            ? { status: 409, cause: 'grammar-compilation-failure', reason: 'bad' }
            : { status: 200, cause: 'success' },
        );
      },
    } as unknown as MrcpSpeechSession;
    const g = { body: '#ABNF 1.0; root $r; $r = yes;', contentType: 'application/srgs' };
    assert.deepEqual(await grammarOptions(session, [g], 'g1'), { grammar: g });
    assert.deepEqual(await grammarOptions(session, [{ uri: 'builtin:grammar/boolean' }, g], 'g2'), {
      uris: ['builtin:grammar/boolean', 'session:g2-0'],
    });
    assert.deepEqual(await grammarOptions(session, [{ uri: 'a\r\n<b>', weight: 2 }, { uri: 'c' }], 'g3'), {
      uris: ['ab', 'c'],
      weights: [2, 1],
    });
    assert.deepEqual(defined, ['g2-0']);
    fail = true;
    await assert.rejects(grammarOptions(session, [g, g], 'g4'), (e: unknown) => {
      assert.ok(e instanceof GrammarDefinitionError);
      assert.equal(e.completionCause, 'grammar-compilation-failure');
      return true;
    });
  });
});

/** A scripted call without media or MRCP: digits, a clock, a prompt player. */
class FakeCtx implements StepContext {
  readonly callId = 'unit';
  readonly clock = new FakeClock();
  readonly logger = { debug: noop, info: noop, warn: noop, error: noop };
  readonly vars = new Map<string, string>();
  readonly digits = new DigitQueue();
  ended = false;
  log: string[] = [];
  playing: ((why: PlayEnd | 'error', detail?: string) => void) | undefined;
  answer = (): boolean => true;
  ring = (): boolean => true;
  ensureMedia = (): boolean => !this.ended;
  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void {
    this.log.push(`play ${file}`);
    this.playing = onEnd;
  }
  stopPlayback(): void {
    this.log.push('stop');
    const p = this.playing;
    this.playing = undefined;
    p?.('stopped');
  }
  sendDigits = (): Promise<{ ok: true }> => Promise.resolve({ ok: true });
  record = (): Promise<string> => Promise.resolve('no');
  hangup(): void {
    this.ended = true;
  }
}

const gather = (o: Omit<GatherSpec, 'type'>): GatherSpec => ({ type: 'gather', ...o });
async function run(ctx: FakeCtx, spec: GatherSpec, script: () => Promise<void> = flush): Promise<StepRecord> {
  const p = new StepExecutor(ctx).run([spec]);
  await flush();
  await script();
  return (await p)[0]!;
}

describe('gather without speech (fake time)', () => {
  it('numDigits, finishOnKey, type-ahead; the variables are set; nothing left running', async () => {
    const ctx = new FakeCtx();
    ctx.digits.push('1');
    const r = await run(ctx, gather({ numDigits: 3 }), async () => {
      ctx.digits.push('2');
      ctx.digits.push('3');
      ctx.digits.push('4');
      await flush();
    });
    assert.deepEqual([r.outcome, r.payload], ['done', { reason: 'dtmfDetected', digits: '123' }]);
    assert.equal(ctx.digits.take(), '4', 'the next key stays queued');
    assert.equal(ctx.vars.get('gatherReason'), 'dtmfDetected');
    const k = await run(ctx, gather({ finishOnKey: '#' }), async () => {
      for (const d of '42#') ctx.digits.push(d);
      await flush();
    });
    assert.deepEqual(k.payload, { reason: 'dtmfDetected', digits: '42' });
    assert.equal(ctx.vars.get('digits'), '42');
    assert.equal(ctx.clock.pending, 0);
  });

  it('a key during the played prompt stops it; timeouts and too few digits', async () => {
    const ctx = new FakeCtx();
    const r = await run(ctx, gather({ play: { file: 'menu.wav' }, numDigits: 1 }), async () => {
      ctx.digits.push('7');
      await flush();
    });
    assert.deepEqual(ctx.log, ['play menu.wav', 'stop']);
    assert.deepEqual(r.payload, { reason: 'dtmfDetected', digits: '7' });
    const t = await run(ctx, gather({ timeout: 2 }), async () => {
      ctx.clock.advance(1999);
      await flush();
      ctx.clock.advance(1);
      await flush();
    });
    assert.deepEqual([t.outcome, t.payload], ['timeout', { reason: 'timeout' }]);
    const few = await run(ctx, gather({ minDigits: 3, finishOnKey: '#' }), async () => {
      ctx.digits.push('5');
      ctx.digits.push('#');
      await flush();
    });
    assert.deepEqual(few.payload, { reason: 'noMatch', cause: 'too-few-digits', digits: '5' });
    const inter = await run(ctx, gather({ timeout: 5, interDigitTimeout: 1 }), async () => {
      ctx.digits.push('9');
      await flush();
      ctx.clock.advance(1000);
      await flush();
    });
    assert.deepEqual(inter.payload, { reason: 'dtmfDetected', digits: '9' });
    assert.equal(ctx.clock.pending, 0);
  });

  it('speech without grammars or without an MRCP client fails with a cause, at once', async () => {
    const ctx = new FakeCtx();
    const a = await run(ctx, gather({ input: ['speech'] }));
    assert.deepEqual([a.outcome, (a.payload as { cause: string }).cause], ['failed', 'no-grammar']);
    const b = await run(
      ctx,
      gather({ input: ['speech'], recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] } }),
    );
    assert.deepEqual([b.outcome, (b.payload as { cause: string }).cause], ['failed', 'no-speech']);
    const c = await run(ctx, gather({ input: [] }));
    assert.equal((c.payload as { cause: string }).cause, 'bad-input');
    const say = (await new StepExecutor(ctx).run([{ type: 'say', text: 'hi' }]))[0]!;
    assert.deepEqual([say.outcome, (say.payload as { cause: string }).cause], ['failed', 'no-speech']);
  });
});
