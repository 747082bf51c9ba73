/**
 * A media stream binds one RTP session to a codec and to the shared 20 ms frame clock:
 *
 *   receive: jitter buffer → decode (PCMA/PCMU/G722/L16) → concealment → resample → 20 ms frames
 *            → in-band DTMF detection, VAD → onFrame and taps
 *   send:    source (player, bridge, TTS) or silence → in-band DTMF mixed in → taps → resample
 *            → packetise at the peer's ptime → encode → RtpSession.sendFrame (RFC 4733 replaces audio)
 *
 * Digits from RFC 4733, in-band detection and (through injectDigit) SIP INFO arrive as one event
 * type, one event per key press. Everything on the tick path writes into arrays allocated once.
 *
 *   open ──configure──▶ running ──close──▶ closed      (open ──close──▶ closed)
 */
import { RtpSession, type DigitEvent, type RtpSessionDelegate } from '../../rtp/index.js';
import type { CodecId, NegotiatedAudio } from '../../sdp/index.js';
import {
  DtmfDetector,
  DtmfGenerator,
  Resampler,
  Vad,
  type MediaLogger,
  type VadState,
} from '../codec/index.js';
import { Concealer } from './concealment.js';
import { createPayloadCodec, type PayloadCodec } from './payload-codec.js';
import { toRtpStreamConfig } from './rtp-config.js';
import { SampleFifo } from './sample-fifo.js';
import { decodeScratch, packetPcmScratch, payloadScratch, resampleScratch } from './scratch.js';
import { resampled } from './sources.js';
import type {
  AudioSource,
  DigitSource,
  MediaStreamEvents,
  MediaStreamOptions,
  MediaStreamState,
  MediaStreamStats,
  PlayEnd,
  PlayOptions,
  SendDigitsMethod,
  StreamRate,
  StreamSendResult,
  StreamTap,
} from './stream-types.js';

export type MediaStreamOpenResult =
  | { readonly ok: true; readonly stream: MediaStream }
  | {
      readonly ok: false;
      readonly code: 'pool_exhausted' | 'bind_failed' | 'bad_host';
      readonly message: string;
    };

export const STREAM_EDGES: Readonly<Record<MediaStreamState, readonly MediaStreamState[]>> = {
  open: ['running', 'closed'],
  running: ['closed'],
  closed: [],
};

/** Jitter-buffer pops per tick at most (10 ms packets need two). */
const MAX_POPS = 8;
const noop = (): void => undefined;
const silentLogger: MediaLogger = { debug: noop, info: noop, warn: noop, error: noop };

interface Playing {
  source: AudioSource;
  /** What play() was given (source may be its resampling wrapper). */
  original: AudioSource;
  onEnd: ((why: PlayEnd) => void) | undefined;
}

interface PendingDigits {
  method: SendDigitsMethod;
  /** RFC 4733: digits sent to the end when done. */
  target: number;
  onDone: ((completed: boolean) => void) | undefined;
}

export class MediaStream {
  state: MediaStreamState = 'open';
  events: MediaStreamEvents;
  readonly session: RtpSession;
  private readonly log: MediaLogger;
  private codec: PayloadCodec | undefined;
  private streamRate: StreamRate;
  private rateFixed: boolean;
  private frameSamples: number;
  private unsubscribe: (() => void) | undefined;
  private ticks = 0;
  // receive
  private rxResampler: Resampler | undefined;
  /** Made on first need: the 20 ms same-rate path goes without (see receive/send). */
  private rxFifo: SampleFifo | undefined;
  private rxFrame: Int16Array;
  private readonly fifoSamples: number;
  private concealer: Concealer | undefined;
  private recvPacketSamples = 160;
  private detector: DtmfDetector | undefined;
  private vad: Vad | undefined;
  private vadState: VadState = 'silence';
  // send
  private txFrame: Int16Array;
  private txResampler: Resampler | undefined;
  private txFifo: SampleFifo | undefined;
  private packetSamples = 160;
  private packetUnits = 160;
  private playing: Playing | undefined;
  private generator: DtmfGenerator | undefined;
  private generatorKey = '';
  private toneBuf: Int16Array;
  private readonly pendingDigits: PendingDigits[] = [];
  private rfc4733 = false;
  private readonly taps = new Set<StreamTap>();
  // stats
  private framesReceived = 0;
  private framesSent = 0;
  private concealedSamples = 0;
  private silenceSamples = 0;
  private readonly digitCounts = { rfc4733: 0, inband: 0, info: 0 };
  private readonly tick = (): void => this.onTick();

