/**
 * The survey tests' two ends: the result webhook (a loopback HTTP server the survey posts its
 * results to) and the caller (SIPp playing a caller script made into `caller.pcap`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SurveyResult } from '../../examples/survey/survey.js';
import { runSippSpeech } from '../call/speech-sipp.js';
import { writeCallerPcap } from './caller-timeline.js';
import type { CallerScript } from './survey-timeline.js';

const MAX_RESULT_BYTES = 64 * 1024;

/** The survey's result webhook: what is posted to it lands in `results`. */
export class ResultSink {
  readonly results: SurveyResult[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_RESULT_BYTES) chunks.push(c);
      });
      req.on('end', () => {
        try {
          this.results.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SurveyResult);
          res.writeHead(204).end();
        } catch {
          res.writeHead(400).end();
        }
      });
    });
    this.server = server;
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/results`;
    return this;
  }

  stop(): Promise<void> {
    const s = this.server;
    return s ? new Promise((r) => s.close(() => r())) : Promise.resolve();
  }
}

export interface SurveyCallOptions {
  service?: string;
  /** `uac-survey-hangup.xml`: the caller hangs up `hangupAfterMs` after the ACK. */
  hangupAfterMs?: number;
}

/**
 * SIPp calls 127.0.0.1:`port` and plays `script` from the ACK on, until the survey hangs up (or
 * the caller does, after `hangupAfterMs`); asserts SIPp's scenario passed.
 */
export async function placeSurveyCall(
  port: number,
  script: CallerScript,
  o: SurveyCallOptions = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-survey-'));
  try {
    writeCallerPcap(join(dir, 'caller.pcap'), script.events, script.totalMs);
    const r = await runSippSpeech({
      scenario: o.hangupAfterMs === undefined ? 'uac-survey.xml' : 'uac-survey-hangup.xml',
      port,
      service: o.service ?? '700',
      ...(o.hangupAfterMs === undefined ? {} : { pauseMs: o.hangupAfterMs }),
      cwd: dir,
      timeoutSeconds: Math.ceil(script.totalMs / 1000) + 20,
    });
    assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
