/**
 * The built-in engine set from configuration: the espeak-ng synthesizer and one routing
 * recognizer whose routes send DTMF grammars to the DTMF engine and speech grammars to
 * PocketSphinx, by language. Start-up health checks run here: a missing espeak-ng or PocketSphinx
 * is logged once as an error and its engine serves no language (requests then get
 * `language-unsupported`), never a crash. Also the plugin-module form (`createEngines`) that
 * `loadEngineModule` loads.
 */
import { access } from 'node:fs/promises';
import { silentLogger, type MrcpLogger } from '../../server/clock.js';
import type { MrcpEngine, RecognizerEngine } from '../engine-types.js';
import { createDtmfRecognizer } from './dtmf-recognizer.js';
import { createEspeakSynthesizer, type EspeakSynthOptions } from './espeak-synthesizer.js';
import type { GrammarKind } from './grammar-kind.js';
import { createRoutingRecognizer, type RecognizerRoute } from './routing-recognizer.js';
import { runProgram } from './run-program.js';
import { createSphinxRecognizer, type SphinxRecognizerOptions } from './sphinx-recognizer.js';

export interface RouteConfig {
  languages: string[];
  grammarTypes: GrammarKind[];
  engine: 'dtmf' | 'pocketsphinx';
}

export interface BuiltinEnginesOptions {
  /** false: no built-in synthesizer. */
  synthesizer?: EspeakSynthOptions | false;
  /** false: no PocketSphinx (speech grammars then get language-unsupported). */
  pocketsphinx?: SphinxRecognizerOptions | false;
  /** Recognizer routes; default: DTMF for any language, PocketSphinx for `en`. */
  routes?: RouteConfig[];
  env?: NodeJS.ProcessEnv;
  logger?: MrcpLogger;
}

export const DEFAULT_ROUTES: RouteConfig[] = [
  { languages: ['*'], grammarTypes: ['dtmf'], engine: 'dtmf' },
  { languages: ['en'], grammarTypes: ['speech'], engine: 'pocketsphinx' },
];

/** Whether a program can be started (any exit status counts: only "not found" fails). */
export async function programPresent(path: string, env?: NodeJS.ProcessEnv): Promise<string | undefined> {
  const r = await runProgram(path, [], { env, timeoutMs: 10_000, maxOutputBytes: 64 * 1024 });
  return r.code === null ? (r.error ?? `${path} did not run`) : undefined;
}

export async function createBuiltinEngines(o: BuiltinEnginesOptions = {}): Promise<MrcpEngine[]> {
  const logger = o.logger ?? silentLogger;
  const engines: MrcpEngine[] = [];
  if (o.synthesizer !== false) {
    const synth = createEspeakSynthesizer({ env: o.env, logger, ...o.synthesizer });
    await synth.init();
    engines.push(synth);
  }
  const byName: Record<RouteConfig['engine'], RecognizerEngine | undefined> = {
    dtmf: createDtmfRecognizer(),
    pocketsphinx: undefined,
  };
  if (o.pocketsphinx !== false) {
    const ps = o.pocketsphinx ?? {};
    const path = ps.sphinxPath ?? 'pocketsphinx_batch';
    const model = ps.modelDir ?? '/usr/share/pocketsphinx/model/en-us';
    const missing =
      (await programPresent(path, ps.env ?? o.env)) ??
      (await access(`${model}/en-us/mdef`).then(
        () => undefined,
        () => `acoustic model not found under ${model}/en-us`,
      ));
    if (missing)
      logger.error(`recognizer pocketsphinx unavailable, speech grammars will be refused: ${missing}`);
    else byName.pocketsphinx = createSphinxRecognizer({ env: o.env, logger, ...ps });
  }
  const routes: RecognizerRoute[] = [];
  for (const r of o.routes ?? DEFAULT_ROUTES) {
    const engine = byName[r.engine];
    if (engine) routes.push({ languages: r.languages, grammarTypes: r.grammarTypes, engine });
  }
  engines.push(createRoutingRecognizer({ name: 'builtin', routes }));
  return engines;
}

/** Plugin-module entry (`mrcpServer.engines: [{ module, options }]`). */
export function createEngines(options: Record<string, unknown> = {}): Promise<MrcpEngine[]> {
  return createBuiltinEngines(options as BuiltinEnginesOptions);
}
