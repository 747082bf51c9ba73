#!/usr/bin/env node
/**
 * The survey application's HTTP server: voicegate's webhook for the call (`POST /survey`), the
 * gather actionHook (`POST /survey/answer`) and the call-status hook (`POST /survey/status`).
 * Results are printed as JSON lines and posted to the survey's `resultHook`.
 *
 *   node dist/examples/survey/server.js --survey examples/survey/survey.yaml --port 3000 \
 *     [--secret S] [--result-hook URL]
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { SIGNATURE_HEADER, verifySignature } from '../../src/call/app/index.js';
import { loadSurvey, SurveyRun, type GatherPayload, type SurveyResult } from './survey.js';

export interface SurveyServerOptions {
  surveyFile: string;
  host: string;
  port: number;
  /** When set, requests must carry a valid voicegate signature. */
  secret?: string | undefined;
  /** Where results are posted; replaces the survey file's `resultHook`. */
  resultHook?: string | undefined;
  onResult?: (r: SurveyResult) => void;
  /** Print each result as a JSON line on stdout (the command line does). */
  print?: boolean;
}

const MAX_RUNS = 10_000;
const MAX_BODY = 256 * 1024;

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startSurveyServer(
  o: SurveyServerOptions,
): Promise<{ server: Server; url: string; results: SurveyResult[] }> {
  const survey = loadSurvey(parseYaml(readFileSync(o.surveyFile, 'utf8')));
  const runs = new Map<string, SurveyRun>();
  const results: SurveyResult[] = [];

  const publish = async (r: SurveyResult): Promise<void> => {
    results.push(r);
    if (o.print) process.stdout.write(`${JSON.stringify({ result: r })}\n`);
    o.onResult?.(r);
    const hook = o.resultHook ?? survey.def.resultHook;
    if (!hook) return;
    try {
      await fetch(hook, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(r),
        signal: AbortSignal.timeout(5000),
      });
    } catch (err) {
      process.stderr.write(`survey: posting the result failed: ${(err as Error).message}\n`);
    }
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let body: string;
      try {
        body = await readBody(req);
      } catch {
        res.writeHead(413).end();
        return;
      }
      if (o.secret && !verifySignature(o.secret, body, req.headers[SIGNATURE_HEADER] as string | undefined)) {
        res.writeHead(401).end();
        return;
      }
      let data: Record<string, unknown>;
      try {
        data = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      } catch {
        res.writeHead(400).end();
        return;
      }
      const sid = String(data.call_sid ?? '');
      const reply = (verbs: unknown[]): void => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(verbs));
      };
      if (url.pathname === '/survey') {
        if (runs.size >= MAX_RUNS) runs.delete(runs.keys().next().value as string);
        const base = `http://${req.headers.host ?? 'localhost'}/survey`;
        const run = new SurveyRun(survey, sid, { from: data.from as string, to: data.to as string }, base);
        runs.set(sid, run);
        return reply(run.start());
      }
      if (url.pathname === '/survey/answer') {
        const run = runs.get(sid);
        if (!run) return reply([{ verb: 'hangup' }]);
        const { verbs, result } = run.answer(
          Number(url.searchParams.get('round')),
          Number(url.searchParams.get('attempt')),
          data as GatherPayload,
        );
        reply(verbs);
        if (result) {
          runs.delete(sid);
          await publish(result);
        }
        return;
      }
      if (url.pathname === '/survey/status') {
        res.writeHead(204).end();
        const run = runs.get(sid);
        if (run && ['completed', 'failed', 'no-answer', 'busy'].includes(String(data.call_status))) {
          runs.delete(sid);
          if (!run.done) await publish(run.result(false));
        }
        return;
      }
      res.writeHead(404).end();
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject); // e.g. the port in use
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const a = server.address() as AddressInfo;
  return { server, url: `http://${a.address}:${a.port}/survey`, results };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      survey: { type: 'string', default: 'examples/survey/survey.yaml' },
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '3000' },
      secret: { type: 'string' },
      'result-hook': { type: 'string' },
    },
  });
  const s = await startSurveyServer({
    surveyFile: values.survey!,
    host: values.host!,
    port: Number(values.port),
    secret: values.secret ?? process.env.SURVEY_SECRET,
    resultHook: values['result-hook'] ?? process.env.SURVEY_RESULT_HOOK,
    print: true,
  });
  process.stdout.write(`survey application listening: ${s.url}\n`);
}
