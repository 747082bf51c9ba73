/**
 * Keyword spotting for a dial's waitPromptEnd `keyword` mode: the call's MRCP session (one per
 * call, CallSpeech) hears what the leg receives, and RECOGNIZE runs in a loop with one inline
 * SRGS grammar (RFC 6787 §9.9; SRGS 1.0 XML): garbage, one of the profile's phrases, garbage.
 * Each phrase's item carries its label as a literal tag, so the NLSML instance names the label.
 * A match is reported; no-match or no-input starts the next RECOGNIZE, at most one per
 * `minIntervalMs`. A failure of the grammar or language ends the spotting (a retry would fail
 * the same way); session losses are retried a bounded number of times.
 */
import type { PromptLabel } from '../dialing/index.js';
import type { Handle, MrcpSpeechSession, RecognizeResult } from '../mrcp/index.js';
import type { Clock, TimerHandle } from '../rtp/index.js';
import type { CallLogger } from './leg-context.js';
import type { CallSpeech } from './speech/call-speech.js';

/** What the spotter needs of the call's speech holder (CallSpeech). */
export type SpotterSpeech = Pick<CallSpeech, 'open' | 'hear' | 'isClosed' | 'defaultLanguage'>;

export interface KeywordSet {
  readonly label: PromptLabel;
  readonly phrases: readonly string[];
}

export interface KeywordSpotterOptions {
  readonly clock: Clock;
  readonly logger?: CallLogger;
  readonly callId: string;
  /** Least time between two RECOGNIZE starts (default 500 ms). */
  readonly minIntervalMs?: number;
  /** No-Input-Timeout of each RECOGNIZE (default 10 s). */
  readonly noInputMs?: number;
  /** Failures in a row (session lost, request refused) before giving up (default 3). */
  readonly maxFailures?: number;
  /** A phrase of a label was heard. */
  readonly onKeyword: (label: PromptLabel, phrase: string) => void;
  /** Spotting gave up (not called on stop()): the plan should fall back. */
  readonly onUnavailable?: (reason: string) => void;
}

/** Completion causes after which the next RECOGNIZE would fail the same way. */
const FATAL = new Set([
  'grammar-load-failure',
  'grammar-compilation-failure',
  'language-unsupported',
  'uri-failure',
  'semantics-failure',
]);

const xmlEscape = (s: string): string =>
  s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** The SRGS XML grammar: any speech, one phrase (its label as a literal tag), any speech. */
export function keywordGrammar(sets: readonly KeywordSet[], language?: string): string {
  const items: string[] = [];
  for (const k of sets)
    for (const p of k.phrases) items.push(`<item>${xmlEscape(p)}<tag>${xmlEscape(k.label)}</tag></item>`);
  const lang = language ? ` xml:lang="${xmlEscape(language)}"` : '';
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" mode="voice" root="keyword"${lang} tag-format="semantics/1.0-literals">`,
    '<rule id="keyword" scope="public">',
    '<ruleref special="GARBAGE"/>',
    `<one-of>${items.join('')}</one-of>`,
    '<ruleref special="GARBAGE"/>',
    '</rule>',
    '</grammar>',
  ].join('\n');
}

type Phase = 'idle' | 'opening' | 'recognizing' | 'waiting' | 'stopped';

export class KeywordSpotter {
  private phase: Phase = 'idle';
  private session: MrcpSpeechSession | undefined;
  private recog: Handle<RecognizeResult> | undefined;
  private timer: TimerHandle | undefined;
  private lastStart = -Infinity;
  private failures = 0;
  private hearing = false;
  private readonly grammar: string;
  /** RECOGNIZE requests sent (tests read it). */
  requests = 0;

  constructor(
    private readonly speech: SpotterSpeech,
    private readonly sets: readonly KeywordSet[],
    private readonly o: KeywordSpotterOptions,
  ) {
    this.grammar = keywordGrammar(sets, speech.defaultLanguage);
  }

  get state(): Phase {
    return this.phase;
  }

  /** Opens the call's session and starts listening; once. */
  start(): void {
    if (this.phase !== 'idle') return;
    this.phase = 'opening';
    this.o.logger?.debug('keyword spotting starts', { callId: this.o.callId });
    this.open();
  }

  private open(): void {
    this.lastStart = this.o.clock.now();
    this.speech.open().then(
      (s) => {
        if (this.phase === 'stopped') return;
        this.session = s;
        if (!this.hearing) {
          this.speech.hear(true);
          this.hearing = true;
        }
        this.recognize(s);
      },
      (err: Error) => this.failed(`session: ${err.message}`),
    );
  }

