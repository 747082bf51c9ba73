/**
 * A VerbHost for tests: prompts "play" for a set time on the given clock (fake or real), digits
 * go through the call layer's DigitQueue, everything the verbs do is logged in `actions`.
 */
import type { PlayEnd } from '../../../src/media/index.js';
import { DigitQueue, type CallLogger, type VerbHost } from '../../../src/call/index.js';
import type {
  DialOutcome,
  DialRequest,
  HostEvent,
  ReferOutcome,
  ReferRequest,
  Running,
  SpeechCapability,
} from '../../../src/call/index.js';
import type { Clock } from '../../../src/rtp/index.js';

const noop = (): void => undefined;
export const quietLog: CallLogger = { debug: noop, info: noop, warn: noop, error: noop };

export interface FakeHostOptions {
  /** How long each prompt plays (ms); per file name or default. */
  playMs?: number | Record<string, number>;
  /** Prompt files that fail to load. */
  missing?: string[];
  speech?: SpeechCapability;
  dial?: (r: DialRequest) => Running<DialOutcome>;
  refer?: (r: ReferRequest) => Running<ReferOutcome>;
}

export class FakeHost implements VerbHost {
  readonly callId = 'call-1';
  readonly logger = quietLog;
  readonly digits = new DigitQueue();
  readonly actions: string[] = [];
  readonly tags: Record<string, unknown> = {};
  readonly listeners = new Set<(ev: HostEvent) => void>();
  ended = false;
  answered = false;
  hangupCause: number | undefined;
  hangupHeaders: ReadonlyArray<[string, string]> = [];
  private playing:
    { file: string; timer: unknown; onEnd: (why: PlayEnd | 'error', detail?: string) => void } | undefined;
  readonly speech: SpeechCapability | undefined;
  readonly dial?: (r: DialRequest) => Running<DialOutcome>;
  readonly refer?: (r: ReferRequest) => Running<ReferOutcome>;

  constructor(
    readonly clock: Clock,
    private readonly o: FakeHostOptions = {},
  ) {
    this.speech = o.speech;
    if (o.dial) this.dial = o.dial;
    if (o.refer) this.refer = o.refer;
  }

  get isPlaying(): string | undefined {
    return this.playing?.file;
  }

  answer(): boolean {
    if (this.ended) return false;
    if (!this.answered) this.actions.push('answer');
    this.answered = true;
    return true;
  }
  ensureMedia(): boolean {
    if (this.ended) return false;
    if (!this.answered) this.actions.push('early');
    return true;
  }
  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void {
    this.actions.push(`play ${file}`);
    if (this.o.missing?.includes(file)) {
      this.clock.setTimeout(() => onEnd('error', 'no such file'), 0);
      return;
    }
    this.playing?.onEnd('replaced');
    const ms = typeof this.o.playMs === 'object' ? (this.o.playMs[file] ?? 1000) : (this.o.playMs ?? 1000);
    const p = {
      file,
      onEnd,
      timer: this.clock.setTimeout(() => {
        if (this.playing === p) this.playing = undefined;
        onEnd('done');
      }, ms),
    };
    this.playing = p;
  }
  stopPlayback(): void {
    const p = this.playing;
    if (!p) return;
    this.playing = undefined;
    this.clock.clearTimeout(p.timer as Parameters<Clock['clearTimeout']>[0]);
    this.actions.push(`stop ${p.file}`);
    p.onEnd('stopped');
  }
  sendDigits(
    digits: string,
    method: string | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<{ ok: true }> {
    this.actions.push(`dtmf ${digits} ${method ?? 'default'} ${toneMs}/${gapMs}`);
    return new Promise((resolve) =>
      this.clock.setTimeout(() => resolve({ ok: true }), digits.length * (toneMs + gapMs)),
    );
  }
  async record(file: string, mode: string, maxMs: number): Promise<{ path: string; stop(): Promise<never> }> {
    this.actions.push(`record ${file} ${mode} ${maxMs}`);
    const start = this.clock.now();
    return {
      path: `/rec/${file}`,
      stop: async () => {
        this.actions.push('record stop');
        return {
          path: `/rec/${file}`,
          dataBytes: 0,
          durationMs: this.clock.now() - start,
          droppedFrames: 0,
        } as never;
      },
    };
  }
  hangup(cause: number, headers: ReadonlyArray<[string, string]> = []): void {
    if (this.ended) return;
    this.actions.push(`hangup ${cause}`);
    this.hangupCause = cause;
    this.hangupHeaders = headers;
    this.end();
  }
  /** The caller hangs up. */
  end(): void {
    this.ended = true;
    this.stopPlayback();
    for (const l of this.listeners) l({ type: 'status', status: this.answered ? 'completed' : 'failed' });
  }
  tag(data: Readonly<Record<string, unknown>>): void {
    Object.assign(this.tags, data);
  }
  subscribe(fn: (ev: HostEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** A digit from the caller. */
  press(digits: string): void {
    for (const d of digits) {
      this.digits.push(d);
      for (const l of this.listeners) l({ type: 'digit', digit: d, source: 'rfc4733' });
    }
  }
}

/** A Running whose end the test decides. */
export function manual<T>(onStop: () => T): Running<T> & { resolve(v: T): void; stopped: boolean } {
  let resolveFn!: (v: T) => void;
  const done = new Promise<T>((r) => (resolveFn = r));
  const run = {
    done,
    stopped: false,
    resolve: (v: T) => resolveFn(v),
    stop: () => {
      run.stopped = true;
      resolveFn(onStop());
    },
  };
  return run;
}

export const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