  private constructor(
    private readonly options: MediaStreamOptions,
    events: MediaStreamEvents,
    session: RtpSession,
  ) {
    this.events = events;
    this.session = session;
    this.log = options.logger ?? silentLogger;
    const r = options.rate ?? 8000;
    this.rateFixed = r !== 'codec';
    this.streamRate = r === 'codec' ? 8000 : r;
    this.frameSamples = this.streamRate / 50;
    this.rxFrame = new Int16Array(this.frameSamples);
    this.txFrame = new Int16Array(this.frameSamples);
    this.toneBuf = new Int16Array(this.frameSamples);
    const maxMs = Math.max(60, Math.min(options.maxBufferedMs ?? 200, 2000));
    this.fifoSamples = Math.round((16000 * maxMs) / 1000);
    this.makeVad();
  }

  /** Opens the RTP session (a port pair from the pool); media flows after configure(). Never throws. */
  static async open(
    options: MediaStreamOptions,
    events: MediaStreamEvents = {},
  ): Promise<MediaStreamOpenResult> {
    const ref: { stream?: MediaStream } = {};
    const delegate: RtpSessionDelegate = {
      onDigit: (d) => ref.stream?.onRtpDigit(d),
      onDigitBegin: (_e, digit) => ref.stream?.events.onDigitBegin?.(digit),
      onInactive: (ms) => ref.stream?.events.onInactive?.(ms),
      onSsrcChange: (a, b) => ref.stream?.events.onSsrcChange?.(a, b),
      onLatched: (a, p) => ref.stream?.events.onLatched?.(a, p),
      onBye: (reason) => ref.stream?.events.onRtcpBye?.(reason),
    };
    const opened = await RtpSession.open(options.rtp, delegate);
    if (!opened.ok) return opened;
    const stream = new MediaStream(options, events, opened.session);
    ref.stream = stream;
    return { ok: true, stream };
  }

  get port(): number {
    return this.session.port;
  }

  get rtcpPort(): number | undefined {
    return this.session.rtcpPort;
  }

  /** PCM rate of frames in and out. */
  get rate(): StreamRate {
    return this.streamRate;
  }

  get codecId(): CodecId | undefined {
    return this.codec?.id;
  }

  /** Milliseconds of stream time since configure() (frame ticks × 20). */
  get timeMs(): number {
    return this.ticks * 20;
  }

  get isPlaying(): boolean {
    return this.playing !== undefined;
  }

  /** The source playing now (as given to play()). */
  get playingSource(): AudioSource | undefined {
    return this.playing?.original;
  }

  get telephoneEvent(): boolean {
    return this.rfc4733;
  }

  private transition(next: MediaStreamState): boolean {
    if (!STREAM_EDGES[this.state].includes(next)) return false;
    this.log.debug(`media stream ${this.state} -> ${next}`, { port: this.port });
    this.state = next;
    return true;
  }

  /**
   * Applies what SDP negotiation decided (again after every re-INVITE/UPDATE): the RTP session's
   * remote, payload types and directions, the codec, packetisation and DTMF, then starts ticking.
   */
  configure(audio: NegotiatedAudio): void {
    if (this.state === 'closed') return;
    this.session.configure(toRtpStreamConfig(audio));
    if (this.codec?.id !== audio.codec.id) this.setCodec(audio.codec.id);
    const codec = this.codec as PayloadCodec;
    this.recvPacketSamples = Math.round((codec.sampleRate * audio.recvPtime) / 1000);
    this.packetSamples = Math.round((codec.sampleRate * audio.sendPtime) / 1000);
    this.packetUnits = Math.round((codec.clockRate * audio.sendPtime) / 1000);
    this.rfc4733 = audio.telephoneEvent !== undefined;
    const detect = this.options.inbandDetect ?? 'auto';
    const wantDetector = detect === 'on' || (detect === 'auto' && !this.rfc4733);
    if (wantDetector && !this.detector) this.detector = new DtmfDetector({ sampleRate: this.streamRate });
    if (!wantDetector && this.detector) {
      this.detector.close();
      this.detector = undefined;
    }
    if (this.transition('running')) this.unsubscribe = this.options.frameClock.subscribe(this.tick);
  }