  /** The next RECOGNIZE (or session open), no sooner than minIntervalMs after the last try. */
  private next(): void {
    if (this.phase === 'stopped') return;
    const wait = this.lastStart + (this.o.minIntervalMs ?? 500) - this.o.clock.now();
    if (wait > 0) {
      this.phase = 'waiting';
      this.timer = this.o.clock.setTimeout(() => {
        this.timer = undefined;
        this.next();
      }, wait);
      return;
    }
    const s = this.session;
    if (!s || s.isClosed) {
      this.phase = 'opening';
      return this.open();
    }
    this.recognize(s);
  }

  private recognize(s: MrcpSpeechSession): void {
    this.phase = 'recognizing';
    this.lastStart = this.o.clock.now();
    this.requests++;
    const h = s.recognize({
      grammar: { body: this.grammar, contentType: 'application/srgs+xml' },
      headers: {
        'No-Input-Timeout': String(this.o.noInputMs ?? 10_000),
        ...(this.speech.defaultLanguage ? { 'Speech-Language': this.speech.defaultLanguage } : {}),
      },
    });
    this.recog = h;
    h.done.then(
      (r) => this.completed(h, r),
      (err: Error) => {
        if (this.recog === h) this.recog = undefined;
        this.session = undefined;
        this.failed(`recognize: ${err.message}`);
      },
    );
  }

  private completed(h: Handle<RecognizeResult>, r: RecognizeResult): void {
    if (this.recog === h) this.recog = undefined;
    if (this.phase === 'stopped') return;
    if (r.status >= 400 || (r.cause !== undefined && FATAL.has(r.cause))) {
      this.o.logger?.warn('keyword spotting ends', {
        callId: this.o.callId,
        status: r.status,
        cause: r.cause,
        reason: r.reason,
      });
      return this.giveUp(`${r.cause ?? `status ${r.status}`}${r.reason ? `: ${r.reason}` : ''}`);
    }
    this.o.logger?.debug('keyword recognize done', {
      callId: this.o.callId,
      cause: r.cause,
      input: r.result?.input ?? r.result?.interpretations[0]?.input,
    });
    if (r.cause === 'recognizer-error') return this.failed(`recognizer-error: ${r.reason ?? ''}`);
    this.failures = 0;
    if (r.cause === 'success') {
      const hit = this.labelOf(r);
      if (hit) {
        this.o.logger?.debug('keyword heard', { callId: this.o.callId, ...hit });
        this.o.onKeyword(hit.label, hit.phrase);
      }
    }
    this.next();
  }

  /** The label of the best interpretation: its literal tag, else the phrase it contains. */
  private labelOf(r: RecognizeResult): { label: PromptLabel; phrase: string } | undefined {
    for (const i of r.result?.interpretations ?? []) {
      const input = i.input.toLowerCase();
      const tag = typeof i.instance === 'string' ? i.instance.trim() : '';
      const byTag = this.sets.find((k) => k.label === tag);
      const phraseIn = (k: KeywordSet): string | undefined =>
        k.phrases.find((p) => input.includes(p.toLowerCase()));
      if (byTag) return { label: byTag.label, phrase: phraseIn(byTag) ?? i.input };
      for (const k of this.sets) {
        const p = phraseIn(k);
        if (p) return { label: k.label, phrase: p };
      }
    }
    return undefined;
  }

  private failed(why: string): void {
    if (this.phase === 'stopped') return;
    this.failures++;
    const give = this.failures >= (this.o.maxFailures ?? 3);
    this.o.logger?.warn(give ? 'keyword spotting gives up' : 'keyword spotting retries', {
      callId: this.o.callId,
      why,
      failures: this.failures,
    });
    if (this.speech.isClosed) return this.stop();
    if (give) return this.giveUp(why);
    this.next();
  }

  private giveUp(reason: string): void {
    this.stop();
    this.o.onUnavailable?.(reason);
  }

  /** Stops listening: the RECOGNIZE in flight is STOPped, no timer is left. Idempotent. */
  stop(): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.hearing) this.speech.hear(false);
    this.hearing = false;
    const s = this.session;
    if (this.recog && s && !s.isClosed) s.stopRecognition().catch(() => undefined);
    this.recog = undefined;
    this.session = undefined;
  }
}
