/**
 * Barge-in end to end, measured on the wire: SIPp calls, voicegate speaks a long prompt through the
 * built-in engine; the caller speaks (espeak-ng "yes" made into a pcap) or keys a digit (SIPp's
 * RFC 4733 captures). tshark captures both directions of the call's RTP on loopback; from the
 * capture, the last audible packet of our prompt follows the caller's first speech packet (or
 * first telephone-event packet) by less than 300 ms, and the prompt never talks over the caller
 * after that.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { AppSpec, GatherPayload, StepRecord } from '../../src/call/index.js';
import { until } from './harness.js';
import { Capture } from './capture.js';
import { packetDbfs, portRangeFilter, rtpPackets, type RtpPacketInfo } from './speech-capture.js';
import { speechGate, stopSpeechGates, type SpeechGate } from './speech-harness.js';
import { runSippSpeech, utteranceDir } from './speech-sipp.js';

/**
 * One run-on sentence: espeak-ng leaves no pause longer than 100 ms in it (sentence ends pause
 * 300-440 ms), so the caller's onset always falls while the prompt is talking.
 */
const LONG_PROMPT =
  'for sales press two for support press four for billing press six for the operator press zero and to hear these options again stay on the line and we will read them to you once more from the very beginning';
/** The budget of the issue: the caller stops hearing the prompt within 300 ms. */
const BUDGET_MS = 300;
const LOUD_DBFS = -40;

const app = (name: string, steps: AppSpec['steps']): AppSpec => ({
  name,
  steps: [{ type: 'answer' }, ...steps, { type: 'hangup', cause: 16 }],
  maxDurationMs: 30_000,
});

let g: SpeechGate;
let base: number;
before(async () => {
  base = 46000 + 2 * Math.floor(Math.random() * 2000);
  g = await speechGate({
    rtpBase: base,
    apps: [
      app('speech', [
        {
          type: 'gather',
          input: ['speech'],
          bargein: true,
          timeout: 5,
          say: { text: LONG_PROMPT },
          recognizer: { grammars: [{ uri: 'builtin:grammar/boolean' }] },
        },
      ]),
      app('keys', [
        { type: 'gather', input: ['digits'], finishOnKey: '#', timeout: 5, say: { text: LONG_PROMPT } },
      ]),
      app('say-keys', [
        { type: 'say', text: LONG_PROMPT, dtmfBargein: true },
        { type: 'gather', input: ['digits'], finishOnKey: '#', timeout: 3 },
      ]),
    ],
    routes: [
      { calledPrefix: '5', app: 'speech' },
      { calledPrefix: '6', app: 'keys' },
      { calledPrefix: '7', app: 'say-keys' },
    ],
  });
});
after(stopSpeechGates);

interface Measured {
  /** The caller's first speech / telephone-event packet (capture time, s). */
  onset: number;
  /** Our last audible packet at or after the onset. */
  lastPrompt: number;
  /** Audible packets we sent before the onset (the prompt was playing). */
  promptBefore: number;
  /** Audible packets we sent in the 120 ms before the onset (talking when the caller began). */
  talkingAtOnset: number;
  /** Audible packets we sent later than the budget after the onset. */
  late: RtpPacketInfo[];
}

function measure(file: string, mediaPort: number, onsetOf: (p: RtpPacketInfo) => boolean): Measured {
  const all = rtpPackets(file);
  const ours = all.filter((p) => p.dstPort === mediaPort && p.srcPort >= base && p.srcPort < base + 100);
  const theirs = all.filter((p) => p.srcPort === mediaPort);
  const first = theirs.find(onsetOf);
  assert.ok(first, `the caller's input is in the capture (${theirs.length} caller packets)`);
  const onset = first.time;
  const loud = ours.filter((p) => p.pcm.length > 0 && packetDbfs(p.pcm) > LOUD_DBFS);
  const before = loud.filter((p) => p.time < onset);
  const afterOnset = loud.filter((p) => p.time >= onset);
  return {
    onset,
    lastPrompt: afterOnset.length > 0 ? afterOnset[afterOnset.length - 1]!.time : onset,
    promptBefore: before.length,
    talkingAtOnset: before.filter((p) => onset - p.time <= 0.12).length,
    late: afterOnset.filter((p) => (p.time - onset) * 1000 > BUDGET_MS),
  };
}

