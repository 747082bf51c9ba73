/**
 * What a resource state machine sees of its channel, and what it offers. Machines are sans-IO:
 * requests come in through `handle`, audio through `pushAudio`/`pushDtmf`/`pullAudio`, and all
 * output (responses, events) leaves through the context.
 */
import type { Body } from '../codec/builders.js';
import type { HeaderField, MrcpRequest } from '../codec/message.js';
import type { MrcpEventName, RequestState, ServedResource } from '../codec/tables.js';
import type { EngineRegistry } from '../engines/registry.js';
import type { Clock, MrcpLogger } from './clock.js';
import type { ParamStore } from './params.js';

export interface ChannelLimits {
  /** Queued SPEAK / RECOGNIZE requests per channel (default 16). */
  maxQueue: number;
  /** Deadline for an engine to start or answer, in ms (default 5000). */
  engineTimeoutMs: number;
  /** Synthesized audio buffered ahead of playout, in ms (default 2000). */
  maxBufferedAudioMs: number;
  /** `session:` grammars per channel (default 64) and octets per grammar (default 1 MiB). */
  maxGrammars: number;
  maxGrammarBytes: number;
  /** DTMF digits buffered while no RECOGNIZE runs (default 64). */
  maxDtmfBuffer: number;
}

export const DEFAULT_LIMITS: ChannelLimits = {
  maxQueue: 16,
  engineTimeoutMs: 5000,
  maxBufferedAudioMs: 2000,
  maxGrammars: 64,
  maxGrammarBytes: 1 << 20,
  maxDtmfBuffer: 64,
};

/** Counters the daemon publishes as metrics; plain numbers keyed by label. */
export interface MrcpCounters {
  requests: Record<string, number>;
  responses: Record<string, number>;
  events: Record<string, number>;
  causes: Record<string, number>;
  engineFailures: number;
}

export function newCounters(): MrcpCounters {
  return { requests: {}, responses: {}, events: {}, causes: {}, engineFailures: 0 };
}

export function bump(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}

export interface ChannelContext {
  readonly sessionId: string;
  readonly resource: ServedResource;
  /** `<session>@<resource>`, the Channel-Identifier. */
  readonly channelId: string;
  /** `<session@resource>`, prefixed to every log line. */
  readonly tag: string;
  readonly clock: Clock;
  readonly logger: MrcpLogger;
  readonly engines: EngineRegistry;
  readonly params: ParamStore;
  readonly limits: ChannelLimits;
  readonly counters: MrcpCounters;
  readonly sampleRate: number;
  /** Samples in one audio frame (sampleRate × frame duration). */
  readonly frameSamples: number;
  /** Default Speech-Language when neither request nor SET-PARAMS names one. */
  readonly defaultLanguage: string;
  event(
    name: MrcpEventName,
    requestId: number,
    state: RequestState,
    headers?: HeaderField[],
    body?: Body,
  ): void;
  /** Logs `State Transition A -> B` (debug). */
  transition(from: string, to: string, requestId?: number): void;
  /** Recognizer → synthesizer in the same session: input started (local barge-in). */
  inputStarted(): void;
}

/** Sends the one response of a request; a second call is ignored (and logged). */
export type Reply = (status: number, state: RequestState, headers?: HeaderField[], body?: Body) => void;

export interface ResourceMachine {
  readonly state: string;
  /** Defaults reported by GET-PARAMS for headers never set. */
  readonly defaults: ReadonlyMap<string, string>;
  /** Handles one request; replies exactly once (before returning, or before its promise settles). */
  handle(req: MrcpRequest, reply: Reply): void | Promise<void>;
  /** The synthesizer's next frame of audio to send, or undefined when there is none. */
  pullAudio?(): Int16Array | undefined;
  pushAudio?(frame: Int16Array): void;
  pushDtmf?(digit: string): void;
  /** Local barge-in from a recognizer of the same session. */
  bargeIn?(): void;
  /** Ends everything: cancels engine tasks, clears every timer. No message is sent after it. */
  close(): void;
}

/** Races a promise against the injected clock; rejects with `onTimeout()` after `ms`. */
export function withDeadline<T>(clock: Clock, ms: number, p: Promise<T>, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const h = clock.setTimeout(() => reject(onTimeout()), ms);
    p.then(
      (v) => {
        clock.clearTimeout(h);
        resolve(v);
      },
      (e: unknown) => {
        clock.clearTimeout(h);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/** Calls an engine function, turning a synchronous throw into a rejected promise. */
export function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (e) {
    return Promise.reject(e instanceof Error ? e : new Error(String(e)));
  }
}
