/** What a recognised prompt means: the words a platform profile's recordings and keywords carry. */
export const PROMPT_LABELS = ['prompt', 'invalid', 'busy', 'noAnswer', 'unavailable', 'error'] as const;
export type PromptLabel = (typeof PROMPT_LABELS)[number];

export function isPromptLabel(s: string): s is PromptLabel {
  return (PROMPT_LABELS as readonly string[]).includes(s);
}
