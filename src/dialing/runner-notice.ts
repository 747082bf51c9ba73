/**
 * What a running plan tells its owner as it goes, beyond the final DialResult: each step it
 * enters, each platform phrase it recognises, each digit run it sends and each re-prompt. The
 * call layer turns these into API events; the runner never waits on the callback.
 */
import type { DtmfMethod } from './steps.js';

export type RunnerNotice =
  | { type: 'step'; index: number; step: string; attempt: number; atMs: number }
  | { type: 'heard'; label: string; source: 'fingerprint' | 'keyword'; atMs: number }
  | { type: 'digits'; digits: string; method: DtmfMethod; attempt: number; atMs: number }
  | { type: 'reprompt'; label: string; attempt: number; atMs: number };
