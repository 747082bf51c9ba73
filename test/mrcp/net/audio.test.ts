/**
 * The audio path per codec (PCMU, PCMA, G.722, L16 at 8 and 16 kHz): the server's tone reaches
 * the client decoded at the codec's rate with the tone's frequency, and the client's audio and
 * RFC 4733 digits reach the server's recognizer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { CodecId } from '../../../src/sdp/index.js';
import { audible, feed, startPair, toneFrame } from './net-helpers.js';

/** Frequency estimate from zero crossings. */
function frequency(frames: Int16Array[], rate: number): number {
  let crossings = 0;
  let prev = 0;
  let n = 0;
  for (const f of frames)
    for (const v of f) {
      if ((prev < 0 && v >= 0) || (prev >= 0 && v < 0)) crossings++;
      prev = v;
      n++;
    }
  return (crossings / 2) * (rate / n);
}

const CASES: { codec: CodecId; rate: number }[] = [
  { codec: 'PCMU', rate: 8000 },
  { codec: 'PCMA', rate: 8000 },
  { codec: 'G722', rate: 16000 },
  { codec: 'L16/8000', rate: 8000 },
  { codec: 'L16/16000', rate: 16000 },
];

describe('audio codecs on the MRCP session', () => {
  for (const [i, c] of CASES.entries()) {
    test(`${c.codec}: synthesized tone at ${c.rate} Hz, caller speech and digits recognized`, async () => {
      const p = await startPair({ rtpBase: 54800 + i * 800, entry: { codecs: [c.codec] } });
      try {
        const s = await p.client.openSession({ resources: ['speechsynth', 'speechrecog'] });
        assert.equal(s.sampleRate, c.rate);
        const got: Int16Array[] = [];
        s.events.onAudio = (f) => void (audible(f) && got.push(Int16Array.from(f)));
        assert.equal((await s.speak('a'.repeat(25)).done).cause, 'normal');
        await new Promise((r) => setTimeout(r, 100));
        assert.ok(got.length >= 15, `${got.length} frames`);
        assert.equal(got[0]?.length, (c.rate * 20) / 1000);
        const f = frequency(got.slice(2, -2), c.rate);
        assert.ok(Math.abs(f - 440) < 25, `tone at ${f.toFixed(1)} Hz`);
        const speech = s.recognize({
          uris: ['builtin:grammar/boolean'],
          headers: { 'Speech-Complete-Timeout': '150' },
        });
        await speech.response;
        await feed((fr) => s.sendAudio(fr), toneFrame(c.rate / 50), 15);
        await feed((fr) => s.sendAudio(fr), new Int16Array(c.rate / 50), 25);
        assert.equal((await speech.done).cause, 'success');
        const digits = s.recognize({ uris: ['builtin:dtmf/digits?length=2'] });
        s.sendDigits('90');
        assert.equal((await digits.done).result?.interpretations[0]?.instance, '90');
        s.close();
      } finally {
        await p.close();
      }
    });
  }
});
