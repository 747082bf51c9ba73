#!/usr/bin/env node
/**
 * The survey tutorial in one command (`npm run example:survey`): the survey application's server
 * on the address and with the secret its voicegate config names, then voicegate with that config.
 * Ctrl-C (SIGINT) or SIGTERM stops voicegate (it drains its calls) and then the survey server.
 *
 *   node dist/examples/survey/start.js [--config examples/survey/voicegate.yaml]
 *     [--survey examples/survey/survey.yaml] [--app survey] [--result-hook URL]
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { startSurveyServer } from './server.js';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));
/** From dist/examples/survey/: the sources' folder and the daemon's command line. */
export const EXAMPLE_DIR = here('../../../examples/survey/');
export const DAEMON_CLI = here('../../src/daemon/cli.js');

export interface SurveyDeployment {
  /** The webhook voicegate posts the call to (the survey server's `/survey`). */
  webhook: URL;
  host: string;
  port: number;
  secret?: string | undefined;
}

/** Where voicegate's config expects the survey application (`calls.apps.<app>.application.webhook`). */
export function surveyDeployment(configFile: string, app = 'survey'): SurveyDeployment {
  const cfg = parseYaml(readFileSync(configFile, 'utf8')) as {
    calls?: { apps?: Record<string, { application?: { webhook?: string }; secret?: string }> };
  };
  const a = cfg?.calls?.apps?.[app];
  if (!a?.application?.webhook) {
    throw new Error(`${configFile}: calls.apps.${app}.application.webhook is not set`);
  }
  const webhook = new URL(a.application.webhook);
  if (webhook.protocol !== 'http:') throw new Error(`${configFile}: the survey server speaks http only`);
  return {
    webhook,
    host: webhook.hostname.replace(/^\[|\]$/g, ''),
    port: Number(webhook.port || 80),
    secret: a.secret,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: `${EXAMPLE_DIR}voicegate.yaml` },
      survey: { type: 'string', default: `${EXAMPLE_DIR}survey.yaml` },
      app: { type: 'string', default: 'survey' },
      'result-hook': { type: 'string' },
    },
  });
  let survey: Awaited<ReturnType<typeof startSurveyServer>>;
  try {
    const d = surveyDeployment(values.config!, values.app!);
    survey = await startSurveyServer({
      surveyFile: values.survey!,
      host: d.host,
      port: d.port,
      secret: d.secret,
      resultHook: values['result-hook'] ?? process.env.SURVEY_RESULT_HOOK,
      print: true,
    });
  } catch (err) {
    // One line, no stack: a port in use, a missing file, an invalid survey.
    process.stderr.write(`survey: ${(err as Error).message}\n`);
    process.exit(2);
  }
  process.stdout.write(`survey application listening: ${survey.url}\n`);
  // Its own process group: a Ctrl-C reaches this process only, which passes one SIGTERM on (a
  // second signal would make voicegate exit without draining).
  const daemon = spawn(process.execPath, [DAEMON_CLI, '--config', values.config!], {
    stdio: 'inherit',
    detached: true,
  });
  process.stdout.write(`voicegate started (pid ${daemon.pid}) with ${values.config}\n`);
  process.on('exit', () => {
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  const [code, signal] = (await once(daemon, 'exit')) as [number | null, NodeJS.Signals | null];
  survey.server.close();
  process.stdout.write(`voicegate exited (${signal ?? code}); survey application stopped\n`);
  process.exitCode = code ?? 1;
}
