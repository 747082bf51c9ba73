/** What a step may do to its call: the interface the Call implements (and the verbs API will use). */
import type { Clock } from '../../rtp/index.js';
import type { PlayEnd, RecordMode, WavWriterResult } from '../../media/index.js';
import type { DtmfSendMethod } from '../call-types.js';
import type { DigitQueue } from '../digit-queue.js';
import type { CallLogger } from '../leg-context.js';
import type { DigitsResult } from '../leg.js';
import type { CallSpeech } from '../speech/call-speech.js';

export interface StepContext {
  readonly callId: string;
  readonly clock: Clock;
  readonly logger: CallLogger;
  /** Values steps leave for later steps (`digits` from collectDigits...). */
  readonly vars: Map<string, string>;
  readonly digits: DigitQueue;
  /** The call is over (the caller hung up, or a hangup step ran). */
  readonly ended: boolean;
  /** 200 OK (inbound); true when the call is (already) answered. */
  answer(): boolean;
  /** 180 Ringing (inbound, before the answer). */
  ring(): boolean;
  /** Media flowing: early media when the trunk allows it and the call is not answered, else the answer. */
  ensureMedia(): boolean;
  /** Plays a prompt file (resolved against the prompts folder); `onEnd` once. */
  play(file: string, onEnd: (why: PlayEnd | 'error', detail?: string) => void): void;
  stopPlayback(): void;
  sendDigits(
    digits: string,
    method: DtmfSendMethod | undefined,
    toneMs: number,
    gapMs: number,
  ): Promise<DigitsResult>;
  /** Starts a recording (file relative to the recordings folder); a string is an error. */
  record(file: string, mode: RecordMode, maxMs: number): Promise<RecordingHandle | string>;
  hangup(cause: number): void;
  /** The call's speech session holder (say, gather); undefined when no MRCP client is configured. */
  speech?(): CallSpeech | undefined;
}

export interface RecordingHandle {
  readonly path: string;
  /** Stops recording and closes the file. */
  stop(): Promise<WavWriterResult>;
}
