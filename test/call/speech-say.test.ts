/**
 * `say` end to end: SIPp places the call, voicegate answers and says a sentence through the MRCP
 * client and the built-in server (espeak-ng); the RTP captured on loopback by tshark, decoded, is
 * speech as long as espeak-ng's own rendering of the sentence — not silence, not cut.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { espeakPcm, voicedShare } from '../mrcp/engines/builtin/speech-helpers.js';
import { until } from './harness.js';
import { Capture } from './capture.js';
import { packetDbfs, portRangeFilter, rtpAudio, voiced } from './speech-capture.js';
import { speechGate, stopSpeechGates } from './speech-harness.js';
import { runSipp } from './sipp.js';

after(stopSpeechGates);

const SENTENCE = 'Welcome to voicegate. Your call is important to us.';

describe('say, end to end with the built-in engine', () => {
  it('SIPp hears the sentence: speech of the expected length in the captured RTP', async () => {
    const base = 44000 + 2 * Math.floor(Math.random() * 2000);
    const g = await speechGate({
      rtpBase: base,
      apps: [
        {
          name: 'say',
          steps: [
            { type: 'answer' },
            { type: 'say', text: SENTENCE },
            { type: 'pause', ms: 300 },
            { type: 'hangup', cause: 16 },
          ],
          maxDurationMs: 30_000,
        },
      ],
    });
    const dir = mkdtempSync(join(tmpdir(), 'vg-say-'));
    const cap = await Capture.start(join(dir, 'say.pcap'), base, portRangeFilter(base, base + 99));
    try {
      const r = await runSipp({ scenario: 'uac-wait-bye.xml', port: g.port, service: '100' });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      await until(() => g.cdrs.length === 1, 'the CDR');
      await new Promise((res) => setTimeout(res, 200));
      await cap.stop();
      const steps = g.lastSteps;
      assert.deepEqual(
        steps.map((s) => `${s.type}:${s.outcome}`),
        ['answer:done', 'say:done', 'pause:done', 'hangup:done'],
      );
      assert.deepEqual(steps[1]!.payload, { cause: 'normal' });
      const packets = rtpAudio(cap.file, r.mediaPort);
      const speech = voiced(packets);
      const reference = espeakPcm(SENTENCE, 8000);
      const refMs = reference.length / 8;
      // Voiced packets span the sentence: from the first to the last, as long as espeak-ng's own.
      const spanMs = (speech.length > 0 ? speech[speech.length - 1]!.seq - speech[0]!.seq + 1 : 0) * 20;
      assert.ok(
        Math.abs(spanMs - refMs) < 0.15 * refMs,
        `speech spans ${spanMs} ms, espeak-ng renders ${refMs.toFixed(0)} ms`,
      );
      // And as much of it is voiced as in espeak-ng's rendering (G.711 changes levels little).
      const refVoiced = Math.round(voicedShare(reference, 8000) * (reference.length / 160));
      const got = speech.filter((p) => packetDbfs(p.pcm) > -40).length;
      assert.ok(
        Math.abs(got - refVoiced) <= 0.1 * refVoiced + 2,
        `${got} voiced packets, espeak-ng ${refVoiced}`,
      );
    } finally {
      cap.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
