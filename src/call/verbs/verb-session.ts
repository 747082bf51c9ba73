/**
 * What one application run remembers between verbs: the session defaults the `config` verb sets
 * (synthesizer, recognizer, barge-in) and the data `tag` attached (sent back as `customerData`).
 */
import type { RecognizerOptions, SynthesizerOptions } from './common-schema.js';

export interface VerbSession {
  synthesizer: SynthesizerOptions;
  recognizer: RecognizerOptions;
  /** Default `bargein` of gather (caller speech stops the prompt). */
  bargein: boolean;
  /** Default `dtmfBargein` of say and play (a digit stops the prompt; gather's default is on). */
  dtmfBargein: boolean;
  customerData: Record<string, unknown>;
  /** Progress a verb reports while it runs (a transfer's NOTIFYs): sent as `verb:status`. */
  progress(verb: string, data: Readonly<Record<string, unknown>>): void;
}

export function newVerbSession(progress: VerbSession['progress'] = () => undefined): VerbSession {
  return { synthesizer: {}, recognizer: {}, bargein: true, dtmfBargein: false, customerData: {}, progress };
}
