/**
 * A scripted privacy-number platform behind a fake DialControl, in fake time: it answers (or
 * plays early media), plays its prompt, collects digits, re-prompts on a wrong extension, then
 * rings the customer, who answers, is busy or never answers. It reports what a real call layer
 * would: SIP progress, call-progress events as src/media/progress produces them, keyword hits,
 * digit completions; and it honours the analysis request (fingerprints only for references
 * asked for, learnt references only after learnReference).
 */
import type {
  AnalysisRequest,
  AnalysisSupport,
  DialControl,
  DialEvent,
  DialLogger,
  DtmfCapabilities,
  HangupCause,
  MediaProgressEvent,
  OriginateRequest,
  PromptLabel,
  SendDigitsRequest,
} from '../../src/dialing/index.js';
import { FakeClock, TrackingClock } from './fake-clock.js';

export type AfterAccept =
  | 'speech'
  | 'short-hello'
  | 'music-then-speech'
  | 'busy-tone'
  | 'congestion'
  | 'ringing-forever'
  | 'busy-phrase'
  | 'no-answer-phrase'
  | 'hangup-after-ring'
  | 'reject-486'
  | 'answer-200'
  | 'speech-without-ringback';

export interface PlatformScript {
  /** How X reacts to the INVITE before any prompt. */
  x?: 'ok' | 'busy-486' | 'unavailable-480' | 'forbidden-403' | 'never-answers' | 'transport-failure';
  scheme?: 'answered' | 'early';
  /** ms from INVITE to 183/200. */
  answerAfterMs?: number;
  /** Ringback (450 Hz) played in early media before the platform answers. */
  ringbackBeforeAnswer?: boolean;
  prompt?: 'normal' | 'none' | 'endless';
  promptMs?: number;
  /** The platform speaks the "invalid" phrase before re-prompting. */
  invalidPhrase?: boolean;
  /** The correct extension; anything else is wrong. Undefined: every extension is wrong. */
  ext?: string | undefined;
  /** Needs '#' after the extension (default true). */
  needsTerminator?: boolean;
  afterAccept?: AfterAccept;
  /** The first N complete entries count as wrong even when right (a digit lost on the way). */
  dropFirst?: number;
  /** On the Nth wrong extension (1-based), the platform gives up: error phrase, then BYE. */
  errorAfterWrong?: number;
  caps?: Partial<DtmfCapabilities>;
  support?: Partial<AnalysisSupport>;
  /** Keyword spotting gives up this many ms after the INVITE (the recognizer refused the phrases). */
  keywordLostAfterMs?: number;
  /** Methods whose sends fail (e.g. INFO answered 415). */
  failingMethods?: readonly string[];
}

export class FakePlatform implements DialControl {
  /** The platform's own time; the runner sees it through `clock`, which counts its timers. */
  readonly raw = new FakeClock();
  readonly clock = new TrackingClock(this.raw);
  readonly sent: SendDigitsRequest[] = [];
  readonly hangups: HangupCause[] = [];
  readonly learned: { id: string; fromMs: number; toMs: number }[] = [];
  readonly logs: { level: string; msg: string; meta: Record<string, unknown> }[] = [];
  originated: OriginateRequest | undefined;
  analysis: AnalysisRequest | undefined;
  analysisStopped = false;
  private listener: (ev: DialEvent) => void = () => undefined;
  private t0 = 0;
  private digitBuffer = '';
  private keywordLost = false;
  private wrong = 0;
  private promptsPlayed = 0;
  private ended = false;
  private answered = false;
  readonly s: Required<Omit<PlatformScript, 'ext' | 'errorAfterWrong' | 'keywordLostAfterMs'>> &
    Pick<PlatformScript, 'ext' | 'errorAfterWrong' | 'keywordLostAfterMs'>;
  private entries = 0;

