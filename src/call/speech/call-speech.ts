/**
 * The speech side of one call: ONE MRCP speech session (synthesizer + recognizer), opened by the
 * first speech step, reused by the next ones, closed when the call ends (or reopened by the next
 * step after the server dropped it). It wires the audio between the call's media stream and the
 * session: synthesized frames are played to the caller through a short frame queue, the caller's
 * frames reach the recognizer only while a step listens.
 *
 * Barge-in is cut here: `cutPrompt()` stops the caller hearing the prompt on the next 20 ms tick,
 * whatever the MRCP server still has in flight (the steps also STOP the SPEAK).
 */
import { FrameQueueSource, Resampler, type MediaStream, type StreamRate } from '../../media/index.js';
import {
  MrcpClientError,
  type MrcpSpeechSession,
  type RecognizeResult,
  type ServedResource,
  type SpeakResult,
} from '../../mrcp/index.js';
import type { CallLogger } from '../leg-context.js';
import type { CallSpeechOptions } from './speech-types.js';

const RESOURCES: readonly ServedResource[] = ['speechsynth', 'speechrecog'];

/** What a step hears from the session while it runs. */
export interface SpeechListener {
  onStartOfInput?(inputType: string | undefined): void;
  onSpeakComplete?(r: SpeakResult): void;
  onRecognitionComplete?(r: RecognizeResult): void;
  /** The session ended under the step (server gone, timeout, connection lost). */
  onClosed?(reason: string): void;
}

/** Whether a frame carries more than codec noise (G.711 silence decodes to ±8). */
function audible(f: Int16Array): boolean {
  for (let i = 0; i < f.length; i++) {
    const v = f[i] as number;
    if (v > 64 || v < -64) return true;
  }
  return false;
}

/** Caller frames at the call's rate → frames at the session's rate (20 ms both sides). */
class FrameRateAdapter {
  private resampler: Resampler | undefined;
  private out: Int16Array = new Int16Array(0);

  convert(frame: Int16Array, toRate: number): Int16Array | undefined {
    const fromRate = frame.length * 50;
    if (fromRate === toRate) return frame;
    if (!this.resampler || this.resampler.fromHz !== fromRate || this.resampler.toHz !== toRate) {
      this.resampler?.close();
      if ((fromRate !== 8000 && fromRate !== 16000) || (toRate !== 8000 && toRate !== 16000))
        return undefined;
      this.resampler = new Resampler(fromRate, toRate);
      this.out = new Int16Array(toRate / 50);
    }
    const n = this.resampler.process(frame, this.out);
    if (n < this.out.length) this.out.fill(0, n);
    return this.out;
  }

  close(): void {
    this.resampler?.close();
    this.resampler = undefined;
  }
}

export class CallSpeech {
  private current: MrcpSpeechSession | undefined;
  private currentPool: string | undefined;
  private opening: { pool: string | undefined; p: Promise<MrcpSpeechSession> } | undefined;
  private closed = false;
  private readonly listeners = new Set<SpeechListener>();
  private source: FrameQueueSource | undefined;
  /** Synthesized audio goes to the caller. */
  private forwarding = false;
  /** The prompt ended: forward until the audio goes quiet, then let the source finish. */
  private tailing = false;
  private listening = 0;
  private untap: (() => void) | undefined;
  private readonly adapter = new FrameRateAdapter();
  /** Sessions opened for this call (1 unless a server dropped one). */
  opened = 0;
  private grammarSeq = 0;

