/** Each verb's exec and kill on a fake host in fake time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createVerb,
  newVerbSession,
  validateVerbs,
  type DialOutcome,
  type DialRequest,
  type GatherOutcome,
  type ReferOutcome,
  type ReferRequest,
  type SayOutcome,
  type SayRequest,
  type SpeechGatherRequest,
  type VerbResult,
  type VerbSession,
} from '../../../src/call/index.js';
import { FakeClock } from '../../helpers/fake-clock.js';
import { FakeHost, manual, tick, type FakeHostOptions } from './fake-host.js';

function spec(v: unknown) {
  const r = validateVerbs([v]);
  if (!r.ok) throw new Error(r.message);
  return r.verbs[0]!;
}

function setup(o: FakeHostOptions = {}) {
  const clock = new FakeClock(1000);
  const host = new FakeHost(clock, o);
  const session = newVerbSession();
  const run = (v: unknown, s: VerbSession = session) => {
    const verb = createVerb(spec(v));
    let result: VerbResult | undefined;
    const done = verb.exec(host, s).then((r) => (result = r));
    return {
      verb,
      done,
      get result() {
        return result;
      },
    };
  };
  /** Advances fake time in small steps, letting promises settle between them. */
  const advance = async (ms: number, step = 10) => {
    for (let t = 0; t < ms; t += step) {
      clock.advance(Math.min(step, ms - t));
      await tick();
    }
  };
  return { clock, host, session, run, advance };
}

describe('play', () => {
  it('plays each file loop times, answers first, posts playCompleted', async () => {
    const { host, run, advance, clock } = setup({ playMs: 500 });
    const p = run({ verb: 'play', url: ['a.wav', 'b.wav'], loop: 2, actionHook: '/played' });
    await advance(1990);
    assert.equal(p.result, undefined);
    await advance(20);
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(host.actions, ['answer', 'play a.wav', 'play b.wav', 'play a.wav', 'play b.wav']);
    assert.deepEqual(r.hook, '/played');
    assert.deepEqual(r.hookData, { reason: 'playCompleted', playback_milliseconds: 2000 });
    assert.equal(clock.pending, 0, 'no timer left');
  });

  it('earlyMedia plays before the answer; a digit barges in and stays queued', async () => {
    const { host, run, advance, clock } = setup({ playMs: 5000 });
    const p = run({ verb: 'play', url: 'a.wav', earlyMedia: true, dtmfBargein: true, actionHook: '/x' });
    await advance(300);
    host.press('5');
    const r = await p.done;
    assert.equal(r.outcome, 'barged');
    assert.deepEqual(r.hookData, { reason: 'playInterrupted', playback_milliseconds: 300 });
    assert.deepEqual(host.actions, ['early', 'play a.wav', 'stop a.wav']);
    assert.equal(host.digits.take(), '5');
    assert.equal(clock.pending, 0);
  });

  it('timeoutSecs stops it; a missing file fails; kill stops playback without a hook', async () => {
    const s = setup({ playMs: 5000, missing: ['gone.wav'] });
    const p = s.run({ verb: 'play', url: 'a.wav', timeoutSecs: 1 });
    await s.advance(1000);
    assert.equal((await p.done).outcome, 'timeout');
    const f = s.run({ verb: 'play', url: 'gone.wav', actionHook: '/h' });
    await s.advance(10);
    const fr = await f.done;
    assert.equal(fr.outcome, 'failed');
    assert.equal(fr.hookData?.reason, 'playFailed');
    const k = s.run({ verb: 'play', url: 'a.wav', actionHook: '/h' });
    await s.advance(100);
    k.verb.kill();
    const kr = await k.done;
    assert.equal(kr.outcome, 'killed');
    assert.equal(kr.hook, undefined);
    assert.equal(s.host.isPlaying, undefined);
    assert.equal(s.clock.pending, 0);
  });

  it('a call already over ends the verb at once', async () => {
    const { host, run } = setup();
    host.ended = true;
    assert.equal((await run({ verb: 'play', url: 'a.wav' }).done).outcome, 'ended');
  });
});