  constructor(script: PlatformScript = {}) {
    this.s = {
      x: 'ok',
      scheme: 'answered',
      answerAfterMs: 2000,
      ringbackBeforeAnswer: false,
      prompt: 'normal',
      promptMs: 4000,
      invalidPhrase: false,
      needsTerminator: true,
      afterAccept: 'speech',
      caps: {},
      support: {},
      failingMethods: [],
      dropFirst: 0,
      ...script,
    };
  }

  readonly logger: DialLogger = {
    debug: (msg, meta = {}) => this.logs.push({ level: 'debug', msg, meta }),
    info: (msg, meta = {}) => this.logs.push({ level: 'info', msg, meta }),
    warn: (msg, meta = {}) => this.logs.push({ level: 'warn', msg, meta }),
    error: (msg, meta = {}) => this.logs.push({ level: 'error', msg, meta }),
  };

  // ---- DialControl ------------------------------------------------------------------------------

  originate(req: OriginateRequest, listener: (ev: DialEvent) => void): void {
    this.originated = req;
    this.listener = listener;
    this.t0 = this.clock.now();
    const s = this.s;
    this.at(100, { type: 'progress', sipCode: 100, earlyMedia: false });
    if (s.x === 'transport-failure') return this.at(500, { type: 'failed', reason: 'no route to trunk' });
    this.at(300, { type: 'progress', sipCode: 180, earlyMedia: false });
    if (s.x === 'busy-486')
      return this.at(800, { type: 'rejected', sipCode: 486, reason: 'Q.850;cause=17;text="User busy"' });
    if (s.x === 'unavailable-480') return this.at(20_000, { type: 'rejected', sipCode: 480 });
    if (s.x === 'forbidden-403')
      return this.at(600, { type: 'rejected', sipCode: 403, reason: 'SIP;cause=403;text="Caller barred"' });
    if (s.x === 'never-answers') return;
    if (s.keywordLostAfterMs !== undefined) {
      this.at(s.keywordLostAfterMs, { type: 'keyword-unavailable', reason: 'grammar-compilation-failure' });
      this.after(s.keywordLostAfterMs, () => (this.keywordLost = true));
    }
    if (s.ringbackBeforeAnswer) {
      this.at(400, { type: 'progress', sipCode: 183, earlyMedia: true });
      this.media(600, { type: 'tone', tone: 'ringback', freqHz: 450, atMs: 0, onMs: 1000, offMs: 1600 });
    }
    if (s.scheme === 'early') {
      this.at(s.answerAfterMs, { type: 'progress', sipCode: 183, earlyMedia: true });
    } else {
      this.at(s.answerAfterMs, { type: 'answered' });
      this.after(s.answerAfterMs, () => (this.answered = true));
    }
    // A private trunk that takes the extension in the URI connects straight to it.
    if (s.ext !== undefined && req.requestUser.endsWith(`,${s.ext}`))
      this.after(s.answerAfterMs + 300, () => this.accept());
    else this.after(s.answerAfterMs + 300, () => this.playPrompt());
  }

  startAnalysis(req: AnalysisRequest): AnalysisSupport {
    this.analysis = req;
    return {
      fingerprint: this.s.support.fingerprint ?? true,
      keyword: this.s.support.keyword ?? true,
      learn: this.s.support.learn ?? true,
    };
  }

  dtmfCapabilities(): DtmfCapabilities {
    return { rfc4733: true, info: true, inband: true, ...this.s.caps };
  }

  sendDigits(req: SendDigitsRequest): void {
    this.sent.push(req);
    const ms = req.digits.length * (req.toneMs + req.gapMs);
    if (this.s.failingMethods.includes(req.method)) {
      this.at(200, { type: 'digits-failed', id: req.id, reason: `${req.method} refused`, sipCode: 415 });
      return;
    }
    this.at(ms, { type: 'digits-done', id: req.id });
    this.after(ms, () => this.collect(req.digits));
  }

