/** The steps and the executor against a scripted StepContext in fake time. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DigitQueue,
  expandDigits,
  StepExecutor,
  type DigitsResult,
  type RecordingHandle,
  type StepContext,
  type StepSpec,
} from '../../src/call/index.js';
import type { PlayEnd } from '../../src/media/index.js';
import { FakeClock } from '../helpers/fake-clock.js';

const noop = (): void => undefined;

class FakeCtx implements StepContext {
  readonly callId = 'test';
  readonly clock = new FakeClock();
  readonly logger = { debug: noop, info: noop, warn: noop, error: noop };
  readonly vars = new Map<string, string>();
  readonly digits = new DigitQueue();
  ended = false;
  answered = false;
  early = false;
  log: string[] = [];
  playing: ((why: PlayEnd | 'error', detail?: string) => void) | undefined;
  digitsResult: DigitsResult = { ok: true };
  answer(): boolean {
    this.log.push('answer');
    this.answered = true;
    return true;
  }
  ring(): boolean {
    this.log.push('ring');
    return true;
  }
  ensureMedia(): boolean {
    if (!this.answered) this.early = true;
    return !this.ended;
  }
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
  sendDigits(
    digits: string,
    method: string | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<DigitsResult> {
    this.log.push(`send ${digits} ${method ?? 'trunk'} ${toneMs}/${gapMs}`);
    return Promise.resolve(this.digitsResult);
  }
  async record(file: string): Promise<RecordingHandle | string> {
    this.log.push(`record ${file}`);
    return {
      path: `/rec/${file}`,
      stop: () => {
        this.log.push('record stop');
        return Promise.resolve({ path: `/rec/${file}`, dataBytes: 3200, durationMs: 200, droppedFrames: 0 });
      },
    };
  }
  hangup(cause: number): void {
    this.log.push(`hangup ${cause}`);
    this.ended = true;
  }
}

const collect = (o: Partial<Extract<StepSpec, { type: 'collectDigits' }>> = {}): StepSpec => ({
  type: 'collectDigits',
  maxDigits: 4,
  terminator: '#',
  firstDigitTimeoutMs: 5000,
  interDigitTimeoutMs: 2000,
  into: 'digits',
  ...o,
});

const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('collectDigits', () => {
  it('takes type-ahead first, stops at the terminator (not stored) and at maxDigits', async () => {
    const ctx = new FakeCtx();
    ctx.digits.push('1');
    ctx.digits.push('2');
    const ex = new StepExecutor(ctx);
    const run = ex.run([collect()]);
    ctx.digits.push('3');
    ctx.digits.push('#');
    ctx.digits.push('9');
    const [r] = await run;
    assert.equal(r!.outcome, 'done');
    assert.equal(r!.value, '123');
    assert.equal(ctx.vars.get('digits'), '123');
    assert.equal(ctx.digits.take(), '9', 'what follows stays queued');
    const ex2 = new StepExecutor(ctx);
    const run2 = ex2.run([collect({ maxDigits: 2, into: 'pin' })]);
    ctx.digits.push('4');
    ctx.digits.push('5');
    assert.equal((await run2)[0]!.value, '45');
    assert.equal(ctx.vars.get('pin'), '45');
  });

  it('first-digit timeout gives `timeout`; the inter-digit timeout ends with what was typed', async () => {
    const ctx = new FakeCtx();
    const r1 = new StepExecutor(ctx).run([collect()]);
    ctx.clock.advance(4999);
    await flush();
    ctx.clock.advance(1);
    assert.equal((await r1)[0]!.outcome, 'timeout');
    const r2 = new StepExecutor(ctx).run([collect()]);
    ctx.clock.advance(4000);
    ctx.digits.push('7');
    ctx.clock.advance(1999);
    ctx.digits.push('8');
    ctx.clock.advance(1999);
    await flush();
    ctx.clock.advance(1);
    const res = (await r2)[0]!;
    assert.deepEqual([res.outcome, res.value], ['done', '78']);
    assert.equal(ctx.clock.pending, 0, 'no timer left');
  });
});

describe('play', () => {
  it('plays to the end, or stops on a digit (barge-in) which stays queued', async () => {
    const ctx = new FakeCtx();
    const ex = new StepExecutor(ctx);
    const run = ex.run([
      { type: 'play', file: 'a.wav', bargeIn: false },
      { type: 'play', file: 'b.wav', bargeIn: true },
    ]);
    await flush();
    ctx.digits.push('5'); // no barge-in on a.wav
    assert.ok(ctx.playing);
    ctx.playing('done');
    await flush();
    assert.deepEqual(ctx.log, ['play a.wav'], 'b.wav is not played: a digit is already waiting');
    const recs = await run;
    assert.deepEqual(
      recs.map((r) => [r.type, r.outcome]),
      [
        ['play', 'done'],
        ['play', 'barged'],
      ],
    );
    assert.equal(ctx.digits.take(), '5');
    const ctx2 = new FakeCtx();
    const run2 = new StepExecutor(ctx2).run([{ type: 'play', file: 'c.wav', bargeIn: true }]);
    await flush();
    ctx2.digits.push('1');
    assert.equal((await run2)[0]!.outcome, 'barged');
    assert.deepEqual(ctx2.log, ['play c.wav', 'stop']);
    const ctx3 = new FakeCtx();
    const run3 = new StepExecutor(ctx3).run([{ type: 'play', file: 'missing.wav', bargeIn: false }]);
    await flush();
    ctx3.playing!('error', 'not found');
    assert.deepEqual([(await run3)[0]!.outcome, (await run3)[0]!.detail], ['failed', 'not found']);
  });
});

describe('the executor', () => {
  it('runs answer, ring, pause, sendDigits ({var}), record and hangup in order, and stops at hangup', async () => {
    const ctx = new FakeCtx();
    ctx.vars.set('pin', '42');
    const ex = new StepExecutor(ctx);
    const run = ex.run([
      { type: 'ring', ms: 100 },
      { type: 'answer' },
      { type: 'pause', ms: 300 },
      { type: 'sendDigits', digits: '{pin}#', method: 'info', toneMs: 80, gapMs: 60 },
      { type: 'record', file: 'r.wav', mode: 'mixed', maxMs: 1000, stopOnDigit: true },
      { type: 'hangup', cause: 17 },
      { type: 'answer' },
    ]);
    for (let i = 0; i < 10; i++) {
      await flush();
      ctx.clock.advance(100);
    }
    await flush();
    ctx.digits.push('1'); // ends the recording
    const recs = await run;
    assert.deepEqual(ctx.log, [
      'ring',
      'answer',
      'send 42# info 80/60',
      'record r.wav',
      'record stop',
      'hangup 17',
    ]);
    assert.deepEqual(
      recs.map((r) => [r.type, r.outcome]),
      [
        ['ring', 'done'],
        ['answer', 'done'],
        ['pause', 'done'],
        ['sendDigits', 'done'],
        ['record', 'done'],
        ['hangup', 'done'],
      ],
    );
    assert.equal(recs[4]!.value, '/rec/r.wav');
  });

  it('kill stops the running step at once and drops the rest; a failing sendDigits is reported', async () => {
    const ctx = new FakeCtx();
    const ex = new StepExecutor(ctx);
    const run = ex.run([{ type: 'pause', ms: 60_000 }, { type: 'answer' }]);
    await flush();
    assert.equal(ex.currentType, 'pause');
    ex.kill();
    const recs = await run;
    assert.deepEqual(
      recs.map((r) => r.outcome),
      ['killed'],
    );
    assert.equal(ctx.clock.pending, 0);
    const ctx2 = new FakeCtx();
    ctx2.digitsResult = { ok: false, reason: 'rejected', sipCode: 415 };
    const r2 = await new StepExecutor(ctx2).run([
      { type: 'sendDigits', digits: 'x1', method: undefined, toneMs: 100, gapMs: 100 },
    ]);
    assert.equal(r2[0]!.outcome, 'failed', 'bad digits are refused before sending');
    const r3 = await new StepExecutor(ctx2).run([
      { type: 'sendDigits', digits: '1', method: undefined, toneMs: 100, gapMs: 100 },
    ]);
    assert.deepEqual([r3[0]!.outcome, r3[0]!.detail], ['failed', 'rejected']);
  });

  it('enqueue adds steps to a running sequence; interrupt kills only the current step', async () => {
    const ctx = new FakeCtx();
    const ex = new StepExecutor(ctx);
    const run = ex.run([{ type: 'pause', ms: 60_000 }]);
    await flush();
    ex.enqueue([{ type: 'answer' }]);
    ex.interrupt();
    const recs = await run;
    assert.deepEqual(
      recs.map((r) => [r.type, r.outcome]),
      [
        ['pause', 'killed'],
        ['answer', 'done'],
      ],
    );
  });

  it('a call that ended runs nothing more', async () => {
    const ctx = new FakeCtx();
    ctx.ended = true;
    assert.deepEqual(await new StepExecutor(ctx).run([{ type: 'answer' }]), []);
    assert.equal(
      expandDigits(
        '{a}*{b}#{none}',
        new Map([
          ['a', '1'],
          ['b', '22'],
        ]),
      ),
      '1*22#',
    );
  });
});