describe('gather (digits)', () => {
  it('numDigits ends it; the prompt is cut by the first digit; posts dtmfDetected', async () => {
    const { host, run, advance, clock } = setup({ playMs: 3000 });
    const p = run({ verb: 'gather', numDigits: 3, play: { url: 'menu.wav' }, actionHook: '/menu' });
    await advance(500);
    assert.equal(host.isPlaying, 'menu.wav');
    host.press('1');
    assert.equal(host.isPlaying, undefined, 'barge-in');
    host.press('23');
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(r.hookData, { reason: 'dtmfDetected', digits: '123' });
    assert.equal(clock.pending, 0);
  });

  it('finishOnKey ends it (not part of the digits); type-ahead skips the prompt', async () => {
    const { host, run } = setup({ playMs: 3000 });
    host.press('42#9');
    const r = await run({ verb: 'gather', finishOnKey: '#', play: { url: 'menu.wav' }, actionHook: '/x' })
      .done;
    assert.deepEqual(r.hookData, { reason: 'dtmfDetected', digits: '42' });
    assert.ok(!host.actions.includes('play menu.wav'));
    assert.equal(host.digits.take(), '9', 'later digits stay queued');
  });

  it('timeout counts from the end of the prompt; no digits → timeout', async () => {
    const { run, advance, clock } = setup({ playMs: 2000 });
    const p = run({ verb: 'gather', timeout: 3, play: { url: 'menu.wav' }, actionHook: '/x' });
    await advance(4900);
    assert.equal(p.result, undefined, 'prompt 2 s + 3 s');
    await advance(200);
    const r = await p.done;
    assert.equal(r.outcome, 'timeout');
    assert.deepEqual(r.hookData, { reason: 'timeout' });
    assert.equal(clock.pending, 0);
  });

  it('interDigitTimeout after some digits; minDigits decides the reason', async () => {
    const s = setup();
    const p = s.run({
      verb: 'gather',
      minDigits: 2,
      maxDigits: 6,
      timeout: 5,
      interDigitTimeout: 1,
      actionHook: '/x',
    });
    await s.advance(500);
    s.host.press('7');
    await s.advance(990);
    assert.equal(p.result, undefined);
    await s.advance(20);
    assert.deepEqual((await p.done).hookData, { reason: 'timeout', digits: '7' });
    const q = s.run({ verb: 'gather', minDigits: 2, timeout: 5, interDigitTimeout: 1 });
    s.host.press('78');
    await s.advance(1010);
    const qr = await q.done;
    assert.equal(qr.outcome, 'done');
    assert.equal(qr.detail, '78');
    assert.equal(qr.hook, undefined, 'no actionHook: the next verb runs');
  });

  it('dtmfBargein false lets the prompt finish; listenDuringPrompt false drops digits pressed during it', async () => {
    const s = setup({ playMs: 1000 });
    const p = s.run({ verb: 'gather', numDigits: 1, dtmfBargein: false, play: { url: 'm.wav' } });
    await s.advance(200);
    s.host.press('3');
    assert.equal(s.host.isPlaying, 'm.wav');
    await s.advance(810);
    assert.equal((await p.done).detail, '3');
    const q = s.run({
      verb: 'gather',
      numDigits: 1,
      timeout: 1,
      listenDuringPrompt: false,
      play: { url: 'm.wav' },
    });
    await s.advance(200);
    s.host.press('4');
    await s.advance(2000);
    const qr = await q.done;
    assert.equal(qr.outcome, 'timeout');
    assert.equal(s.clock.pending, 0);
  });

  it('a nested say goes through the speech capability; kill stops it', async () => {
    const says: SayRequest[] = [];
    const runs: ReturnType<typeof manual<SayOutcome>>[] = [];
    const speech = {
      say: (r: SayRequest) => {
        says.push(r);
        const m = manual<SayOutcome>(() => ({ cause: 'stopped' }));
        runs.push(m);
        return m;
      },
      gather: () => manual<GatherOutcome>(() => ({ reason: 'error' })),
    };
    const s = setup({ speech });
    s.session.synthesizer = { vendor: 'builtin', voice: 'en' };
    const p = s.run({
      verb: 'gather',
      numDigits: 2,
      say: { text: 'Your PIN?', synthesizer: { voice: 'de' } },
    });
    await s.advance(100);
    assert.deepEqual(says, [{ text: 'Your PIN?', synthesizer: { vendor: 'builtin', voice: 'de' } }]);
    p.verb.kill();
    assert.equal((await p.done).outcome, 'killed');
    assert.ok(runs[0]!.stopped);
    assert.equal(s.clock.pending, 0);
  });
});

