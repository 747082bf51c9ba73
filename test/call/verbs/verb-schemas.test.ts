/** Every verb's schema (valid and invalid options) and the verb list validator's reports. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIssue, validateVerbs, VERB_NAMES } from '../../../src/call/index.js';

const valid: Record<string, unknown[]> = {
  config: [
    { verb: 'config' },
    {
      verb: 'config',
      synthesizer: { vendor: 'builtin', language: 'en-US', voice: 'en', customOption: 1 },
      recognizer: { language: 'en-US', grammar: 'builtin:grammar/boolean', hints: ['yes'] },
      bargeIn: { enable: false, dtmfBargein: true },
      reset: ['synthesizer'],
    },
  ],
  say: [
    { verb: 'say', text: 'hello' },
    {
      verb: 'say',
      text: ['one', '<speak>two</speak>'],
      loop: 2,
      earlyMedia: true,
      synthesizer: { voice: 'x' },
    },
    { say: { text: 'short form' } },
  ],
  play: [
    { verb: 'play', url: 'welcome.wav' },
    {
      verb: 'play',
      url: ['a.wav', 'file:///opt/p/b.wav'],
      loop: 3,
      timeoutSecs: 2.5,
      dtmfBargein: true,
      actionHook: '/played',
    },
  ],
  gather: [
    { verb: 'gather' },
    {
      verb: 'gather',
      input: ['digits'],
      numDigits: 4,
      finishOnKey: '#',
      timeout: 3,
      say: { text: 'pin?' },
      actionHook: '/pin',
    },
    {
      verb: 'gather',
      input: ['digits', 'speech'],
      minDigits: 1,
      maxDigits: 3,
      interDigitTimeout: 2,
      bargein: true,
      dtmfBargein: false,
      listenDuringPrompt: false,
      play: { url: 'welcome.wav', loop: 2 },
      recognizer: { language: 'en-US', grammars: ['builtin:grammar/digits'] },
      actionHook: { url: 'https://app.example/hook', method: 'POST', username: 'u', password: 'p' },
    },
  ],
  dtmf: [
    { verb: 'dtmf', dtmf: '123#' },
    { verb: 'dtmf', dtmf: '1w2wwA*', duration: 100, gap: 60, method: 'rfc4733' },
  ],
  pause: [
    { verb: 'pause', length: 0 },
    { verb: 'pause', length: 1.5, id: 'p1' },
  ],
  dial: [
    { verb: 'dial', target: [{ type: 'phone', number: '+4930123456' }] },
    {
      verb: 'dial',
      target: [
        { type: 'phone', number: '17012345678-1234', trunk: 'carrier' },
        { type: 'sip', sipUri: 'sip:agent@10.0.0.1:5070' },
      ],
      callerId: '4001',
      timeout: 20,
      timeLimit: 3600,
      answerOnBridge: true,
      headers: { 'X-Campaign': 'c1' },
      plan: 'privacy',
      actionHook: '/dialed',
    },
  ],
  transfer: [
    { verb: 'transfer', referTo: 'sip:bob@example.com' },
    {
      verb: 'transfer',
      referTo: '4002',
      trunk: 'carrier',
      dialFallback: false,
      headers: { 'X-T': '1' },
      actionHook: '/t',
    },
  ],
  'sip:refer': [{ verb: 'sip:refer', referTo: 'sip:bob@example.com', referredBy: 'sip:ivr@example.com' }],
  record: [
    { verb: 'record' },
    {
      verb: 'record',
      file: 'calls/{callId}-{time}.wav',
      maxLength: 30,
      finishOnKey: '#*',
      playBeep: true,
      mode: 'mixed',
      actionHook: '/rec',
    },
  ],
  redirect: [
    { verb: 'redirect', actionHook: '/next' },
    { verb: 'redirect', actionHook: { url: 'http://127.0.0.1:1/x', method: 'GET' } },
  ],
  hangup: [{ verb: 'hangup' }, { verb: 'hangup', cause: 17, headers: { 'X-Reason': 'busy here' } }],
  tag: [{ verb: 'tag', data: { customer: 42, tier: 'gold', nested: { a: [1, 2] } } }],
};

/** [verb, field path, message fragment] for each invalid case. */
const invalid: [unknown, string, RegExp][] = [
  [{ verb: 'config', synthesizer: { language: '' } }, 'synthesizer.language', /too small|at least/i],
  [{ verb: 'config', bargeIn: { enable: 'yes' } }, 'bargeIn.enable', /boolean/],
  [{ verb: 'config', reset: ['everything'] }, 'reset[0]', /synthesizer|option|invalid/i],
  [{ verb: 'say' }, 'text', /string|required|invalid/i],
  [{ verb: 'say', text: '' }, 'text', /.+/],
  [{ verb: 'say', text: 'x', loop: 0 }, 'loop', /too small|>=/i],
  [{ verb: 'say', text: 'x', voice: 'y' }, '', /unrecognized|voice/i],
  [{ verb: 'play', url: 'https://cdn.example/a.mp3' }, 'url', /remote audio/],
  [{ verb: 'play', url: [] }, 'url', /.+/],
  [{ verb: 'play', url: 'a.wav', timeoutSecs: -1 }, 'timeoutSecs', /too small|>/i],
  [{ verb: 'play', url: 'a.wav', actionHook: 'ftp://x/y' }, 'actionHook', /path or an http\(s\)/],
  [{ verb: 'gather', input: ['keys'] }, 'input[0]', /.+/],
  [{ verb: 'gather', input: ['digits', 'digits'] }, 'input', /repeats/],
  [{ verb: 'gather', numDigits: 0 }, 'numDigits', /too small|>=/i],
  [{ verb: 'gather', numDigits: 2, maxDigits: 3 }, 'numDigits', /excludes/],
  [{ verb: 'gather', minDigits: 5, maxDigits: 3 }, 'minDigits', /above maxDigits/],
  [{ verb: 'gather', finishOnKey: '##' }, 'finishOnKey', /one DTMF key/],
  [{ verb: 'gather', say: { text: 'a' }, play: { url: 'b.wav' } }, 'play', /cannot both/],
  [{ verb: 'gather', say: { txt: 'a' } }, 'say.text', /.+/],
  [{ verb: 'dtmf', dtmf: '12x' }, 'dtmf', /digits 0-9/],
  [{ verb: 'dtmf', dtmf: '1', duration: 10 }, 'duration', /too small|>=/i],
  [{ verb: 'dtmf', dtmf: '1', method: 'sms' }, 'method', /.+/],
  [{ verb: 'pause' }, 'length', /.+/],
  [{ verb: 'pause', length: 7200 }, 'length', /too big|<=/i],
  [{ verb: 'dial', target: [] }, 'target', /.+/],
  [{ verb: 'dial', target: [{ type: 'user', name: 'bob' }] }, 'target[0].type', /.+/],
  [{ verb: 'dial', target: [{ type: 'sip', sipUri: 'http://x' }] }, 'target[0].sipUri', /sip: or sips:/],
  [
    { verb: 'dial', target: [{ type: 'phone', number: '1' }], headers: { 'Bad Header': 'x' } },
    'headers.Bad Header',
    /.+/,
  ],
  [
    { verb: 'dial', target: [{ type: 'phone', number: '1' }], headers: { 'X-A': 'a\r\nInjected: 1' } },
    'headers.X-A',
    /one line/,
  ],
  [{ verb: 'transfer' }, 'referTo', /.+/],
  [{ verb: 'transfer', referTo: 'bob' }, 'referTo', /sip: URI or a number/],
  [{ verb: 'record', file: '../etc/passwd' }, 'file', /recordings folder|relative/],
  [{ verb: 'record', file: '/abs.wav' }, 'file', /relative/],
  [{ verb: 'record', mode: 'quad' }, 'mode', /.+/],
  [{ verb: 'redirect' }, 'actionHook', /.+/],
  [{ verb: 'hangup', cause: 999 }, 'cause', /Q\.850 cause/],
  [{ verb: 'hangup', headers: { 'X-R': 5 } }, 'headers.X-R', /string/],
  [{ verb: 'tag' }, 'data', /.+/],
  [{ verb: 'tag', data: { big: 'x'.repeat(9000) } }, 'data', /8192 bytes/],
];

