/**
 * End to end below the SIP layer: the plan runner against a DialControl that does what the call
 * layer will do with real audio — plays the platform's recordings (through G.711), runs them
 * through the real CallProgressAnalyzer (reference primitives), loads the profile's reference
 * WAVs as fingerprints and learns prompts on request. Fake time, 20 ms frames.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  PlanRunner,
  resolveDial,
  type AnalysisRequest,
  type AnalysisSupport,
  type DialControl,
  type DialEvent,
  type DialResult,
  type DtmfCapabilities,
  type HangupCause,
  type OriginateRequest,
  type PromptLabel,
  type SendDigitsRequest,
} from '../../src/dialing/index.js';
import { buildReference, CallProgressAnalyzer, readWav } from '../../src/media/progress/index.js';
import { concat, g711, pcm, silence } from '../media/progress/audio.js';
import { referencePrimitives } from '../media/progress/reference-primitives.js';
import { FakeClock, TrackingClock } from './fake-clock.js';
import { PROFILES } from './harness.js';

type After = 'hello' | 'busy';

class AudioPlatform implements DialControl {
  readonly raw = new FakeClock();
  readonly clock = new TrackingClock(this.raw);
  readonly sent: SendDigitsRequest[] = [];
  readonly hangups: HangupCause[] = [];
  private listener: (ev: DialEvent) => void = () => undefined;
  private analyzer: CallProgressAnalyzer | undefined;
  private queue: Int16Array[] = [];
  private offset = 0;
  private ended = false;
  private entries = 0;
  private buffer = '';

  constructor(
    private readonly ext: string | undefined,
    private readonly after: After = 'hello',
    private readonly dropFirst = 0,
  ) {}

  originate(_req: OriginateRequest, listener: (ev: DialEvent) => void): void {
    this.listener = listener;
    this.raw.setTimeout(() => listener({ type: 'answered' }), 500);
    this.raw.setTimeout(() => this.play(silence(300), this.coded('prompt.wav')), 500);
    const tick = () => {
      if (this.ended) return;
      this.frame();
      this.raw.setTimeout(tick, 20);
    };
    this.raw.setTimeout(tick, 20);
  }

  startAnalysis(req: AnalysisRequest): AnalysisSupport {
    this.analyzer = new CallProgressAnalyzer(
      referencePrimitives,
      { sampleRate: 8000, learnHistoryMs: req.learn ? 15_000 : 0 },
      (event) => {
        if (!this.ended) this.listener({ type: 'media', event });
      },
    );
    for (const r of req.references) {
      const wav = readWav(readFileSync(r.file));
      assert.ok(wav.ok);
      const ref = buildReference(r.id, r.label, wav.value.samples, wav.value.sampleRate, referencePrimitives);
      assert.ok(ref.ok);
      this.analyzer.addReference(ref.value);
    }
    return { fingerprint: true, keyword: false, learn: req.learn };
  }

  dtmfCapabilities(): DtmfCapabilities {
    return { rfc4733: true, info: false, inband: true };
  }

  sendDigits(req: SendDigitsRequest): void {
    this.sent.push(req);
    const ms = req.digits.length * (req.toneMs + req.gapMs);
    this.raw.setTimeout(() => {
      if (this.ended) return;
      this.listener({ type: 'digits-done', id: req.id });
      this.collect(req.digits);
    }, ms);
  }

  learnReference(id: string, label: PromptLabel, fromMs: number, toMs: number): boolean {
    return this.analyzer?.learnReference(id, label, fromMs, toMs).ok ?? false;
  }

  stopAnalysis(): void {
    this.analyzer = undefined;
  }

  hangup(cause: HangupCause): void {
    this.hangups.push(cause);
    this.ended = true;
  }

  private collect(digits: string): void {
    this.buffer += digits;
    if (!this.buffer.endsWith('#')) return;
    const got = this.buffer.slice(0, -1);
    this.buffer = '';
    this.entries++;
    this.queue = [];
    if (got === this.ext && this.entries > this.dropFirst) {
      const ring = concat(...Array.from({ length: 2 }, () => concat(this.tone(1000), silence(4000))));
      if (this.after === 'busy')
        this.play(silence(500), this.coded('busy-cn.wav'), this.coded('busy-cn.wav'));
      else this.play(silence(500), g711(ring, 'alaw'), silence(300), this.coded('hello.wav'), silence(3000));
    } else {
      this.play(silence(700), this.coded('invalid.wav'), silence(300), this.coded('prompt.wav'));
    }
  }

  private tone(ms: number): Int16Array {
    const n = ms * 8;
    const out = new Int16Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.round(4000 * Math.sin((2 * Math.PI * 450 * i) / 8000));
    return out;
  }

  private coded(name: string): Int16Array {
    return g711(pcm(name), 'alaw');
  }

  private play(...parts: Int16Array[]): void {
    this.queue.push(...parts);
  }

  private readonly frameBuf = new Int16Array(160);

  private frame(): void {
    const f = this.frameBuf;
    f.fill(0);
    let filled = 0;
    while (filled < 160 && this.queue.length > 0) {
      const cur = this.queue[0]!;
      const take = Math.min(160 - filled, cur.length - this.offset);
      f.set(cur.subarray(this.offset, this.offset + take), filled);
      filled += take;
      this.offset += take;
      if (this.offset >= cur.length) {
        this.queue.shift();
        this.offset = 0;
      }
    }
    // A little line noise so silence is not digital zero.
    for (let i = 0; i < 160; i++) f[i] = f[i]! + ((i * 7919 + this.raw.now()) % 7) - 3;
    this.analyzer?.push(f);
  }
}

function run(to: string, p: AudioPlatform): DialResult {
  const job = resolveDial(PROFILES, { to, trunk: 'carrier-rfc4733' });
  assert.ok(job.ok);
  const logs: string[] = [];
  const log = (msg: string, meta?: Record<string, unknown>) => logs.push(`${msg} ${JSON.stringify(meta)}`);
  const runner = new PlanRunner(p, job.value, {
    callId: 'audio-1',
    logger: { debug: log, info: log, warn: log, error: log },
  });
  void runner.start();
  p.raw.runUntil(() => runner.outcome !== undefined, 200_000, 100);
  assert.ok(runner.outcome, logs.join('\n'));
  assert.equal(p.clock.outstanding, 0);
  return runner.outcome;
}

describe('plan runner on real audio (espeak-ng prompts through G.711, real analyzer)', () => {
  it('fingerprint scheme: digits right after the prompt recording ends, then ringback and "喂，你好"', () => {
    const p = new AudioPlatform('1234');
    const r = run('17001234567-1234', p);
    assert.deepEqual([r.outcome, r.detail], ['reached_extension', 'speech']);
    assert.deepEqual(
      p.sent.map((s) => [s.digits, s.method]),
      [['1234#', 'rfc4733']],
    );
    const promptEnd = 500 + 300 + pcm('prompt.wav').length / 8;
    assert.ok(
      Math.abs(r.timings.firstDigitMs! - (promptEnd + 200)) < 100,
      `digits at ${r.timings.firstDigitMs}, prompt ended ${promptEnd}`,
    );
    assert.ok(r.timings.ringbackMs! > r.timings.lastDigitMs!);
  });

  it('fingerprint scheme: "分机号无效" and the re-prompt recognised, resend, reached on attempt 2', () => {
    const p = new AudioPlatform('1234', 'hello', 1);
    const r = run('17001234567-1234', p);
    assert.deepEqual([r.outcome, r.attempts], ['reached_extension', 2]);
    assert.deepEqual(r.heard.slice(0, 3), ['prompt', 'invalid', 'prompt']);
  });

  it('fingerprint scheme: a wrong extension every time is invalid_extension after 3 attempts', () => {
    const p = new AudioPlatform('9999');
    const r = run('17001234567-1234', p);
    assert.deepEqual([r.outcome, r.attempts], ['invalid_extension', 3]);
    assert.deepEqual(p.hangups, ['invalid_extension']);
  });

  it('fingerprint scheme: busy tone after the extension is customer_busy', () => {
    const r = run('17001234567-1234', new AudioPlatform('1234', 'busy'));
    assert.deepEqual([r.outcome, r.detail], ['customer_busy', 'busy_tone']);
  });

  it('generic scheme: VAD finds the prompt end, the customer answers', () => {
    const r = run('13800138000-56', new AudioPlatform('56'));
    assert.deepEqual([r.outcome, r.platform], ['reached_extension', 'generic']);
    assert.equal(r.steps[1]!.result, 'silence');
  });

  it('generic scheme: the prompt learnt from the call catches endless re-prompts', () => {
    const p = new AudioPlatform('00');
    const r = run('13800138000-56', p);
    assert.deepEqual([r.outcome, r.attempts, r.detail], ['invalid_extension', 3, 'reprompted_prompt']);
  });
});
