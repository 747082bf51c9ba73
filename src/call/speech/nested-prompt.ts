/**
 * A gather's nested prompt (jambonz's nested say or play): spoken by the session's synthesizer or
 * played from a file, reporting once how it ended, and stoppable at once for barge-in.
 */
import type { Handle, MrcpSpeechSession, SpeakResult } from '../../mrcp/index.js';
import type { StepContext } from '../steps/step-context.js';
import type { CallSpeech } from './call-speech.js';
import { contentTypeOf, expandText, SSML_TYPE, speakHeaders } from './prompt-text.js';
import { quietly } from './say-step.js';
import type { GatherSpec } from './speech-types.js';

export type PromptEnd = 'done' | 'stopped' | 'failed';

export interface NestedPrompt {
  /** Barge-in: the caller stops hearing it now; the SPEAK is STOPped (unless BARGE-IN-OCCURRED is on its way). */
  stop(): void;
}

export function startNestedPrompt(
  ctx: StepContext,
  spec: GatherSpec,
  speech: { call: CallSpeech; session: MrcpSpeechSession } | undefined,
  killOnBargeIn: boolean,
  onEnd: (how: PromptEnd, detail?: string) => void,
): NestedPrompt | undefined {
  let ended = false;
  const end = (how: PromptEnd, detail?: string): void => {
    if (ended) return;
    ended = true;
    onEnd(how, detail);
  };
  if (spec.say && speech) {
    const { call, session } = speech;
    const ssml = contentTypeOf(spec.say.text) === SSML_TYPE;
    const text = expandText(spec.say.text, ctx.vars, ssml);
    const headers = speakHeaders(spec.say.synthesizer, call.defaultLanguage, killOnBargeIn);
    call.startPrompt();
    let h: Handle<SpeakResult> | undefined;
    try {
      h = session.speak(text, { contentType: ssml ? SSML_TYPE : 'text/plain', headers });
    } catch (err) {
      call.cutPrompt();
      queueMicrotask(() => end('failed', (err as Error).message));
      return { stop: () => undefined };
    }
    h.done.then(
      (r) => {
        if (r.cause === 'normal' && !r.stopped) {
          call.endPrompt();
          return end('done');
        }
        call.cutPrompt();
        end(r.stopped || r.cause === 'barge-in' ? 'stopped' : 'failed', r.reason ?? r.cause);
      },
      (err: Error) => {
        call.cutPrompt();
        end('failed', err.message);
      },
    );
    return {
      stop: () => {
        call.cutPrompt();
        if (ended) return;
        const synth = session.isClosed ? undefined : session.channel('speechsynth');
        // The client may have sent BARGE-IN-OCCURRED already (autoBargeIn on START-OF-INPUT).
        if (synth && synth.activeRequests('BARGE-IN-OCCURRED').length === 0)
          quietly(() => session.stopSpeaking());
      },
    };
  }
  if (spec.play) {
    ctx.play(spec.play.file, (why, detail) =>
      end(why === 'done' ? 'done' : why === 'error' ? 'failed' : 'stopped', detail),
    );
    return {
      stop: () => {
        if (!ended) ctx.stopPlayback();
      },
    };
  }
  return undefined;
}