async function captured(
  name: string,
  scenario: string,
  service: string,
  pauseMs: number,
  onsetOf: (p: RtpPacketInfo) => boolean,
  cwd?: string,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), `vg-barge-${name}-`));
  const cap = await Capture.start(join(dir, 'barge.pcap'), base, portRangeFilter(base, base + 99, true));
  try {
    const n = g.cdrs.length;
    const r = await runSippSpeech({ scenario, port: g.port, service, pauseMs, ...(cwd ? { cwd } : {}) });
    assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 2000)}`);
    await until(() => g.cdrs.length > n, 'the CDR');
    await new Promise((res) => setTimeout(res, 200));
    await cap.stop();
    const m = measure(cap.file, r.mediaPort, onsetOf);
    assert.ok(m.promptBefore > 20, `the prompt was playing before the caller (${m.promptBefore} packets)`);
    assert.ok(m.talkingAtOnset > 0, 'the prompt was talking when the caller began');
    const reactionMs = (m.lastPrompt - m.onset) * 1000;
    assert.ok(reactionMs < BUDGET_MS, `prompt stopped ${reactionMs.toFixed(0)} ms after the caller`);
    assert.deepEqual(
      m.late.map((p) => ((p.time - m.onset) * 1000).toFixed(0)),
      [],
      'no prompt audio over the caller',
    );
    return reactionMs;
  } finally {
    cap.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loudCaller = (p: RtpPacketInfo): boolean => p.pcm.length > 0 && packetDbfs(p.pcm) > LOUD_DBFS;
const telephoneEvent = (p: RtpPacketInfo): boolean => p.pt === 101;

function record(type: string): StepRecord {
  const rec = g.lastSteps.find((s) => s.type === type);
  assert.ok(rec, `a ${type} ran`);
  return rec;
}

describe('barge-in, measured from a capture', () => {
  it('caller speech during a gather prompt stops it within 300 ms; "yes" is recognised', async (t) => {
    const dir = utteranceDir('yes');
    try {
      const ms = await captured('speech', 'uac-speech-utterance.xml', '500', 1800, loudCaller, dir);
      t.diagnostic(`reaction ${ms.toFixed(0)} ms`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const p = record('gather').payload as GatherPayload;
    assert.equal(p.reason, 'speechDetected', JSON.stringify(p));
    assert.equal(p.speech!.alternatives[0]!.interpretation, 'true');
  });

  it('a DTMF digit during a gather prompt stops it within 300 ms; the digits come back', async (t) => {
    const ms = await captured('keys', 'uac-speech-dtmf-pcaps.xml', '600', 1800, telephoneEvent);
    t.diagnostic(`reaction ${ms.toFixed(0)} ms`);
    assert.deepEqual(record('gather').payload, { reason: 'dtmfDetected', digits: '24' });
  });

  it('a DTMF digit during a say (dtmfBargein) stops it within 300 ms; the keys go to the next step', async (t) => {
    const ms = await captured('say', 'uac-speech-dtmf-pcaps.xml', '700', 1800, telephoneEvent);
    t.diagnostic(`reaction ${ms.toFixed(0)} ms`);
    assert.equal(record('say').outcome, 'barged');
    assert.deepEqual(record('gather').payload, { reason: 'dtmfDetected', digits: '24' });
  });

  it('nothing is left behind', async () => {
    await until(() => Object.values(g.leaks()).every((n) => n === 0), 'zero', 8000).catch(() =>
      assert.fail(JSON.stringify(g.leaks())),
    );
  });
});