describe('gather (speech) and say: the speech capability', () => {
  it('speech gathers go to the capability whole, with session defaults; the outcome is posted', async () => {
    let req: SpeechGatherRequest | undefined;
    const g = manual<GatherOutcome>(() => ({ reason: 'error', cause: 'stopped' }));
    const speech = {
      say: () => manual<SayOutcome>(() => ({ cause: 'stopped' })),
      gather: (r: SpeechGatherRequest) => ((req = r), g),
    };
    const s = setup({ speech });
    s.session.recognizer = { language: 'en-US', grammar: 'builtin:grammar/boolean' };
    s.session.bargein = false;
    const p = s.run({
      verb: 'gather',
      input: ['digits', 'speech'],
      numDigits: 1,
      say: { text: 'Yes or no?' },
      actionHook: '/a',
    });
    await s.advance(10);
    assert.deepEqual(req, {
      input: ['digits', 'speech'],
      numDigits: 1,
      minDigits: 1,
      maxDigits: 1,
      finishOnKey: undefined,
      timeout: 5,
      interDigitTimeout: 5,
      bargein: false,
      dtmfBargein: true,
      recognizer: { language: 'en-US', grammars: ['builtin:grammar/boolean'] },
      say: { text: 'Yes or no?', loop: 1, synthesizer: {} },
    });
    const outcome: GatherOutcome = {
      reason: 'speechDetected',
      speech: {
        is_final: true,
        language_code: 'en-US',
        alternatives: [{ transcript: 'yes', confidence: 0.9 }],
      },
    };
    g.resolve(outcome);
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(r.hookData, outcome);
  });

  it('without the capability, say and speech gather are unsupported', async () => {
    const s = setup();
    assert.equal((await s.run({ verb: 'say', text: 'hi' }).done).outcome, 'unsupported');
    assert.equal((await s.run({ verb: 'gather', input: ['speech'] }).done).outcome, 'unsupported');
  });

  it('say loops over its texts; dtmfBargein stops it; a failure is reported', async () => {
    const said: string[] = [];
    let current: ReturnType<typeof manual<SayOutcome>> | undefined;
    const speech = {
      say: (r: SayRequest) => {
        said.push(r.text);
        current = manual<SayOutcome>(() => ({ cause: 'stopped' }));
        return current;
      },
      gather: () => manual<GatherOutcome>(() => ({ reason: 'error' })),
    };
    const s = setup({ speech });
    const p = s.run({ verb: 'say', text: ['a', 'b'], loop: 2 });
    for (let i = 0; i < 4; i++) {
      await tick();
      current!.resolve({ cause: 'normal' });
      await tick();
    }
    assert.equal((await p.done).outcome, 'done');
    assert.deepEqual(said, ['a', 'b', 'a', 'b']);
    const b = s.run({ verb: 'say', text: 'long', dtmfBargein: true });
    await tick();
    s.host.press('1');
    assert.equal((await b.done).outcome, 'barged');
    assert.ok(current!.stopped);
    const f = s.run({ verb: 'say', text: 'x' });
    await tick();
    current!.resolve({ cause: 'language-unsupported', details: 'xx' });
    const fr = await f.done;
    assert.equal(fr.outcome, 'failed');
    assert.equal(fr.detail, 'language-unsupported: xx');
  });
});

