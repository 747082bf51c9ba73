/**
 * The dialing layer's DialControl (src/dialing/dial-control.ts) over one outbound call: SIP
 * progress and end as DialEvents, call-progress analysis on the received audio (early media
 * included) with fingerprint references, digits by RFC 4733, SIP INFO or in-band, hang-up by
 * cause. Events reach the runner asynchronously and in order.
 */
import { readFileSync } from 'node:fs';
import type {
  AnalysisRequest,
  AnalysisSupport,
  DialControl,
  DialEvent,
  DtmfCapabilities,
  HangupCause,
  OriginateRequest,
  SendDigitsRequest,
} from '../dialing/index.js';
import {
  buildReference,
  CallProgressAnalyzer,
  frameEnergyDbov,
  readWav,
  toneLevelsDbov,
  type FingerprintReference,
  type SignalPrimitives,
} from '../media/index.js';
import type { Clock } from '../rtp/index.js';
import type { TrunkMedia } from './call-types.js';
import type { Call, CallEvent } from './call.js';
import type { CallLogger } from './leg-context.js';
import { KeywordSpotter } from './keyword-spotter.js';
import type { OriginateResult, OriginateSip, Originator } from './originate-types.js';
import type { Q850Cause } from './q850.js';

/** Q.850 cause of each reason the runner hangs up for. */
const HANGUP_CAUSE: Readonly<Record<HangupCause, Q850Cause>> = {
  x_no_answer: 19,
  plan_finished: 16,
  plan_failed: 31,
  invalid_extension: 16,
  customer_busy: 17,
  customer_no_answer: 19,
  cancelled: 16,
};

export const NATIVE_PRIMITIVES: SignalPrimitives = { frameEnergyDbov, toneLevelsDbov };

/** Most reference WAVs a cache keeps (a profile folder has a few per platform). */
export const MAX_CACHED_REFERENCES = 256;

/**
 * A prompt reference from its WAV file, decoded and analysed once per (file, label) and kept in
 * `cache` (bounded). Building one costs tens of ms of CPU (8 sub-frame phases): the dialer warms
 * the cache when profiles load, so no call's first dial stalls the frame clock of the others.
 */
export function cachedReference(
  cache: Map<string, FingerprintReference>,
  id: string,
  label: string,
  file: string,
  prims: SignalPrimitives,
  logger?: CallLogger,
): FingerprintReference | undefined {
  const key = `${file}\u0000${label}`;
  const hit = cache.get(key);
  if (hit) return { ...hit, id };
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (err) {
    logger?.warn('reference not readable', { file, error: (err as Error).message });
    return undefined;
  }
  const wav = readWav(buf);
  if (!wav.ok) return undefined;
  const built = buildReference(id, label, wav.value.samples, wav.value.sampleRate, prims);
  if (!built.ok) return undefined;
  if (cache.size < MAX_CACHED_REFERENCES) cache.set(key, built.value);
  return built.value;
}

export interface DialControlOptions {
  readonly logger?: CallLogger;
  readonly primitives?: SignalPrimitives;
  /** Kept audio for learnReference when a plan asks to learn (ms, at most 20,000). */
  readonly learnHistoryMs?: number;
  /** Reference WAVs decoded once per file (shared across calls), bounded. */
  readonly referenceCache?: Map<string, FingerprintReference>;
  /** From user of the INVITE (caller ID). */
  readonly from?: string;
  /** INVITE headers besides the plan's (P-Asserted-Identity...). */
  readonly headers?: ReadonlyArray<[string, string]>;
  /** The carrier profile's 100rel mode and session timer for this INVITE. */
  readonly sip?: OriginateSip;
  /** Media options of this call (a carrier profile's codec order, INFO type). */
  readonly media?: Partial<TrunkMedia>;
  /** The INVITE went out (a call) or could not (a coded failure); before any event about it. */
  readonly onOriginated?: (r: OriginateResult) => void;
  /** Every event of the call (progress, answer, digits, end), besides what the runner gets. */
  readonly onCallEvent?: (ev: CallEvent) => void;
  /**
   * Keyword spotting through the call's MRCP session (set when the call manager has speech);
   * absent: a plan's `keyword` mode is unsupported and falls back (or fails).
   */
  readonly keywords?: { readonly minIntervalMs?: number; readonly noInputMs?: number };
}