  constructor(
    readonly callId: string,
    private readonly stream: MediaStream,
    private readonly options: CallSpeechOptions,
    private readonly logger: CallLogger,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /** The session when one is open now. */
  get session(): MrcpSpeechSession | undefined {
    return this.current && !this.current.isClosed ? this.current : undefined;
  }

  get defaultLanguage(): string | undefined {
    return this.options.language;
  }

  /**
   * The call's session on `pool` (default: the configured one): the open one, or a new one.
   * Rejects with an MrcpClientError (`closed` once the call has ended).
   */
  async open(pool?: string): Promise<MrcpSpeechSession> {
    const want = pool ?? this.options.pool;
    if (this.closed) throw new MrcpClientError('closed', 'the call has ended');
    const s = this.session;
    if (s && this.currentPool === want) return s;
    if (this.opening && this.opening.pool === want) return this.opening.p;
    if (s) this.drop(s, 'another pool asked for');
    const p = this.openNew(want);
    this.opening = { pool: want, p };
    try {
      return await p;
    } finally {
      if (this.opening?.p === p) this.opening = undefined;
    }
  }

  private async openNew(pool: string | undefined): Promise<MrcpSpeechSession> {
    const s = await this.options.provider.openSession({
      resources: RESOURCES,
      callId: this.callId,
      ...(pool !== undefined ? { pool } : {}),
    });
    if (this.closed) {
      // The caller hung up while the session was being set up.
      s.close('hangup');
      throw new MrcpClientError('closed', 'the call has ended');
    }
    this.opened++;
    this.current = s;
    this.currentPool = pool;
    s.events = {
      onAudio: (f) => this.synthAudio(f),
      onStartOfInput: (e) => {
        if (e.resource === 'speechrecog')
          for (const l of [...this.listeners]) l.onStartOfInput?.(e.inputType);
      },
      onSpeakComplete: (r) => {
        for (const l of [...this.listeners]) l.onSpeakComplete?.(r);
      },
      onRecognitionComplete: (r) => {
        for (const l of [...this.listeners]) l.onRecognitionComplete?.(r);
      },
      onClosed: (reason) => this.sessionClosed(s, reason),
    };
    if (!this.untap) this.untap = this.stream.addTap({ frame: (received) => this.callerAudio(received) });
    this.logger.debug('speech session open', { callId: this.callId, server: s.server, rate: s.sampleRate });
    return s;
  }

  private sessionClosed(s: MrcpSpeechSession, reason: string): void {
    if (this.current !== s) return;
    this.current = undefined;
    this.cutPrompt();
    this.listening = 0;
    if (!this.closed) this.logger.warn('speech session ended', { callId: this.callId, reason });
    for (const l of [...this.listeners]) l.onClosed?.(reason);
  }

  private drop(s: MrcpSpeechSession, reason: string): void {
    this.current = undefined;
    s.close(reason);
  }

  /** A fresh Content-ID prefix for grammars a step defines on the session (DEFINE-GRAMMAR). */
  nextGrammarPrefix(): string {
    return `g${++this.grammarSeq}`;
  }

  /** Subscribes a step to the session's events; returns the unsubscribe. */
  listen(l: SpeechListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  // --- prompt audio (synthesizer → caller) ---

  /** A prompt starts: synthesized audio is played to the caller from now on. */
  startPrompt(): void {
    const s = this.session;
    if (!s || this.closed) return;
    this.tailing = false;
    this.forwarding = true;
    if (this.source && this.stream.playingSource === this.source) return;
    const src = new FrameQueueSource(s.sampleRate as StreamRate, this.options.promptQueueFrames ?? 3);
    this.source = src;
    this.stream.play(src, {
      onEnd: () => {
        if (this.source === src) {
          this.source = undefined;
          this.forwarding = false;
        }
      },
    });
  }

  /** The prompt completed: its last frames still play, then the caller hears silence. */
  endPrompt(): void {
    if (this.forwarding) this.tailing = true;
  }

  /** Barge-in, STOP or hangup: the caller stops hearing the prompt on the next tick. */
  cutPrompt(): void {
    this.forwarding = false;
    this.tailing = false;
    const src = this.source;
    this.source = undefined;
    if (src && this.stream.playingSource === src) this.stream.stopPlayback();
  }

  /** Whether synthesized audio is being played to the caller. */
  get prompting(): boolean {
    return this.forwarding;
  }

  private synthAudio(f: Int16Array): void {
    const src = this.source;
    if (!this.forwarding || !src) return;
    if (this.tailing && !audible(f)) {
      this.forwarding = false;
      this.tailing = false;
      src.end();
      return;
    }
    src.push(f);
  }

  // --- caller audio → recognizer ---

  /** Caller audio flows to the recognizer while at least one listener asked for it. */
  hear(on: boolean): void {
    this.listening = Math.max(0, this.listening + (on ? 1 : -1));
  }

  private callerAudio(received: Int16Array): void {
    const s = this.current;
    if (this.listening === 0 || !s || s.isClosed) return;
    const f = this.adapter.convert(received, s.sampleRate);
    if (f) s.sendAudio(f);
  }

  // --- end ---

  /** The call ended: the session is closed (BYE), audio unwired. Idempotent. */
  close(reason = 'hangup'): void {
    if (this.closed) return;
    this.closed = true;
    this.cutPrompt();
    this.listening = 0;
    this.untap?.();
    this.untap = undefined;
    this.adapter.close();
    const s = this.current;
    this.current = undefined;
    this.listeners.clear();
    if (s) s.close(reason);
  }
}
