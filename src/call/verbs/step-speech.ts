/**
 * The speech capability of a live call: the verbs' `say` and speech `gather` run as the call
 * layer's SayStep and GatherStep, i.e. on the call's one MRCP session (CallSpeech). The verbs and
 * the steps share jambonz's option names, so this is a shape adapter plus the outcome mapping.
 */
import { GatherStep } from '../speech/gather-step.js';
import { SayStep } from '../speech/say-step.js';
import type {
  GatherPayload,
  RecognizerOptions,
  SayPayload,
  SynthesizerOptions,
} from '../speech/speech-types.js';
import type { StepContext } from '../steps/step-context.js';
import type { StepResult } from '../steps/step.js';
import type {
  GatherOutcome,
  RecognizerSettings,
  SayOutcome,
  SpeechCapability,
  SpeechGatherRequest,
  SynthesizerSettings,
} from './verb-host.js';

/** Drops the keys whose value is undefined (exact optional properties). */
function defined<T extends object>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as { [K in keyof T]: Exclude<T[K], undefined> };
}

function synthesizer(s: SynthesizerSettings): SynthesizerOptions {
  return defined({ vendor: s.vendor, language: s.language, voice: s.voice, rate: s.rate, volume: s.volume });
}

function recognizer(r: RecognizerSettings): RecognizerOptions {
  return defined({
    vendor: r.vendor,
    language: r.language,
    grammars: r.grammars?.map((uri) => ({ uri })),
    confidenceThreshold: r.confidenceThreshold,
    nBest: r.nBest,
  });
}

function sayOutcome(r: StepResult): SayOutcome {
  if (r.outcome === 'killed' || r.outcome === 'barged') return { cause: 'stopped' };
  const p = r.payload as SayPayload | undefined;
  if (r.outcome === 'done') return { cause: 'normal' };
  return {
    cause: p?.cause ?? r.outcome,
    ...((p?.details ?? r.detail) ? { details: p?.details ?? r.detail } : {}),
  };
}

function gatherOutcome(r: StepResult): GatherOutcome {
  const p = r.payload as GatherPayload | undefined;
  if (p) return p;
  return { reason: 'error', cause: r.outcome, ...(r.detail ? { details: r.detail } : {}) };
}

/** The SpeechCapability of a call (the StepContext the speech steps act on). */
export function stepSpeech(ctx: StepContext): SpeechCapability {
  return {
    say(r) {
      const step = new SayStep({ type: 'say', text: r.text, synthesizer: synthesizer(r.synthesizer) });
      return { done: step.exec(ctx).then(sayOutcome), stop: () => step.kill() };
    },
    gather(r: SpeechGatherRequest) {
      const step = new GatherStep({
        type: 'gather',
        input: r.input,
        minDigits: r.minDigits,
        maxDigits: r.maxDigits,
        timeout: r.timeout,
        interDigitTimeout: r.interDigitTimeout,
        bargein: r.bargein,
        dtmfBargein: r.dtmfBargein,
        recognizer: recognizer(r.recognizer),
        ...(r.numDigits !== undefined ? { numDigits: r.numDigits } : {}),
        ...(r.finishOnKey !== undefined ? { finishOnKey: r.finishOnKey } : {}),
        ...(r.say
          ? { say: { text: r.say.text, loop: r.say.loop, synthesizer: synthesizer(r.say.synthesizer) } }
          : {}),
        ...(r.play ? { play: r.play } : {}),
      });
      return { done: step.exec(ctx).then(gatherOutcome), stop: () => step.kill() };
    },
  };
}