const noop = (): void => undefined;

export class CallDialControl implements DialControl {
  readonly clock: Clock;
  private call: Call | undefined;
  private listener: (ev: DialEvent) => void = noop;
  private analyzer: CallProgressAnalyzer | undefined;
  private pendingAnalysis: AnalysisRequest | undefined;
  private untap: (() => void) | undefined;
  private answered = false;
  private ended = false;
  private hangupWanted: HangupCause | undefined;
  private readonly queue: DialEvent[] = [];
  private flushing = false;
  private readonly prims: SignalPrimitives;
  private readonly refs: Map<string, FingerprintReference>;
  private spotter: KeywordSpotter | undefined;
  /** Early media or the answer came: the recognizer can hear something. */
  private mediaFlows = false;
  /** Media time: 20 ms per received frame since analysis attached (the analyser's time base). */
  private mediaMs = 0;

  constructor(
    private readonly manager: Originator,
    clock: Clock,
    private readonly opts: DialControlOptions = {},
  ) {
    this.clock = clock;
    this.prims = opts.primitives ?? NATIVE_PRIMITIVES;
    this.refs = opts.referenceCache ?? new Map();
  }

  /** The call, once the INVITE went out. */
  get current(): Call | undefined {
    return this.call;
  }

  private emit(ev: DialEvent): void {
    this.queue.push(ev);
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => {
      while (this.queue.length > 0) this.listener(this.queue.shift() as DialEvent);
      this.flushing = false;
    });
  }

  originate(req: OriginateRequest, listener: (ev: DialEvent) => void): void {
    this.listener = listener;
    void this.manager
      .originate({
        trunk: req.trunk,
        to: req.requestUser,
        headers: [...(this.opts.headers ?? []), ...Object.entries(req.headers)],
        ...(this.opts.from !== undefined ? { from: this.opts.from } : {}),
        ...(this.opts.media ? { media: this.opts.media } : {}),
        ...(this.opts.sip ? { sip: this.opts.sip } : {}),
        onEvent: (ev) => {
          this.onCallEvent(ev);
          this.opts.onCallEvent?.(ev);
        },
      })
      .then((r) => {
        this.opts.onOriginated?.(r);
        if (!r.ok) return this.emit({ type: 'failed', reason: `${r.code}: ${r.message}` });
        this.call = r.call;
        if (this.pendingAnalysis) this.attachAnalysis(this.pendingAnalysis);
        this.spotKeywords();
        if (this.hangupWanted) this.hangup(this.hangupWanted);
      })
      .catch((err: Error) => this.emit({ type: 'failed', reason: `originate threw: ${err.message}` }));
  }

  private onCallEvent(ev: CallEvent): void {
    switch (ev.type) {
      case 'progress':
        if (ev.earlyMedia) {
          this.mediaFlows = true;
          this.spotKeywords();
        }
        return this.emit({ type: 'progress', sipCode: ev.status, earlyMedia: ev.earlyMedia });
      case 'answered':
        this.answered = true;
        this.mediaFlows = true;
        this.spotKeywords();
        return this.emit({ type: 'answered' });
      case 'ended': {
        this.ended = true;
        this.stopSpotting();
        const e = ev.end;
        const reason = e.reason;
        if (!this.answered && e.by === 'remote' && e.sipCode !== undefined && e.sipCode >= 300) {
          return this.emit({ type: 'rejected', sipCode: e.sipCode, ...(reason ? { reason } : {}) });
        }
        if (e.by === 'remote') {
          return this.emit({
            type: 'ended',
            ...(e.sipCode !== undefined ? { sipCode: e.sipCode } : {}),
            ...(reason ? { reason } : {}),
          });
        }
        if (this.hangupWanted) return; // our own hang-up: the runner knows
        return this.emit({ type: 'failed', reason: e.what });
      }
      default:
        return;
    }
  }

  startAnalysis(req: AnalysisRequest): AnalysisSupport {
    this.pendingAnalysis = req;
    let fingerprint = req.references.length > 0;
    for (const r of req.references) if (!this.reference(r.id, r.label, r.file)) fingerprint = false;
    if (this.call) this.attachAnalysis(req);
    this.spotKeywords();
    return { fingerprint, keyword: this.wantsKeywords(req), learn: req.learn };
  }

  private wantsKeywords(req: AnalysisRequest | undefined): boolean {
    return this.opts.keywords !== undefined && (req?.keywords ?? []).some((k) => k.phrases.length > 0);
  }

  /** Starts the recognizer loop once media flows, when the plan asked for keywords. */
  private spotKeywords(): void {
    const req = this.pendingAnalysis;
    const call = this.call;
    if (this.spotter || !this.mediaFlows || !call || this.ended || !this.wantsKeywords(req)) return;
    const speech = call.speech();
    if (!speech) return;
    const k = this.opts.keywords ?? {};
    this.spotter = new KeywordSpotter(
      speech,
      (req?.keywords ?? []).filter((x) => x.phrases.length > 0),
      {
        clock: this.clock,
        callId: call.callId,
        ...(this.opts.logger ? { logger: this.opts.logger } : {}),
        ...(k.minIntervalMs !== undefined ? { minIntervalMs: k.minIntervalMs } : {}),
        ...(k.noInputMs !== undefined ? { noInputMs: k.noInputMs } : {}),
        onKeyword: (label, phrase) => this.emit({ type: 'keyword', label, phrase, atMs: this.mediaMs }),
        onUnavailable: (reason) => this.emit({ type: 'keyword-unavailable', reason }),
      },
    );
    this.spotter.start();
  }

  private stopSpotting(): void {
    this.spotter?.stop();
  }

  /** The keyword spotter of this call, once started (tests read its state). */
  get keywordSpotter(): KeywordSpotter | undefined {
    return this.spotter;
  }

  private reference(id: string, label: string, file: string): FingerprintReference | undefined {
    return cachedReference(this.refs, id, label, file, this.prims, this.opts.logger);
  }

  private attachAnalysis(req: AnalysisRequest): void {
    const leg = this.call?.leg;
    if (!leg || this.analyzer) return;
    const rate = leg.stream.rate;
    const analyzer = new CallProgressAnalyzer(
      this.prims,
      { sampleRate: rate, learnHistoryMs: req.learn ? (this.opts.learnHistoryMs ?? 15_000) : 0 },
      (event) => this.emit({ type: 'media', event }),
    );
    for (const r of req.references) {
      const ref = this.reference(r.id, r.label, r.file);
      // References are built at their file's rate; the analyzer matches at the stream's.
      if (ref) analyzer.addReference(ref);
    }
    this.analyzer = analyzer;
    this.untap = leg.stream.addTap({
      frame: (received) => {
        this.mediaMs += 20;
        analyzer.push(received);
      },
    });
  }

  dtmfCapabilities(): DtmfCapabilities {
    const leg = this.call?.leg;
    const media = leg !== undefined && (leg.state === 'early' || leg.state === 'connected');
    return {
      rfc4733: media && leg.stream.telephoneEvent,
      info: leg?.state === 'connected' && leg.session !== undefined,
      inband: media,
    };
  }

  sendDigits(req: SendDigitsRequest): void {
    const leg = this.call?.leg;
    if (!leg) {
      this.emit({ type: 'digits-failed', id: req.id, reason: 'no call' });
      return;
    }
    void leg.sendDigits(req.digits, req.method, req.toneMs, req.gapMs).then((r) =>
      this.emit(
        r.ok
          ? { type: 'digits-done', id: req.id }
          : {
              type: 'digits-failed',
              id: req.id,
              reason: r.reason,
              ...(r.sipCode !== undefined ? { sipCode: r.sipCode } : {}),
            },
      ),
    );
  }

  learnReference(id: string, label: string, fromMs: number, toMs: number): boolean {
    return this.analyzer?.learnReference(id, label, fromMs, toMs).ok ?? false;
  }

  stopAnalysis(): void {
    this.stopSpotting();
    this.untap?.();
    this.untap = undefined;
    this.analyzer = undefined;
    this.pendingAnalysis = undefined;
  }

  hangup(cause: HangupCause): void {
    this.hangupWanted = cause;
    if (this.ended) return;
    this.call?.hangup(HANGUP_CAUSE[cause], `dial-${cause}`);
  }
}