  private setCodec(id: CodecId): void {
    this.codec?.close();
    const codec = createPayloadCodec(id);
    this.codec = codec;
    if (!this.rateFixed) {
      this.rateFixed = true;
      this.setRate(codec.sampleRate);
    }
    this.rxResampler?.close();
    this.txResampler?.close();
    this.rxResampler =
      codec.sampleRate === this.streamRate ? undefined : new Resampler(codec.sampleRate, this.streamRate);
    this.txResampler =
      codec.sampleRate === this.streamRate ? undefined : new Resampler(this.streamRate, codec.sampleRate);
    this.concealer = new Concealer(codec.sampleRate);
    this.rxFifo?.clear();
    this.txFifo?.clear();
    this.log.debug('media stream codec', { port: this.port, codec: id, rate: this.streamRate });
  }

  private setRate(rate: StreamRate): void {
    this.streamRate = rate;
    this.frameSamples = rate / 50;
    this.rxFrame = new Int16Array(this.frameSamples);
    this.txFrame = new Int16Array(this.frameSamples);
    this.toneBuf = new Int16Array(this.frameSamples);
    this.makeVad();
  }

  private makeVad(): void {
    this.vad?.close();
    this.vad = undefined;
    if (!this.options.vad) return;
    const o = this.options.vad === true ? {} : this.options.vad;
    this.vad = new Vad({ ...o, sampleRate: this.streamRate, logger: this.log });
  }

  // --- the tick ---

  private onTick(): void {
    if (this.state !== 'running') return;
    this.ticks++;
    this.receive();
    this.send();
    if (this.taps.size > 0) for (const t of this.taps) t.frame(this.rxFrame, this.txFrame);
  }

  private receive(): void {
    const need = this.frameSamples;
    let got: number;
    if (!this.rxResampler && this.recvPacketSamples === need && (this.rxFifo?.size ?? 0) === 0) {
      got = this.receiveDirect(need);
    } else {
      got = this.receiveSliced(need);
    }
    if (got < need) {
      this.rxFrame.fill(0, got);
      this.silenceSamples += need - got;
    }
    this.framesReceived++;
    const frame = this.rxFrame;
    if (this.detector) {
      const keys = this.detector.process(frame);
      for (let i = 0; i < keys.length; i++) this.emitDigit(keys[i] as string, 'inband', undefined);
    }
    if (this.vad) {
      const st = this.vad.process(frame);
      if (st !== this.vadState) {
        this.vadState = st;
        this.events.onVad?.(st, this.vad.energyDbov());
      }
    }
    this.events.onFrame?.(frame);
  }

  /**
   * The common case (20 ms packets at the stream's rate): one packet decodes straight into the
   * frame. A packet of another size goes through the slicing path.
   */
  private receiveDirect(need: number): number {
    const codec = this.codec as PayloadCodec;
    const f = this.session.pop();
    if (!f || f.kind === 'silence') return 0;
    const frame = this.rxFrame;
    if (f.kind === 'conceal') {
      this.concealer?.conceal(frame, need);
      this.concealedSamples += need;
      return need;
    }
    if (!f.buffer) return 0;
    if (codec.samplesFor(f.length) !== need) {
      this.decoded(codec.decode(f.buffer, f.offset, f.length, decodeScratch.scratch));
      return this.receiveSliced(need);
    }
    const n = codec.decode(f.buffer, f.offset, f.length, frame);
    this.concealer?.good(frame, n);
    return n;
  }

  /** Packets of any size (10–60 ms) and rate, re-sliced into frames through a FIFO. */
  private receiveSliced(need: number): number {
    const codec = this.codec as PayloadCodec;
    const fifo = (this.rxFifo ??= new SampleFifo(this.fifoSamples));
    for (let pops = 0; fifo.size < need && pops < MAX_POPS; pops++) {
      const f = this.session.pop();
      if (!f || f.kind === 'silence') break;
      if (f.kind === 'frame' && f.buffer) {
        this.decoded(codec.decode(f.buffer, f.offset, f.length, decodeScratch.scratch));
      } else {
        const n = Math.min(this.recvPacketSamples, decodeScratch.scratch.length);
        this.concealer?.conceal(decodeScratch.scratch, n);
        this.concealedSamples += n;
        this.pushDecoded(n);
      }
    }
    return fifo.read(this.rxFrame, need);
  }

