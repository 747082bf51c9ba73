/** One Step instance per spec (each run gets fresh state). */
import type { StepSpec } from '../call-types.js';
import { AnswerStep, HangupStep, PauseStep, RingStep } from './basic-steps.js';
import { CollectDigitsStep, PlayStep, RecordStep, SendDigitsStep } from './media-steps.js';
import { GatherStep } from '../speech/gather-step.js';
import { SayStep } from '../speech/say-step.js';
import type { Step } from './step.js';

export function createStep(spec: StepSpec): Step {
  switch (spec.type) {
    case 'answer':
      return new AnswerStep();
    case 'ring':
      return new RingStep(spec);
    case 'play':
      return new PlayStep(spec);
    case 'collectDigits':
      return new CollectDigitsStep(spec);
    case 'sendDigits':
      return new SendDigitsStep(spec);
    case 'record':
      return new RecordStep(spec);
    case 'pause':
      return new PauseStep(spec);
    case 'hangup':
      return new HangupStep(spec);
    case 'say':
      return new SayStep(spec);
    case 'gather':
      return new GatherStep(spec);
  }
}