describe('dtmf, pause, hangup, tag, config, redirect', () => {
  it('dtmf sends groups, w waits half a second', async () => {
    const s = setup();
    const p = s.run({ verb: 'dtmf', dtmf: '12w3', duration: 100, gap: 50, method: 'info' });
    await s.advance(300);
    assert.deepEqual(s.host.actions, ['early', 'dtmf 12 info 100/50']);
    await s.advance(500);
    assert.deepEqual(s.host.actions.slice(2), ['dtmf 3 info 100/50']);
    await s.advance(200);
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.equal(s.clock.pending, 0);
  });

  it('pause waits length seconds', async () => {
    const s = setup();
    const p = s.run({ verb: 'pause', length: 1.5 });
    await s.advance(1490);
    assert.equal(p.result, undefined);
    await s.advance(20);
    assert.equal((await p.done).outcome, 'done');
  });

  it('hangup: cause and headers (Reason and dialog headers cannot be overridden); it is the last verb', async () => {
    const s = setup();
    const r = await s.run({
      verb: 'hangup',
      cause: 17,
      headers: { 'X-Why': 'busy', Reason: 'x', 'Call-ID': 'y' },
    }).done;
    assert.equal(r.last, true);
    assert.equal(s.host.hangupCause, 17);
    assert.deepEqual(s.host.hangupHeaders, [['X-Why', 'busy']]);
    const d = setup();
    await d.run({ verb: 'hangup' }).done;
    assert.equal(d.host.hangupCause, 16);
  });

  it('tag merges into the CDR tags and the session customerData, bounded', async () => {
    const s = setup();
    await s.run({ verb: 'tag', data: { a: 1 } }).done;
    await s.run({ verb: 'tag', data: { b: 'x' } }).done;
    assert.deepEqual(s.host.tags, { a: 1, b: 'x' });
    assert.deepEqual(s.session.customerData, { a: 1, b: 'x' });
    const big = await s.run({ verb: 'tag', data: { c: 'y'.repeat(8180) } }).done;
    assert.equal(big.outcome, 'failed');
    assert.deepEqual(Object.keys(s.host.tags), ['a', 'b']);
  });

  it('config sets and resets session defaults', async () => {
    const s = setup();
    await s.run({
      verb: 'config',
      synthesizer: { voice: 'en-us' },
      recognizer: { language: 'de-DE' },
      bargeIn: { enable: false, dtmfBargein: true },
    }).done;
    assert.deepEqual(s.session.synthesizer, { voice: 'en-us' });
    assert.deepEqual(s.session.recognizer, { language: 'de-DE' });
    assert.equal(s.session.bargein, false);
    assert.equal(s.session.dtmfBargein, true);
    await s.run({ verb: 'config', reset: ['bargeIn', 'synthesizer'], synthesizer: { language: 'fr' } }).done;
    assert.deepEqual(s.session.synthesizer, { language: 'fr' });
    assert.equal(s.session.bargein, true);
    assert.equal(s.session.dtmfBargein, false);
  });

  it('redirect asks for a replacement list', async () => {
    const s = setup();
    const r = await s.run({ verb: 'redirect', actionHook: '/next' }).done;
    assert.deepEqual([r.hook, r.replace], ['/next', true]);
  });
});

describe('record', () => {
  it('records until a finishOnKey digit and posts the file', async () => {
    const s = setup();
    const p = s.run({
      verb: 'record',
      file: 'm/{callId}.wav',
      maxLength: 30,
      finishOnKey: '#',
      mode: 'mixed',
      actionHook: '/rec',
    });
    await s.advance(2000);
    s.host.press('#');
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(s.host.actions, ['answer', 'record m/{callId}.wav mixed 30000', 'record stop']);
    assert.deepEqual(r.hookData, {
      recording_file: '/rec/m/{callId}.wav',
      recording_duration_ms: 2000,
      digits: '#',
    });
    assert.equal(s.clock.pending, 0);
  });

  it('stops at maxLength; a beep plays first; kill stops the recording', async () => {
    const s = setup({ playMs: 200 });
    const p = s.run({ verb: 'record', maxLength: 1, playBeep: true });
    await s.advance(1300);
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(s.host.actions.slice(0, 2), ['answer', 'play beep.wav']);
    const k = s.run({ verb: 'record' });
    await s.advance(100);
    k.verb.kill();
    assert.equal((await k.done).outcome, 'killed');
    await tick();
    assert.equal(s.host.actions.at(-1), 'record stop');
    assert.equal(s.clock.pending, 0);
  });
});

