/**
 * The gather state machine:
 *
 *   starting ──▶ prompting ──prompt ends──▶ listening
 *      │            │ └──START-OF-INPUT (bargein)──┐   │ └──START-OF-INPUT──▶ speech
 *      │            └──digit (dtmfBargein)──┐      ▼   ▼                        │
 *      └──type-ahead digit──────────────────┴──▶ digits ◀──digit (digits win)───┘
 *   any ──result / timeout / error / kill──▶ done
 */
export type GatherState = 'starting' | 'prompting' | 'listening' | 'digits' | 'speech' | 'done';

export const GATHER_EDGES: Readonly<Record<GatherState, readonly GatherState[]>> = {
  starting: ['prompting', 'listening', 'digits', 'done'],
  prompting: ['listening', 'digits', 'speech', 'done'],
  listening: ['digits', 'speech', 'done'],
  speech: ['digits', 'done'],
  digits: ['done'],
  done: [],
};

export function gatherCanGo(from: GatherState, to: GatherState): boolean {
  return GATHER_EDGES[from].includes(to);
}