  /** `n` good samples in the decode scratch: remembered for concealment, then queued. */
  private decoded(n: number): void {
    this.concealer?.good(decodeScratch.scratch, n);
    this.pushDecoded(n);
  }

  private pushDecoded(n: number): void {
    const fifo = (this.rxFifo ??= new SampleFifo(this.fifoSamples));
    if (!this.rxResampler) {
      fifo.write(decodeScratch.scratch, n);
      return;
    }
    const out = resampleScratch.scratch;
    const m = this.rxResampler.process(decodeScratch.view(n), out);
    fifo.write(out, m);
  }

  private send(): void {
    const frame = this.txFrame;
    const p = this.playing;
    if (p) {
      const n = p.source.read(frame);
      if (n < frame.length) frame.fill(0, Math.max(0, n));
      if (p.source.done) this.endPlayback('done');
    } else {
      frame.fill(0);
    }
    if (this.generator && this.generator.pending > 0) this.mixTone(frame);
    this.framesSent++;
    this.checkDigitsDone();
    const codec = this.codec as PayloadCodec;
    const k = this.packetSamples;
    if (!this.txResampler && k === frame.length && (this.txFifo?.size ?? 0) === 0) {
      // 20 ms packets at the stream's rate: the frame is the packet.
      const bytes = codec.encode(frame, payloadScratch.scratch);
      this.session.sendFrame(payloadScratch.view(bytes), this.packetUnits);
      return;
    }
    const fifo = (this.txFifo ??= new SampleFifo(this.fifoSamples));
    if (this.txResampler) {
      const out = resampleScratch.scratch;
      const m = this.txResampler.process(frame, out);
      fifo.write(out, m);
    } else {
      fifo.write(frame, frame.length);
    }
    while (fifo.size >= k) {
      const pcm = packetPcmScratch.view(k);
      fifo.read(pcm, k);
      const bytes = codec.encode(pcm, payloadScratch.scratch);
      this.session.sendFrame(payloadScratch.view(bytes), this.packetUnits);
    }
  }