  learnReference(id: string, _label: PromptLabel, fromMs: number, toMs: number): boolean {
    this.learned.push({ id, fromMs, toMs });
    return this.s.support.learn ?? true;
  }

  stopAnalysis(): void {
    this.analysisStopped = true;
  }

  hangup(cause: HangupCause): void {
    this.hangups.push(cause);
    this.ended = true;
  }

  // ---- the platform -----------------------------------------------------------------------------

  private playPrompt(label: PromptLabel = 'prompt'): void {
    if (this.ended) return;
    const s = this.s;
    if (s.prompt === 'none') return;
    const len = label === 'prompt' ? s.promptMs : 2500;
    if (label === 'prompt') this.promptsPlayed++;
    this.media(0, { type: 'voice-start', atMs: this.mediaNow() });
    this.media(800, { type: 'audio-class', audioClass: 'speech', atMs: this.mediaNow() + 800 });
    if (this.hasRef(label)) {
      const start = this.mediaNow();
      const refId = this.refId(label)!;
      this.media(1500, {
        type: 'fingerprint',
        refId,
        label,
        offsetMs: start,
        endMs: start + len,
        score: 0.97,
        atMs: start + 1500,
      });
      this.media(len + 20, { type: 'fingerprint-end', refId, label, atMs: start + len + 20 });
    }
    const kw = this.analysis?.keywords.find((k) => k.label === label);
    if (kw && (s.support.keyword ?? true)) {
      const ev: DialEvent = { type: 'keyword', label, phrase: kw.phrases[0]!, atMs: this.mediaNow() + 1200 };
      this.after(1200, () => {
        if (!this.keywordLost) this.listener(ev);
      });
    }
    if (s.prompt === 'endless' && label === 'prompt') return;
    this.media(len, { type: 'voice-end', atMs: this.mediaNow() + len, voiceMs: len });
    this.media(len + 1000, {
      type: 'audio-class',
      audioClass: 'silence',
      atMs: this.mediaNow() + len + 1000,
    });
    if (label === 'invalid') this.after(len + 300, () => this.playPrompt('prompt'));
  }

  private hasRef(label: PromptLabel): boolean {
    return this.refId(label) !== undefined && (this.s.support.fingerprint ?? true);
  }

  private refId(label: PromptLabel): string | undefined {
    const configured = this.analysis?.references.find((r) => r.label === label)?.id;
    if (configured) return configured;
    // A learnt reference matches the prompt once it has been learnt (the call layer's analyzer).
    return label === 'prompt' && this.learned.length > 0 && (this.s.support.learn ?? true)
      ? this.learned[0]!.id
      : undefined;
  }