describe('verb schemas', () => {
  it('cover every verb', () => {
    assert.deepEqual(Object.keys(valid).sort(), [...VERB_NAMES].sort());
  });

  for (const [name, cases] of Object.entries(valid)) {
    it(`${name}: valid options pass`, () => {
      const r = validateVerbs(cases);
      assert.ok(r.ok, r.ok ? '' : r.message);
      assert.equal(r.verbs.length, cases.length);
      for (const v of r.verbs) assert.equal(v.verb, name);
    });
  }

  for (const [verb, path, msg] of invalid) {
    const name = (verb as { verb: string }).verb;
    it(`${name}: rejects ${JSON.stringify(verb).slice(0, 90)}`, () => {
      const r = validateVerbs([{ verb: 'pause', length: 1 }, verb]);
      assert.ok(!r.ok, 'should be invalid');
      const iss = r.issues[0]!;
      assert.equal(iss.index, 1);
      assert.equal(iss.verb, name);
      const got = iss.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '');
      assert.equal(got, path, r.message);
      assert.match(iss.message, msg);
    });
  }

  it('play strips file: URLs to paths', () => {
    const r = validateVerbs([{ verb: 'play', url: 'file:///opt/prompts/a%20b.wav' }]);
    assert.ok(r.ok);
    assert.deepEqual(r.verbs[0], { verb: 'play', url: '/opt/prompts/a b.wav' });
  });
});

