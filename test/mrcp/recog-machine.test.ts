import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createTestRecognizer,
  createToneSynthesizer,
  parseNlsml,
  type GrammarSource,
  type RecognitionListener,
  type RecognitionOutcome,
  type RecognizerEngine,
} from '../../src/mrcp/index.js';
import { bodyText, briefs, flush, harness, headerValue, silenceFrame, speechFrame } from './helpers.js';

const URI = 'text/uri-list';
type H = ReturnType<typeof harness>;

function recog(extra: RecognizerEngine[] = []): H {
  return harness([...extra, createTestRecognizer(), createToneSynthesizer()], ['speechrecog', 'speechsynth']);
}

async function recognize(
  h: H,
  grammars: string,
  headers: [string, string][] = [],
  type = URI,
): Promise<number> {
  const id = h.send('speechrecog', 'RECOGNIZE', [['Content-Type', type], ...headers], grammars);
  await flush();
  return id;
}

function keys(h: H, digits: string): void {
  for (const d of digits) h.session.channel('speechrecog')!.pushDtmf(d);
}

async function settle(h: H, ms = 0): Promise<void> {
  await flush();
  if (ms) h.clock.advance(ms);
  await flush();
}

/** An engine the test drives by hand through the listener. */
function scripted(outcome: RecognitionOutcome): {
  engine: RecognizerEngine;
  l: () => RecognitionListener;
  resets: () => number;
  grammars: () => readonly GrammarSource[];
} {
  let listener: RecognitionListener | undefined;
  let resets = 0;
  let grammars: readonly GrammarSource[] = [];
  const engine: RecognizerEngine = {
    kind: 'recognizer',
    name: 'scripted',
    languages: ['*'],
    async recognize(job, l) {
      listener = l;
      grammars = job.grammars;
      return {
        audio() {},
        dtmf() {},
        finish: () => queueMicrotask(() => l.result(outcome)),
        reset: () => void resets++,
        cancel() {},
      };
    },
  };
  return { engine, l: () => listener!, resets: () => resets, grammars: () => grammars };
}

const yes: RecognitionOutcome = {
  match: 'complete',
  mode: 'speech',
  input: 'yes',
  interpretations: [
    { grammar: 'builtin:grammar/boolean', confidence: 0.9, instance: 'true', input: 'yes', mode: 'speech' },
  ],
};