  private mixTone(frame: Int16Array): void {
    const g = this.generator as DtmfGenerator;
    const tone = this.toneBuf;
    g.generate(tone);
    for (let i = 0; i < frame.length; i++) {
      const v = (frame[i] as number) + (tone[i] as number);
      frame[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
  }

  // --- playback ---

  /** Plays `source` (resampled to the stream's rate if needed), replacing what plays now. */
  play(source: AudioSource, options: PlayOptions = {}): void {
    if (this.state === 'closed') {
      source.close?.();
      options.onEnd?.('closed');
      return;
    }
    if (this.playing) this.endPlayback('replaced');
    const s = source.rate === this.streamRate ? source : resampled(source, this.streamRate);
    this.playing = { source: s, original: source, onEnd: options.onEnd };
    this.session.markTalkspurt();
  }

  /** Stops what plays (silence follows). Returns false when nothing played. */
  stopPlayback(): boolean {
    if (!this.playing) return false;
    this.endPlayback('stopped');
    return true;
  }

  private endPlayback(why: PlayEnd): void {
    const p = this.playing;
    if (!p) return;
    this.playing = undefined;
    try {
      p.source.close?.();
    } finally {
      p.onEnd?.(why);
    }
  }

  // --- taps ---

  /** Adds a tap (recorder, analyser); returns its removal. */
  addTap(tap: StreamTap): () => void {
    this.taps.add(tap);
    return () => {
      if (this.taps.delete(tap)) tap.close?.();
    };
  }

  // --- DTMF ---

  private onRtpDigit(d: DigitEvent): void {
    this.emitDigit(d.digit, 'rfc4733', d.durationMs);
  }

  /** A digit that came another way (SIP INFO): reported like the others. */
  injectDigit(digit: string, source: DigitSource = 'info', durationMs?: number): void {
    this.emitDigit(digit, source, durationMs);
  }

  private emitDigit(digit: string, source: DigitSource, durationMs: number | undefined): void {
    this.digitCounts[source]++;
    this.log.debug('digit', { port: this.port, digit, source });
    this.events.onDigit?.({ digit, source, durationMs, atMs: this.timeMs });
  }

  /**
   * Sends digits as RFC 4733 events (replacing audio while they last) or as in-band Q.23 tones
   * mixed into the outgoing audio. `onDone(true)` runs once the last digit (and its gap) went out,
   * `onDone(false)` if the stream closed first.
   */
  sendDigits(
    digits: string,
    method: SendDigitsMethod,
    options: { toneMs?: number; gapMs?: number; volume?: number; onDone?: (completed: boolean) => void } = {},
  ): StreamSendResult {
    if (this.state !== 'running') return { ok: false, reason: 'not-running' };
    if (!/^[0-9*#A-Da-d]+$/.test(digits)) return { ok: false, reason: 'invalid' };
    if (method === 'rfc4733') {
      const before = this.session.getStats().sent.digits + this.queuedRfc4733();
      const r = this.session.sendDigits(digits.toUpperCase(), {
        ...(options.toneMs !== undefined ? { durationMs: options.toneMs } : {}),
        ...(options.volume !== undefined ? { volume: options.volume } : {}),
      });
      if (typeof r !== 'number') return { ok: false, reason: r };
      this.pendingDigits.push({ method, target: before + r, onDone: options.onDone });
      return { ok: true, digits: r };
    }
    const toneMs = options.toneMs ?? this.options.inbandTone?.toneMs ?? 100;
    const gapMs = options.gapMs ?? this.options.inbandTone?.gapMs ?? 100;
    const key = `${toneMs}/${gapMs}`;
    if (!this.generator || (this.generatorKey !== key && this.generator.pending === 0)) {
      this.generator?.close();
      this.generator = new DtmfGenerator({ sampleRate: this.streamRate, toneMs, gapMs });
      this.generatorKey = key;
    }
    try {
      this.generator.queue(digits);
    } catch {
      return { ok: false, reason: 'full' };
    }
    this.pendingDigits.push({ method, target: 0, onDone: options.onDone });
    return { ok: true, digits: digits.length };
  }

  private queuedRfc4733(): number {
    let n = 0;
    for (const p of this.pendingDigits) if (p.method === 'rfc4733') n = Math.max(n, p.target);
    return n === 0 ? 0 : n - this.session.getStats().sent.digits;
  }

  private checkDigitsDone(): void {
    if (this.pendingDigits.length === 0) return;
    let sentRfc = -1;
    for (let i = 0; i < this.pendingDigits.length;) {
      const p = this.pendingDigits[i] as PendingDigits;
      let done: boolean;
      if (p.method === 'inband') done = (this.generator?.pending ?? 0) === 0;
      else {
        if (sentRfc < 0) sentRfc = this.session.getStats().sent.digits;
        done = sentRfc >= p.target && !this.session.sendingDigits;
      }
      if (!done) {
        i++;
        continue;
      }
      this.pendingDigits.splice(i, 1);
      p.onDone?.(true);
    }
  }

  // --- end ---

  stats(): MediaStreamStats {
    const rate = this.codec?.sampleRate ?? 8000;
    return {
      codec: this.codec?.id,
      rate: this.streamRate,
      rtp: this.session.getStats(),
      framesReceived: this.framesReceived,
      concealedMs: Math.round((this.concealedSamples * 1000) / rate),
      silenceMs: Math.round((this.silenceSamples * 1000) / this.streamRate),
      framesSent: this.framesSent,
      digits: { ...this.digitCounts },
      overflowSamples: this.rxFifo?.overflowed ?? 0,
    };
  }

  /** Stops ticking, ends playback and taps, frees codec state, closes the RTP session. Idempotent. */
  async close(reason = ''): Promise<void> {
    if (this.state === 'closed') return;
    this.transition('closed');
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.endPlayback('closed');
    for (const t of [...this.taps]) {
      this.taps.delete(t);
      t.close?.();
    }
    // Digits still queued will not go out: their callers learn it.
    for (const p of this.pendingDigits.splice(0)) p.onDone?.(false);
    this.codec?.close();
    this.rxResampler?.close();
    this.txResampler?.close();
    this.detector?.close();
    this.vad?.close();
    this.generator?.close();
    await this.session.close(reason);
  }
}