describe('verb list validation', () => {
  it('lists every problem with the verb index and field path', () => {
    const r = validateVerbs([
      { verb: 'say', text: 'hi' },
      { verb: 'sing', text: 'la' },
      { verb: 'gather', numDigits: 'four', finishOnKey: 'x' },
      'hangup',
      { text: 'no verb' },
      { verb: 'pause', length: 1 },
    ]);
    assert.ok(!r.ok);
    const lines = r.issues.map(formatIssue);
    assert.equal(lines.length, 5, lines.join('\n'));
    assert.match(lines[0]!, /^\[1\] sing\.verb: unknown verb "sing" \(one of config, say, play/);
    assert.ok(lines.some((l) => /^\[2\] gather\.numDigits: /.test(l)));
    assert.ok(lines.some((l) => /^\[2\] gather\.finishOnKey: one DTMF key/.test(l)));
    assert.match(lines[3]!, /^\[3\]: a verb must be a JSON object/);
    assert.match(lines[4]!, /^\[4\]\.verb: missing "verb"/);
    assert.equal(r.message, lines.join('; '));
  });

  it('refuses what is not a list, too many verbs, and bounds the report', () => {
    const notList = validateVerbs({ verb: 'say', text: 'x' });
    assert.ok(!notList.ok);
    assert.match(notList.message, /must be a JSON array/);
    const many = validateVerbs(
      Array.from({ length: 5 }, () => ({ verb: 'pause', length: 1 })),
      { maxVerbs: 4 },
    );
    assert.ok(!many.ok);
    assert.match(many.message, /more than 4 verbs/);
    const bad = validateVerbs(
      Array.from({ length: 30 }, () => ({ verb: 'nope' })),
      { maxIssues: 3 },
    );
    assert.ok(!bad.ok);
    assert.equal(bad.issues.length, 3);
    assert.match(bad.message, /and 27 more$/);
  });

  it('accepts an empty list and the short form', () => {
    const r = validateVerbs([{ pause: { length: 2 } }, { hangup: {} }]);
    assert.ok(r.ok);
    assert.deepEqual(r.verbs, [{ verb: 'pause', length: 2 }, { verb: 'hangup' }]);
    assert.deepEqual(validateVerbs([]), { ok: true, verbs: [] });
  });
});

describe('the survey example speaks this verb dialect', () => {
  it('every verb list it produces validates', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const { loadSurvey, SurveyRun } = await import('../../../examples/survey/survey.js');
    const file = new URL('../../../../examples/survey/survey.yaml', import.meta.url);
    const survey = loadSurvey(parse(readFileSync(file, 'utf8')));
    const run = new SurveyRun(survey, 'cs-1', { from: '1', to: '2' }, 'http://127.0.0.1:1/survey');
    const lists = [run.start()];
    for (let i = 0; i < survey.rounds.length; i++) {
      lists.push(run.answer(i, 1, { reason: 'timeout' }).verbs);
      lists.push(run.answer(i, 2, { reason: 'dtmfDetected', digits: '1' }).verbs);
    }
    for (const l of lists) {
      const r = validateVerbs(l);
      assert.ok(r.ok, r.ok ? '' : r.message);
    }
  });
});