describe('speechrecog machine', () => {
  it('idle -RECOGNIZE-> recognizing -RECOGNITION-COMPLETE-> recognized, DTMF against builtin:dtmf/digits?length=4', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits?length=4\n');
    assert.equal(h.session.channel('speechrecog')!.state, 'recognizing');
    keys(h, '1234');
    await settle(h);
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 IN-PROGRESS',
      'evt START-OF-INPUT 1 IN-PROGRESS',
      'evt RECOGNITION-COMPLETE 1 COMPLETE 000 success',
    ]);
    assert.equal(headerValue(msgs[1]!.headers, 'Input-Type'), 'dtmf');
    assert.equal(headerValue(msgs[2]!.headers, 'Content-Type'), 'application/nlsml+xml');
    const r = parseNlsml(bodyText(msgs[2]!));
    assert.ok(r.ok);
    assert.deepEqual(
      r.result.interpretations.map((i) => [i.instance, i.mode, i.grammar, i.input]),
      [['1234', 'dtmf', 'builtin:dtmf/digits?length=4', '1 2 3 4']],
    );
    assert.equal(h.session.channel('speechrecog')!.state, 'recognized');
    assert.ok(h.logs.includes('debug <S1@speechrecog> State Transition recognizing -> recognized'));
  });

  it('recognizing -no-input-timeout-> idle with <noinput/>', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits\n', [['No-Input-Timeout', '3000']]);
    h.clock.advance(2999);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS']);
    h.clock.advance(1);
    const [m] = h.take();
    assert.equal(briefs([m!])[0], 'evt RECOGNITION-COMPLETE 1 COMPLETE 002 no-input-timeout');
    const r = parseNlsml(bodyText(m!));
    assert.ok(r.ok && r.result.noInput);
    assert.equal(h.session.channel('speechrecog')!.state, 'idle');
  });

  it('Start-Input-Timers: false holds the no-input timer until START-INPUT-TIMERS; 402 outside recognizing', async () => {
    const h = recog();
    h.send('speechrecog', 'START-INPUT-TIMERS');
    await recognize(h, 'builtin:dtmf/digits\n', [
      ['No-Input-Timeout', '1000'],
      ['Start-Input-Timers', 'false'],
    ]);
    h.clock.advance(60_000);
    assert.deepEqual(briefs(h.take()), ['res 1 402 COMPLETE', 'res 2 200 IN-PROGRESS']);
    h.send('speechrecog', 'START-INPUT-TIMERS');
    h.clock.advance(1000);
    assert.deepEqual(briefs(h.take()), [
      'res 3 200 COMPLETE',
      'evt RECOGNITION-COMPLETE 2 COMPLETE 002 no-input-timeout',
    ]);
  });

  it('DTMF interdigit timeout ends a partial entry with partial-match', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits?length=4\n', [['DTMF-Interdigit-Timeout', '2000']]);
    keys(h, '12');
    h.clock.advance(1999);
    await settle(h);
    assert.equal(h.take().length, 2);
    await settle(h, 1);
    assert.deepEqual(briefs(h.take()), ['evt RECOGNITION-COMPLETE 1 COMPLETE 013 partial-match']);
  });

  it('DTMF term timeout ends a complete entry that could go on; the term char ends it at once', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits?minlength=2;maxlength=6\n', [['DTMF-Term-Timeout', '1500']]);
    keys(h, '123');
    await settle(h, 1499);
    assert.equal(h.take().length, 2);
    await settle(h, 1);
    const [done] = h.take();
    assert.equal(briefs([done!])[0], 'evt RECOGNITION-COMPLETE 1 COMPLETE 000 success');
    assert.match(bodyText(done!), /<instance>123<\/instance>/);
    await recognize(h, 'builtin:dtmf/digits?minlength=2;maxlength=6\n', [
      ['DTMF-Term-Char', '#'],
      ['DTMF-Term-Timeout', '5000'],
    ]);
    keys(h, '45#');
    await settle(h);
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 2 200 IN-PROGRESS',
      'evt START-OF-INPUT 2 IN-PROGRESS',
      'evt RECOGNITION-COMPLETE 2 COMPLETE 000 success',
    ]);
    assert.match(bodyText(msgs[2]!), /<instance>45<\/instance>/);
  });

  it('a key no grammar can take ends with no-match at once (<nomatch/>), builtin:dtmf/boolean maps keys', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/boolean\n');
    keys(h, '5');
    await settle(h);
    const msgs = h.take();
    assert.equal(briefs(msgs)[2], 'evt RECOGNITION-COMPLETE 1 COMPLETE 001 no-match');
    const r = parseNlsml(bodyText(msgs[2]!));
    assert.ok(r.ok && r.result.noMatch && r.result.input === '5');
    await recognize(h, 'builtin:dtmf/boolean\n');
    keys(h, '2');
    await settle(h);
    assert.match(bodyText(h.take()[2]!), /<instance>false<\/instance>/);
  });

  it('DEFINE-GRAMMAR makes session: grammars (SRGS XML and ABNF DTMF) usable by RECOGNIZE', async () => {
    const h = recog();
    const pin =
      '<grammar xmlns="http://www.w3.org/2001/06/grammar" mode="dtmf" root="pin"><rule id="pin"><item repeat="4"><one-of><item>0</item><item>1</item><item>2</item><item>3</item></one-of></item><item repeat="0-1">#</item></rule></grammar>';
    h.send(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        ['Content-Type', 'application/srgs+xml'],
        ['Content-ID', '<pin@x>'],
      ],
      pin,
    );
    await flush();
    h.send(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        ['Content-Type', 'application/srgs'],
        ['Content-ID', 'menu'],
      ],
      '#ABNF 1.0 UTF-8;\nmode dtmf;\nroot $menu;\npublic $menu = 1 | 2 | 9 9 /* operator */;\n',
    );
    await flush();
    assert.deepEqual(briefs(h.take()), ['res 1 200 COMPLETE 000 success', 'res 2 200 COMPLETE 000 success']);
    await recognize(h, 'session:pin@x\n', [['DTMF-Term-Timeout', '800']]);
    keys(h, '0123');
    await settle(h, 800);
    assert.match(bodyText(h.take()[2]!), /grammar="session:pin@x"[^>]*>\s*<instance>0123</);
    await recognize(h, 'session:menu\n');
    keys(h, '99');
    await settle(h);
    assert.deepEqual(briefs(h.take()).slice(-1), ['evt RECOGNITION-COMPLETE 4 COMPLETE 000 success']);
  });

  it('reads inline grammars and weighted text/grammar-ref-list, and hands weights to the engine', async () => {
    const s = scripted(yes);
    const h = recog([s.engine]);
    h.send(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        ['Content-Type', 'application/srgs'],
        ['Content-ID', 'g1'],
      ],
      '#ABNF 1.0;\nroot $a;\n$a = yes;\n',
    );
    await flush();
    await recognize(
      h,
      '<session:g1>;weight="2.0"\n<builtin:grammar/boolean>;weight=0.5\n',
      [],
      'text/grammar-ref-list',
    );
    assert.deepEqual(
      s.grammars().map((g) => [g.ref, g.weight]),
      [
        ['session:g1', 2],
        ['builtin:grammar/boolean', 0.5],
      ],
    );
    h.send('speechrecog', 'STOP');
    await recognize(
      h,
      '<grammar mode="voice" root="r"><rule id="r">hello</rule></grammar>',
      [['Content-ID', 'inline1']],
      'application/srgs+xml',
    );
    assert.deepEqual(
      s.grammars().map((g) => [g.ref, g.contentType]),
      [['session:inline1', 'application/srgs+xml']],
    );
  });

  it('energy-based speech: START-OF-INPUT, then the speech-complete timeout ends it with the fixed interpretation', async () => {
    const h = recog();
    await recognize(h, 'builtin:grammar/boolean\n', [['Speech-Complete-Timeout', '500']]);
    h.push(
      'speechrecog',
      Array.from({ length: 25 }, () => speechFrame()),
    );
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'evt START-OF-INPUT 1 IN-PROGRESS']);
    h.push(
      'speechrecog',
      Array.from({ length: 15 }, () => silenceFrame()),
    ); // VAD hangover 300 ms
    h.clock.advance(479); // the hangover ended one frame (20 ms) before the last push returned
    await settle(h);
    assert.deepEqual(h.take(), []);
    await settle(h, 1);
    const [m] = h.take();
    assert.equal(briefs([m!])[0], 'evt RECOGNITION-COMPLETE 1 COMPLETE 000 success');
    const r = parseNlsml(bodyText(m!));
    assert.ok(
      r.ok &&
        r.result.interpretations[0]!.instance === 'yes' &&
        r.result.interpretations[0]!.mode === 'speech',
    );
  });

  it('speech-incomplete timeout ends a partial utterance with partial-match; recognition timeout gives the -maxtime causes', async () => {
    const partial: RecognitionOutcome = { ...yes, match: 'partial' };
    const s = scripted(partial);
    const h = harness([s.engine], ['speechrecog']);
    await recognize(h, 'builtin:grammar/boolean\n', [
      ['Speech-Incomplete-Timeout', '700'],
      ['Speech-Complete-Timeout', '100'],
    ]);
    s.l().startOfInput('speech');
    s.l().speechState(false, 'partial');
    h.clock.advance(699);
    s.l().speechState(true, 'partial'); // speaking again cancels the timer
    h.clock.advance(5000);
    await settle(h);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'evt START-OF-INPUT 1 IN-PROGRESS']);
    s.l().speechState(false, 'partial');
    await settle(h, 700);
    assert.deepEqual(briefs(h.take()), ['evt RECOGNITION-COMPLETE 1 COMPLETE 013 partial-match']);
    for (const [outcome, cause] of [
      [yes, '008 success-maxtime'],
      [partial, '014 partial-match-maxtime'],
      [{ match: 'none', mode: 'speech', interpretations: [] } as RecognitionOutcome, '015 no-match-maxtime'],
    ] as const) {
      const t = scripted(outcome);
      const h2 = harness([t.engine], ['speechrecog']);
      await recognize(h2, 'builtin:grammar/boolean\n', [['Recognition-Timeout', '4000']]);
      t.l().startOfInput('speech');
      t.l().speechState(true, 'none');
      await settle(h2, 4000);
      assert.deepEqual(briefs(h2.take()).slice(-1), [`evt RECOGNITION-COMPLETE 1 COMPLETE ${cause}`]);
    }
  });

  it('hotword mode keeps listening through non-matches and ends with hotword-maxtime', async () => {
    const s = scripted({ match: 'none', mode: 'speech', interpretations: [] });
    const h = harness([s.engine], ['speechrecog']);
    await recognize(h, 'builtin:grammar/boolean\n', [
      ['Recognition-Mode', 'hotword'],
      ['Recognition-Timeout', '10000'],
      ['Speech-Complete-Timeout', '300'],
    ]);
    s.l().startOfInput('speech');
    s.l().speechState(false, 'complete');
    await settle(h, 300);
    assert.equal(s.resets(), 1);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'evt START-OF-INPUT 1 IN-PROGRESS']);
    await settle(h, 9700);
    assert.deepEqual(briefs(h.take()), ['evt RECOGNITION-COMPLETE 1 COMPLETE 003 hotword-maxtime']);
  });

  it('applies Confidence-Threshold (no-match below it) and N-Best-List-Length', async () => {
    const two: RecognitionOutcome = {
      ...yes,
      interpretations: [
        yes.interpretations[0]!,
        { ...yes.interpretations[0]!, confidence: 0.6, instance: 'false' },
      ],
    };
    const s = scripted(two);
    const h = harness([s.engine], ['speechrecog']);
    await recognize(h, 'builtin:grammar/boolean\n', [['Confidence-Threshold', '0.95']]);
    s.l().startOfInput('speech');
    s.l().speechState(false, 'complete');
    await settle(h, 1000);
    assert.equal(briefs(h.take()).at(-1), 'evt RECOGNITION-COMPLETE 1 COMPLETE 001 no-match');
    await recognize(h, 'builtin:grammar/boolean\n', [['N-Best-List-Length', '2']]);
    s.l().startOfInput('speech');
    s.l().speechState(false, 'complete');
    await settle(h, 1000);
    const r = parseNlsml(bodyText(h.take().at(-1)!));
    assert.ok(r.ok);
    assert.deepEqual(
      r.result.interpretations.map((i) => i.instance),
      ['true', 'false'],
    );
  });

  it('GET-RESULT answers in recognized (with its own threshold) and is 402 elsewhere', async () => {
    const h = recog();
    h.send('speechrecog', 'GET-RESULT');
    await recognize(h, 'builtin:dtmf/digits?length=2\n');
    keys(h, '42');
    await settle(h);
    h.send('speechrecog', 'GET-RESULT');
    const msgs = h.take();
    assert.deepEqual(
      briefs(msgs).map((b) => b.split(' ').slice(0, 4).join(' ')),
      [
        'res 1 402 COMPLETE',
        'res 2 200 IN-PROGRESS',
        'evt START-OF-INPUT 2 IN-PROGRESS',
        'evt RECOGNITION-COMPLETE 2 COMPLETE',
        'res 3 200 COMPLETE',
      ],
    );
    assert.match(bodyText(msgs[4]!), /<instance>42<\/instance>/);
  });

  it('recognizing -STOP-> idle lists the request and sends no RECOGNITION-COMPLETE', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits\n');
    h.send('speechrecog', 'STOP');
    h.clock.advance(60_000);
    assert.deepEqual(briefs(h.take()), ['res 1 200 IN-PROGRESS', 'res 2 200 COMPLETE [1]']);
    assert.equal(h.session.channel('speechrecog')!.state, 'idle');
    assert.equal(h.clock.pending, 0);
  });

  it('queues RECOGNIZE as PENDING; the next starts after a success, all are cancelled after a failure', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits?length=1\n', [['Cancel-If-Queue', 'false']]);
    await recognize(h, 'builtin:dtmf/digits?length=2\n', [['No-Input-Timeout', '1000']]);
    await recognize(h, 'builtin:dtmf/digits?length=3\n');
    keys(h, '7');
    await settle(h);
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 IN-PROGRESS',
      'res 2 200 PENDING',
      'res 3 200 PENDING',
      'evt START-OF-INPUT 1 IN-PROGRESS',
      'evt RECOGNITION-COMPLETE 1 COMPLETE 000 success',
    ]);
    await settle(h, 1000);
    assert.deepEqual(briefs(h.take()), [
      'evt RECOGNITION-COMPLETE 2 COMPLETE 002 no-input-timeout',
      'evt RECOGNITION-COMPLETE 3 COMPLETE 011 cancelled',
    ]);
  });

  it('Cancel-If-Queue: true cancels the active RECOGNIZE when another arrives', async () => {
    const h = recog();
    await recognize(h, 'builtin:dtmf/digits\n', [['Cancel-If-Queue', 'true']]);
    await recognize(h, 'builtin:dtmf/digits?length=1\n');
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 IN-PROGRESS',
      'evt RECOGNITION-COMPLETE 1 COMPLETE 011 cancelled',
      'res 2 200 IN-PROGRESS',
    ]);
  });

  it('grammar failures answer 407 with the cause; recursion and huge grammars are bounded compilation failures', async () => {
    const h = recog();
    const rec = (body: string, type = URI): Promise<number> => recognize(h, body, [], type);
    await rec('session:nope\n');
    await rec('http://example.com/g.grxml\n');
    await rec('builtin:grammar/unknown\n');
    await rec(
      '<grammar mode="dtmf" root="a"><rule id="a">1 <ruleref uri="#a"/></rule></grammar>',
      'application/srgs+xml',
    );
    await rec('#ABNF 1.0;\nmode dtmf;\nroot $a;\n$a = 1 $a;\n', 'application/srgs');
    await rec(
      `#ABNF 1.0;\nmode dtmf;\n$a = ${Array.from({ length: 100_000 }, () => '1').join(' | ')};\n`,
      'application/srgs',
    );
    await rec(
      '<grammar mode="dtmf" root="a"><rule id="a"><item repeat="9999">1</item></rule></grammar>',
      'application/srgs+xml',
    );
    h.send(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        ['Content-Type', 'application/srgs+xml'],
        ['Content-ID', 'bad'],
      ],
      '<grammar mode="dtmf"><rule id="x">hello</rule></grammar>',
    );
    await flush();
    h.send('speechrecog', 'DEFINE-GRAMMAR', [['Content-Type', 'application/srgs+xml']], '<grammar/>');
    await rec('');
    assert.deepEqual(briefs(h.take()), [
      'res 1 407 COMPLETE 004 grammar-load-failure',
      'res 2 407 COMPLETE 009 uri-failure',
      'res 3 407 COMPLETE 004 grammar-load-failure',
      'res 4 407 COMPLETE 005 grammar-compilation-failure',
      'res 5 407 COMPLETE 005 grammar-compilation-failure',
      'res 6 407 COMPLETE 005 grammar-compilation-failure',
      'res 7 407 COMPLETE 005 grammar-compilation-failure',
      'res 8 407 COMPLETE 005 grammar-compilation-failure',
      'res 9 406 COMPLETE',
      'res 10 406 COMPLETE',
    ]);
    assert.equal(h.session.channel('speechrecog')!.state, 'idle');
  });

  it('language-unsupported when no recognizer serves the language', async () => {
    const h = harness([createTestRecognizer({ languages: ['en'] })], ['speechrecog']);
    await recognize(h, 'builtin:dtmf/boolean\n', [['Speech-Language', 'ja-JP']]);
    await recognize(h, 'builtin:dtmf/boolean\n', [['Speech-Language', 'en-AU']]);
    assert.deepEqual(briefs(h.take()), [
      'res 1 407 COMPLETE 010 language-unsupported',
      'res 2 200 IN-PROGRESS',
    ]);
  });

  it('an engine that never starts or never answers fails its request with recognizer-error; the channel goes on', async () => {
    let hang: 'start' | 'finish' = 'start';
    const good = createTestRecognizer();
    const bad: RecognizerEngine = {
      ...good,
      name: 'hangs',
      recognize: (job, l) => {
        if (hang === 'start') return new Promise(() => {});
        return good.recognize(job, { ...l, result: () => {} });
      },
    };
    const h = harness([bad], ['speechrecog']);
    h.send('speechrecog', 'RECOGNIZE', [['Content-Type', URI]], 'builtin:dtmf/digits?length=1\n');
    await settle(h, 5000);
    assert.deepEqual(briefs(h.take()), ['res 1 407 COMPLETE 006 recognizer-error']);
    hang = 'finish';
    await recognize(h, 'builtin:dtmf/digits?length=1\n');
    keys(h, '1');
    await settle(h, 4999);
    assert.equal(h.take().length, 2);
    await settle(h, 1);
    assert.deepEqual(briefs(h.take()), ['evt RECOGNITION-COMPLETE 2 COMPLETE 006 recognizer-error']);
    assert.equal(h.session.counters.engineFailures, 2);
  });

  it('idle -INTERPRET-> interpreting -INTERPRETATION-COMPLETE-> idle; 406 without Interpret-Text, 402 while recognizing', async () => {
    const h = recog();
    h.send(
      'speechrecog',
      'INTERPRET',
      [
        ['Interpret-Text', '1 2'],
        ['Content-Type', URI],
      ],
      'builtin:dtmf/digits?length=2\n',
    );
    assert.equal(h.session.channel('speechrecog')!.state, 'interpreting');
    await settle(h);
    h.send('speechrecog', 'INTERPRET', [['Content-Type', URI]], 'builtin:dtmf/digits\n');
    await recognize(h, 'builtin:dtmf/digits\n');
    h.send(
      'speechrecog',
      'INTERPRET',
      [
        ['Interpret-Text', '1'],
        ['Content-Type', URI],
      ],
      'builtin:dtmf/digits\n',
    );
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 IN-PROGRESS',
      'evt INTERPRETATION-COMPLETE 1 COMPLETE 000 success',
      'res 2 406 COMPLETE',
      'res 3 200 IN-PROGRESS',
      'res 4 402 COMPLETE',
    ]);
    assert.match(bodyText(msgs[1]!), /<instance>12<\/instance>/);
  });

  it('buffers DTMF between recognitions when DTMF-Buffer-Time is set; Clear-DTMF-Buffer drops them', async () => {
    const h = recog();
    h.send('speechrecog', 'SET-PARAMS', [['DTMF-Buffer-Time', '5000']]);
    keys(h, '12');
    await recognize(h, 'builtin:dtmf/digits?length=2\n');
    await settle(h);
    assert.deepEqual(briefs(h.take()), [
      'res 1 200 COMPLETE',
      'res 2 200 IN-PROGRESS',
      'evt START-OF-INPUT 2 IN-PROGRESS',
      'evt RECOGNITION-COMPLETE 2 COMPLETE 000 success',
    ]);
    keys(h, '34');
    await recognize(h, 'builtin:dtmf/digits?length=2\n', [['Clear-DTMF-Buffer', 'true']]);
    await settle(h);
    assert.deepEqual(briefs(h.take()), ['res 3 200 IN-PROGRESS']);
  });
});
