/** The call layer's configuration shapes: per-trunk media, applications (step lists), routes. */
import type { CodecId } from '../sdp/index.js';
import type { RecordMode } from '../media/index.js';
import type { GatherSpec, SaySpec } from './speech/speech-types.js';

export type DtmfSendMethod = 'rfc4733' | 'info' | 'inband' | 'auto';
export type InfoContentType = 'application/dtmf-relay' | 'application/dtmf';

/** Media options of one trunk (and the defaults for trunks without their own). */
export interface TrunkMedia {
  readonly codecs: readonly CodecId[];
  /** Whose codec order decides an answer: ours (`local`) or the offerer's. */
  readonly codecOrder: 'local' | 'remote';
  /** Packetisation we ask to receive (ms). */
  readonly ptime: number;
  readonly telephoneEvent: boolean;
  /** How digits are sent: `auto` is RFC 4733 when negotiated, else in-band. */
  readonly dtmfMethod: DtmfSendMethod;
  readonly infoContentType: InfoContentType;
  /** Allow 183 + SDP and audio before the answer when an application plays before `answer`. */
  readonly earlyMedia: boolean;
  readonly rtcpMux: 'offer' | 'accept' | 'off';
}

export const DEFAULT_TRUNK_MEDIA: TrunkMedia = {
  codecs: ['PCMA', 'PCMU', 'G722'],
  codecOrder: 'local',
  ptime: 20,
  telephoneEvent: true,
  dtmfMethod: 'auto',
  infoContentType: 'application/dtmf-relay',
  earlyMedia: true,
  rtcpMux: 'accept',
};

/** Steps of a configured application; the later verbs API adds more kinds. */
export type StepSpec =
  | { readonly type: 'answer' }
  | { readonly type: 'ring'; readonly ms: number }
  | { readonly type: 'play'; readonly file: string; readonly bargeIn: boolean }
  | {
      readonly type: 'collectDigits';
      readonly maxDigits: number;
      readonly terminator: string;
      readonly firstDigitTimeoutMs: number;
      readonly interDigitTimeoutMs: number;
      /** Variable the digits are stored in (default `digits`). */
      readonly into: string;
    }
  | {
      readonly type: 'sendDigits';
      /** Digits, or `{var}` to send a collected variable. */
      readonly digits: string;
      readonly method: DtmfSendMethod | undefined;
      readonly toneMs: number;
      readonly gapMs: number;
    }
  | {
      readonly type: 'record';
      /** File name (relative to the recordings folder); `{callId}` and `{time}` are replaced. */
      readonly file: string;
      readonly mode: RecordMode;
      readonly maxMs: number;
      /** A received digit ends the recording (the digit is kept for the next collect). */
      readonly stopOnDigit: boolean;
    }
  | { readonly type: 'pause'; readonly ms: number }
  | { readonly type: 'hangup'; readonly cause: number }
  | SaySpec
  | GatherSpec;

export type StepType = StepSpec['type'];

export interface AppSpec {
  readonly name: string;
  readonly steps: readonly StepSpec[];
  /** Longest a call may last in this application (ms); it is hung up after. */
  readonly maxDurationMs: number;
}

export interface RouteSpec {
  /** Only calls from this trunk (default: any). */
  readonly trunk?: string | undefined;
  /** Called number (Request-URI user) starts with this (default: any). */
  readonly calledPrefix?: string | undefined;
  /** Called number matches this regular expression (anchored). */
  readonly calledPattern?: string | undefined;
  readonly app: string;
}