describe('dial and transfer: the dial and refer capabilities', () => {
  it('dial passes its request and posts the outcome; kill stops the dial', async () => {
    let req: DialRequest | undefined;
    const d = manual<DialOutcome>(() => ({ dial_call_status: 'canceled' }));
    const s = setup({ dial: (r) => ((req = r), d) });
    const p = s.run({
      verb: 'dial',
      target: [{ type: 'phone', number: '17012345678-1234', trunk: 'carrier' }],
      callerId: '4001',
      timeout: 20,
      headers: { 'X-C': '1' },
      actionHook: '/dialed',
    });
    await tick();
    assert.deepEqual(req, {
      targets: [{ type: 'phone', number: '17012345678-1234', trunk: 'carrier' }],
      callerId: '4001',
      timeout: 20,
      timeLimit: undefined,
      headers: { 'X-C': '1' },
      plan: undefined,
      answerOnBridge: false,
    });
    assert.deepEqual(s.host.actions, ['answer']);
    d.resolve({
      dial_call_status: 'completed',
      dial_sip_status: 200,
      dial_call_sid: 'x',
      dial_call_duration: 12,
    });
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(r.hookData, {
      dial_call_status: 'completed',
      dial_sip_status: 200,
      dial_call_sid: 'x',
      dial_call_duration: 12,
    });
    const d2 = manual<DialOutcome>(() => ({ dial_call_status: 'canceled' }));
    const s2 = setup({ dial: () => d2 });
    const k = s2.run({ verb: 'dial', target: [{ type: 'sip', sipUri: 'sip:a@b' }], answerOnBridge: true });
    await tick();
    assert.deepEqual(s2.host.actions, [], 'answerOnBridge: not answered yet');
    k.verb.kill();
    assert.equal((await k.done).outcome, 'killed');
    assert.ok(d2.stopped);
    assert.equal(
      (await setup().run({ verb: 'dial', target: [{ type: 'sip', sipUri: 'sip:a@b' }] }).done).outcome,
      'unsupported',
    );
  });

  it('transfer: an accepted REFER with a 200 NOTIFY hangs up; NOTIFYs are progress', async () => {
    const progress: unknown[] = [];
    let req: ReferRequest | undefined;
    const ref = manual<ReferOutcome>(() => ({ referStatus: 0 }));
    const s = setup({ refer: (r) => ((req = r), ref) });
    const session = newVerbSession((verb, data) => progress.push({ verb, ...data }));
    const p = s.run({ verb: 'sip:refer', referTo: 'sip:bob@10.0.0.2', actionHook: '/t' }, session);
    await tick();
    req!.onNotify?.(100);
    req!.onNotify?.(180);
    ref.resolve({ referStatus: 202, finalStatus: 200 });
    const r = await p.done;
    assert.equal(r.outcome, 'done');
    assert.equal(r.last, true);
    assert.equal(s.host.hangupCause, 16);
    assert.deepEqual(r.hookData, { refer_status: 202, final_referred_call_status: 200 });
    assert.deepEqual(progress, [
      { verb: 'sip:refer', event: 'notify', sip_status: 100 },
      { verb: 'sip:refer', event: 'notify', sip_status: 180 },
    ]);
  });

  it('transfer: a refused REFER falls back to dial; dialFallback false does not', async () => {
    let dialed: DialRequest | undefined;
    const s = setup({
      refer: () => ({ done: Promise.resolve({ referStatus: 603 }), stop: () => undefined }),
      dial: (r) => (
        (dialed = r),
        { done: Promise.resolve({ dial_call_status: 'completed' as const }), stop: () => undefined }
      ),
    });
    const r = await s.run({ verb: 'transfer', referTo: '4002', trunk: 'carrier', actionHook: '/t' }).done;
    assert.equal(r.outcome, 'done');
    assert.deepEqual(dialed?.targets, [{ type: 'phone', number: '4002', trunk: 'carrier' }]);
    assert.deepEqual(r.hookData, { refer_status: 603, dial_call_status: 'completed' });
    const n = await s.run({ verb: 'transfer', referTo: 'sip:x@y', dialFallback: false }).done;
    assert.equal(n.outcome, 'failed');
    assert.equal(n.detail, 'refer 603');
    assert.equal((await setup().run({ verb: 'transfer', referTo: 'sip:x@y' }).done).outcome, 'unsupported');
  });
});

describe('REFER helpers (RFC 3515, RFC 3420)', () => {
  it('read a sipfrag status line and make a Refer-To from a number', async () => {
    const { sipfragStatus, referTarget } = await import('../../../src/call/refer.js');
    assert.equal(sipfragStatus(Buffer.from('SIP/2.0 100 Trying\r\n')), 100);
    assert.equal(sipfragStatus(Buffer.from('SIP/2.0 603 Declined')), 603);
    assert.equal(sipfragStatus(Buffer.from('HTTP/1.1 200 OK')), undefined);
    assert.equal(sipfragStatus(Buffer.alloc(0)), undefined);
    assert.equal(referTarget('4002', 'sip:sipp@127.0.0.1:5070;transport=udp'), 'sip:4002@127.0.0.1:5070');
    assert.equal(referTarget('sip:bob@x.example', 'sip:a@b'), 'sip:bob@x.example');
  });
});
