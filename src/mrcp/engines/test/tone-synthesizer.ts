/**
 * Deterministic test synthesizer: a sine tone whose duration follows the text length, with SSML
 * `<mark>`s placed at their character position. Honours the output's back-pressure, CONTROL
 * (Speak-Restart, Jump-Size in seconds) and cancellation. SSML that does not parse fails with
 * `parse-failure`; a text/uri-list fails with `uri-failure` (this engine fetches nothing).
 */
import {
  EngineError,
  type SpeakJob,
  type SynthesizerEngine,
  type SynthOutput,
  type SynthTask,
} from '../engine-types.js';
import { parseXml, textOf, type XmlNode } from '../../nlsml/safe-xml.js';

export interface ToneSynthOptions {
  name?: string;
  languages?: string[];
  /** Tone length per character of text (default 50 ms), bounded to [minMs, maxMs]. */
  msPerChar?: number;
  minMs?: number;
  maxMs?: number;
  frequency?: number;
  /** Peak amplitude 0–1 (default 0.3). */
  amplitude?: number;
}

type Piece = { chars: number } | { mark: string };

/** Text pieces and marks of an SSML document, in document order. */
function ssmlPieces(n: XmlNode, out: Piece[]): void {
  if (typeof n === 'string') {
    out.push({ chars: n.trim().length });
    return;
  }
  if (n.name === 'mark' && n.attrs.name !== undefined) out.push({ mark: n.attrs.name });
  for (const c of n.children) ssmlPieces(c, out);
}

export function createToneSynthesizer(opts: ToneSynthOptions = {}): SynthesizerEngine {
  const msPerChar = opts.msPerChar ?? 50;
  const minMs = opts.minMs ?? 200;
  const maxMs = opts.maxMs ?? 60_000;
  const freq = opts.frequency ?? 440;
  const amp = Math.round((opts.amplitude ?? 0.3) * 32767);
  return {
    kind: 'synthesizer',
    name: opts.name ?? 'tone',
    languages: opts.languages ?? ['*'],
    contentTypes: ['text/plain', 'application/ssml+xml', 'text/uri-list'],
    speak(job: SpeakJob, out: SynthOutput): SynthTask {
      let pieces: Piece[];
      if (job.contentType === 'text/uri-list')
        throw new EngineError('uri-failure', 'the tone synthesizer fetches no URI');
      if (job.contentType === 'application/ssml+xml') {
        const x = parseXml(job.text);
        if (!x.ok || x.root.name !== 'speak')
          throw new EngineError('parse-failure', x.ok ? 'root is not <speak>' : x.error);
        pieces = [];
        ssmlPieces(x.root, pieces);
        if (textOf(x.root).trim() === '' && !pieces.some((p) => 'mark' in p)) pieces = [{ chars: 0 }];
      } else pieces = [{ chars: job.text.trim().length }];
      const totalChars = pieces.reduce((a, p) => a + ('chars' in p ? p.chars : 0), 0);
      const totalMs = Math.min(maxMs, Math.max(minMs, totalChars * msPerChar));
      const total = Math.round((job.sampleRate * totalMs) / 1000);
      // Sample offset of each mark: proportional to the characters before it.
      const marks: { at: number; name: string }[] = [];
      let chars = 0;
      for (const p of pieces) {
        if ('chars' in p) chars += p.chars;
        else
          marks.push({ at: totalChars === 0 ? 0 : Math.round((chars / totalChars) * total), name: p.mark });
      }
      const chunk = Math.round(job.sampleRate / 50); // 20 ms
      let pos = 0;
      let nextMark = 0;
      let cancelled = false;
      let done = false;
      const pump = (): void => {
        while (!cancelled && !done) {
          while (nextMark < marks.length && (marks[nextMark] as { at: number }).at <= pos)
            out.marker((marks[nextMark++] as { name: string }).name);
          if (pos >= total) {
            done = true;
            out.end();
            return;
          }
          const n = Math.min(chunk, total - pos);
          const s = new Int16Array(n);
          for (let i = 0; i < n; i++)
            s[i] = Math.round(amp * Math.sin((2 * Math.PI * freq * (pos + i)) / job.sampleRate));
          pos += n;
          if (!out.write(s)) {
            out.onDrain(pump);
            return;
          }
        }
      };
      pump();
      return {
        cancel: () => {
          cancelled = true;
        },
        control: (c) => {
          if (cancelled) return false;
          let target = Math.min(total, c.playedSamples);
          if (c.restart) target = 0;
          if (c.jump !== undefined) {
            const m = /^([+-]?\d+)\s*(second|seconds|s)$/i.exec(c.jump.trim());
            if (!m) return false;
            target = Math.min(total, Math.max(0, target + Number(m[1]) * job.sampleRate));
          }
          pos = target;
          nextMark = marks.findIndex((mk) => mk.at >= pos);
          if (nextMark < 0) nextMark = marks.length;
          // The machine drops what was queued; write from the new position once control returns.
          const wasDone = done;
          done = false;
          if (wasDone) queueMicrotask(pump);
          else queueMicrotask(() => out.onDrain(pump));
          return true;
        },
      };
    },
    async defineLexicon(lexicon) {
      const x = parseXml(Buffer.from(lexicon.body).toString('utf8'));
      if (!x.ok || x.root.name !== 'lexicon')
        throw new EngineError('lexicon-load-failure', x.ok ? 'root is not <lexicon>' : x.error);
    },
  };
}