  private collect(digits: string): void {
    if (this.ended) return;
    this.digitBuffer += digits;
    const s = this.s;
    const done = s.needsTerminator
      ? this.digitBuffer.endsWith('#')
      : this.digitBuffer.length >= (s.ext?.length ?? 4);
    if (!done) return;
    const got = this.digitBuffer.replace(/#$/, '');
    this.digitBuffer = '';
    this.entries++;
    if (s.ext !== undefined && got === s.ext && this.entries > s.dropFirst) return this.accept();
    this.wrong++;
    if (s.errorAfterWrong !== undefined && this.wrong >= s.errorAfterWrong) {
      this.playPhrase(800, 'error', 2500);
      this.at(3600, { type: 'ended', reason: 'SIP;cause=200;text="Call completed"' });
      return;
    }
    this.after(800, () => this.playPrompt(s.invalidPhrase ? 'invalid' : 'prompt'));
  }

  private playPhrase(delay: number, label: PromptLabel, len: number): void {
    this.after(delay, () => {
      const start = this.mediaNow();
      this.media(0, { type: 'voice-start', atMs: start });
      this.media(800, { type: 'audio-class', audioClass: 'speech', atMs: start + 800 });
      const refId = this.refId(label);
      if (refId && (this.s.support.fingerprint ?? true))
        this.media(1500, {
          type: 'fingerprint',
          refId,
          label,
          offsetMs: start,
          endMs: start + len,
          score: 0.95,
          atMs: start + 1500,
        });
      this.media(len, { type: 'voice-end', atMs: start + len, voiceMs: len });
    });
  }

  private accept(): void {
    const s = this.s;
    const ring = () => {
      this.media(1500, {
        type: 'tone',
        tone: 'ringback',
        freqHz: 450,
        atMs: this.mediaNow() + 1500,
        onMs: 1000,
        offMs: 1600,
      });
      this.media(2000, { type: 'audio-class', audioClass: 'tone', atMs: this.mediaNow() + 2000 });
    };
    switch (s.afterAccept) {
      case 'speech':
        ring();
        return this.customerSpeaks(9000, 1200);
      case 'short-hello':
        ring();
        // "喂?": too short for a class verdict, only voice activity.
        this.media(9000, { type: 'voice-start', atMs: this.mediaNow() + 9000 });
        this.media(9500, { type: 'voice-end', atMs: this.mediaNow() + 9500, voiceMs: 500 });
        return;
      case 'music-then-speech':
        this.media(500, { type: 'voice-start', atMs: this.mediaNow() + 500 });
        this.media(1500, { type: 'audio-class', audioClass: 'music', atMs: this.mediaNow() + 1500 });
        this.media(8000, { type: 'voice-end', atMs: this.mediaNow() + 8000, voiceMs: 7500 });
        return this.customerSpeaks(8600, 1500);
      case 'speech-without-ringback':
        return this.customerSpeaks(2000, 1500);
      case 'busy-tone':
        return this.media(2200, {
          type: 'tone',
          tone: 'busy',
          freqHz: 450,
          atMs: this.mediaNow() + 2200,
          onMs: 350,
          offMs: 350,
        });
      case 'congestion':
        return this.media(3000, {
          type: 'tone',
          tone: 'congestion',
          freqHz: 450,
          atMs: this.mediaNow() + 3000,
          onMs: 700,
          offMs: 700,
        });
      case 'ringing-forever':
        return ring();
      case 'busy-phrase':
        return this.playPhrase(1500, 'busy', 3000);
      case 'no-answer-phrase':
        ring();
        return this.playPhrase(30_000, 'noAnswer', 3500);
      case 'hangup-after-ring':
        ring();
        return this.at(40_000, { type: 'ended', reason: 'Q.850;cause=19;text="No answer"' });
      case 'reject-486':
        ring();
        return this.at(5000, { type: 'rejected', sipCode: 486, reason: 'Q.850;cause=17' });
      case 'answer-200':
        ring();
        return this.at(7000, { type: 'answered' });
    }
  }

  private customerSpeaks(delay: number, len: number): void {
    this.media(delay, { type: 'voice-start', atMs: this.mediaNow() + delay });
    this.media(delay + 700, {
      type: 'audio-class',
      audioClass: 'speech',
      atMs: this.mediaNow() + delay + 700,
    });
    this.media(delay + len, { type: 'voice-end', atMs: this.mediaNow() + delay + len, voiceMs: len });
  }

  get promptCount(): number {
    return this.promptsPlayed;
  }

  get wasAnswered(): boolean {
    return this.answered;
  }

  // ---- plumbing ---------------------------------------------------------------------------------

  private mediaNow(): number {
    return this.clock.now() - this.t0;
  }

  private media(delay: number, event: MediaProgressEvent): void {
    this.at(delay, { type: 'media', event });
  }

  private at(delay: number, ev: DialEvent): void {
    this.raw.setTimeout(() => {
      if (!this.ended) this.listener(ev);
    }, delay);
  }

  private after(delay: number, fn: () => void): void {
    this.raw.setTimeout(() => {
      if (!this.ended) fn();
    }, delay);
  }
}
