/**
 * The plan runner's states: one per step type being executed, plus idle and done. Edges follow
 * the plan order, and a re-prompt goes back to the prompt wait or the digits. Anything may end
 * (done); nothing leaves done.
 *
 *   idle ─▶ waitFor ─▶ pause / waitPromptEnd ─▶ sendDigits ─▶ onReprompt ─▶ verifyConnect ─▶ done
 *                          ▲            ▲              │               │            │
 *                          └────────────┴── re-prompt ─┴───────────────┴────────────┘
 */
export const RUNNER_STATES = [
  'idle',
  'waitFor',
  'pause',
  'waitPromptEnd',
  'sendDigits',
  'onReprompt',
  'verifyConnect',
  'done',
] as const;
export type RunnerState = (typeof RUNNER_STATES)[number];

export const RUNNER_TRANSITIONS: Readonly<Record<RunnerState, readonly RunnerState[]>> = {
  idle: ['waitFor', 'done'],
  waitFor: ['waitFor', 'pause', 'waitPromptEnd', 'sendDigits', 'verifyConnect', 'done'],
  pause: ['waitFor', 'pause', 'waitPromptEnd', 'sendDigits', 'onReprompt', 'verifyConnect', 'done'],
  waitPromptEnd: ['waitFor', 'pause', 'waitPromptEnd', 'sendDigits', 'verifyConnect', 'done'],
  sendDigits: ['waitFor', 'pause', 'waitPromptEnd', 'sendDigits', 'onReprompt', 'verifyConnect', 'done'],
  onReprompt: ['pause', 'waitPromptEnd', 'sendDigits', 'verifyConnect', 'done'],
  verifyConnect: ['waitPromptEnd', 'sendDigits', 'done'],
  done: [],
};

export class IllegalTransitionError extends Error {
  readonly code = 'illegal_transition';
  constructor(
    readonly from: RunnerState,
    readonly to: RunnerState,
  ) {
    super(`plan runner: illegal transition ${from} -> ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Checks an edge; throws IllegalTransitionError on one the table does not hold. */
export function transition(from: RunnerState, to: RunnerState): RunnerState {
  if (!RUNNER_TRANSITIONS[from].includes(to)) throw new IllegalTransitionError(from, to);
  return to;
}
