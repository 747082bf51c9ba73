/**
 * The tutorial's call through the real daemon: the survey server (as `npm run example:survey`
 * starts it: the address and secret of examples/survey/voicegate.yaml, here on a free port), the
 * voicegate daemon process with that config, a SIPp call answering by DTMF (a no-input round
 * retried), and the result the survey posts. Needs the daemon to run `calls.apps.<name>.application`
 * with VerbsApps and the speech capability (src/daemon/call-service.ts).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { startSurveyServer } from '../../examples/survey/server.js';
import { surveyDeployment } from '../../examples/survey/start.js';
import { loadSurvey } from '../../examples/survey/survey.js';
import { until } from '../call/harness.js';
import { DaemonProcess } from '../helpers/daemon-process.js';
import { placeSurveyCall, ResultSink } from './survey-call.js';
import { dtmfScript } from './survey-timeline.js';

export async function freeTcpPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The tutorial's config (`config`) copied into `dir` with the survey server on `port` instead of 3000. */
export function configOn(config: string, dir: string, port: number): string {
  const text = readFileSync(config, 'utf8');
  assert.match(text, /webhook: http:\/\/127\.0\.0\.1:3000\/survey/);
  const file = join(dir, `voicegate-${port}.yaml`);
  writeFileSync(file, text.replace('webhook: http://127.0.0.1:3000/', `webhook: http://127.0.0.1:${port}/`));
  return file;
}

/** Free ports for everything the daemon listens on (the MRCP server needs real ones). */
export async function daemonEnv(): Promise<Record<string, string>> {
  const base = 30000 + 2 * Math.floor(Math.random() * 2500);
  return {
    VOICEGATE_HTTP_PORT: '0',
    VOICEGATE_RTP_PORT_MIN: String(base),
    VOICEGATE_RTP_PORT_MAX: String(base + 199),
    VOICEGATE_MRCP_SIP_PORT: String(await freeTcpPort()),
    VOICEGATE_MRCP_PORT: String(await freeTcpPort()),
  };
}

/** The whole tutorial call; `config` and `surveyFile` are the tutorial's files, `dir` a scratch folder. */
export async function surveyCallThroughDaemon(
  config: string,
  surveyFile: string,
  dir: string,
): Promise<void> {
  const sink = await new ResultSink().start();
  const file = configOn(config, dir, await freeTcpPort());
  const d = surveyDeployment(file);
  const survey = await startSurveyServer({
    surveyFile,
    host: d.host,
    port: d.port,
    secret: d.secret,
    resultHook: sink.url,
  });
  const daemon = new DaemonProcess(['--config', file], await daemonEnv());
  try {
    await daemon.ready();
    const l = await daemon.waitFor((x) => x.msg === 'SIP stack started' && x.component === 'sip');
    const key = Object.keys(l.listeners as Record<string, boolean>).find((k) => k.startsWith('sip-udp-'))!;
    const def = loadSurvey(parseYaml(readFileSync(surveyFile, 'utf8'))).def;
    await placeSurveyCall(Number(key.slice('sip-udp-'.length)), dtmfScript(def, '5'));
    await until(() => sink.results.length > 0, 'the posted result', 8000);
    const res = sink.results[0]!;
    assert.equal(res.survey, 'delivery-satisfaction');
    assert.equal(res.completed, true);
    assert.equal(res.from, 'sipp');
    assert.equal(res.to, '700');
    assert.deepEqual(res.answers, { satisfied: 'satisfied', on_time: 'late', score: 'promoter' });
    assert.deepEqual(res.details, {
      satisfied: { value: 'satisfied', digits: '1', attempts: 1, misses: [] },
      on_time: { value: 'late', digits: '2', attempts: 2, misses: ['no-input'] },
      score: { value: 'promoter', digits: '5', attempts: 1, misses: [] },
    });
    const cdr = (await daemon.waitFor((x) => x.component === 'cdr')).cdr as Record<string, unknown>;
    assert.equal(cdr.callId, res.call_sid);
    assert.equal(cdr.app, 'survey');
    assert.equal(cdr.digits, '125');
    daemon.kill('SIGTERM');
    assert.equal((await daemon.exit()).code, 0);
  } finally {
    daemon.kill();
    survey.server.close();
    await sink.stop();
  }
}
