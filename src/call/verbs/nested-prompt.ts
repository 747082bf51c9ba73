/**
 * The prompt inside a gather (its nested `say` or `play`), as one stoppable run: files through
 * the host's player, text through the speech capability. Resolves `done`, `stopped` or `failed`.
 */
import type { SynthesizerSettings, VerbHost } from './verb-host.js';

export type PromptEnd =
  { readonly how: 'done' | 'stopped' } | { readonly how: 'failed'; readonly detail: string };

export type NestedPrompt =
  | { readonly kind: 'play'; readonly files: readonly string[] }
  | { readonly kind: 'say'; readonly texts: readonly string[]; readonly synthesizer: SynthesizerSettings };

export function runPrompt(host: VerbHost, p: NestedPrompt): { done: Promise<PromptEnd>; stop(): void } {
  let stopped = false;
  let stopCurrent: (() => void) | undefined;
  const done = (async (): Promise<PromptEnd> => {
    const items = p.kind === 'play' ? p.files : p.texts;
    for (const item of items) {
      if (stopped) return { how: 'stopped' };
      if (p.kind === 'play') {
        const r = await new Promise<PromptEnd>((resolve) => {
          stopCurrent = () => host.stopPlayback();
          host.play(item, (why, detail) => {
            if (why === 'done') resolve({ how: 'done' });
            else if (why === 'error') resolve({ how: 'failed', detail: detail ?? 'prompt failed' });
            else resolve({ how: 'stopped' });
          });
        });
        if (r.how !== 'done') return r;
      } else {
        const speech = host.speech;
        if (!speech) return { how: 'failed', detail: 'say needs a speech (MRCP) service' };
        const run = speech.say({ text: item, synthesizer: p.synthesizer });
        stopCurrent = () => run.stop();
        const r = await run.done;
        if (r.cause === 'stopped') return { how: 'stopped' };
        if (r.cause !== 'normal') return { how: 'failed', detail: r.cause };
      }
      stopCurrent = undefined;
    }
    return { how: stopped ? 'stopped' : 'done' };
  })();
  return {
    done,
    stop: () => {
      if (stopped) return;
      stopped = true;
      stopCurrent?.();
    },
  };
}
