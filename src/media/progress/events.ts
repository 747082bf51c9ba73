/**
 * What call-progress analysis reports, in media time (ms since the analyzer's first frame). The
 * dialing plan runner consumes these through the call layer (waitPromptEnd, onReprompt,
 * verifyConnect).
 */
import type { AudioClass } from './audio-class.js';
import type { ToneKind } from './cadence.js';

export type ProgressEvent =
  /** A tone cadence was recognised (reported once per change). */
  | { type: 'tone'; tone: ToneKind; freqHz: number; atMs: number; onMs: number; offMs: number }
  /** The recognised tone has not been heard for a while. */
  | { type: 'tone-stopped'; tone: ToneKind; atMs: number }
  /** Sound other than call-progress tone started (atMs = its first frame). */
  | { type: 'voice-start'; atMs: number }
  /** That sound ended (atMs = end of its last frame), after a short hangover. */
  | { type: 'voice-end'; atMs: number; voiceMs: number }
  /** The window's class changed. */
  | { type: 'audio-class'; audioClass: AudioClass; atMs: number }
  /** A reference recording is playing: it started at offsetMs and ends at endMs. */
  | {
      type: 'fingerprint';
      refId: string;
      label: string;
      offsetMs: number;
      endMs: number;
      score: number;
      atMs: number;
    }
  /** A matched reference has played to its end. */
  | { type: 'fingerprint-end'; refId: string; label: string; atMs: number };

export type ProgressEventType = ProgressEvent['type'];
