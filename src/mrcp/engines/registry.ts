/**
 * Engine registry: picks the engine for a resource and a language (most specific language tag
 * wins, `*` last), and loads engine plugins from a module path. A plugin module exports
 * `createEngines(options)` returning one engine or a list of them.
 */
import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MrcpEngine, RecognizerEngine, RecorderEngine, SynthesizerEngine } from './engine-types.js';

export type EngineKind = MrcpEngine['kind'];
type EngineOf<K extends EngineKind> = Extract<MrcpEngine, { kind: K }>;

/** Resource type → engine kind. */
export function engineKindFor(resource: string): EngineKind | undefined {
  if (resource === 'speechsynth' || resource === 'basicsynth') return 'synthesizer';
  if (resource === 'speechrecog' || resource === 'dtmfrecog') return 'recognizer';
  if (resource === 'recorder') return 'recorder';
  return undefined;
}

function langScore(served: string, wanted: string): number {
  if (served === '*') return 1;
  const s = served.toLowerCase();
  const w = wanted.toLowerCase();
  if (s === w) return 100 + s.length;
  if (w.startsWith(s + '-')) return 10 + s.length; // `en` serves `en-US`
  if (s.startsWith(w + '-')) return 5; // `en-US` serves a request for `en`
  return 0;
}

export class EngineRegistry {
  private readonly engines: MrcpEngine[] = [];

  constructor(engines: readonly MrcpEngine[] = []) {
    for (const e of engines) this.add(e);
  }

  add(engine: MrcpEngine): void {
    if (this.engines.some((e) => e.kind === engine.kind && e.name === engine.name)) {
      throw new Error(`engine ${engine.kind}/${engine.name} registered twice`);
    }
    this.engines.push(engine);
  }

  list(): readonly MrcpEngine[] {
    return this.engines;
  }

  /** The best engine of `kind` for `language`; registration order breaks ties. */
  pick<K extends EngineKind>(kind: K, language: string): EngineOf<K> | undefined {
    let best: MrcpEngine | undefined;
    let bestScore = 0;
    for (const e of this.engines) {
      if (e.kind !== kind) continue;
      const score = Math.max(0, ...e.languages.map((l) => langScore(l, language)));
      if (score > bestScore) {
        best = e;
        bestScore = score;
      }
    }
    return best as EngineOf<K> | undefined;
  }

  synthesizer(language: string): SynthesizerEngine | undefined {
    return this.pick('synthesizer', language);
  }
  recognizer(language: string): RecognizerEngine | undefined {
    return this.pick('recognizer', language);
  }
  recorder(language: string): RecorderEngine | undefined {
    return this.pick('recorder', language);
  }
}

function isEngine(x: unknown): x is MrcpEngine {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  const methodOk =
    (e.kind === 'synthesizer' && typeof e.speak === 'function') ||
    (e.kind === 'recognizer' && typeof e.recognize === 'function') ||
    (e.kind === 'recorder' && typeof e.record === 'function');
  return methodOk && typeof e.name === 'string' && Array.isArray(e.languages);
}

/**
 * Imports a plugin module (a path, relative to `baseDir`, or a package name) and validates what
 * its `createEngines(options)` returns. Throws an Error naming the module on any problem.
 */
export async function loadEngineModule(
  spec: string,
  options: Record<string, unknown> = {},
  baseDir = process.cwd(),
): Promise<MrcpEngine[]> {
  const target = spec.startsWith('.') || isAbsolute(spec) ? pathToFileURL(resolve(baseDir, spec)).href : spec;
  let mod: { createEngines?: unknown };
  try {
    mod = (await import(target)) as { createEngines?: unknown };
  } catch (err) {
    throw new Error(`engine module ${spec}: cannot be loaded (${(err as Error).message})`);
  }
  if (typeof mod.createEngines !== 'function')
    throw new Error(`engine module ${spec}: no createEngines() export`);
  const made: unknown = await (mod.createEngines as (o: Record<string, unknown>) => unknown)(options);
  const list = Array.isArray(made) ? made : [made];
  list.forEach((e, i) => {
    if (!isEngine(e))
      throw new Error(`engine module ${spec}: item ${i} is not a synthesizer, recognizer or recorder engine`);
  });
  return list as MrcpEngine[];
}
