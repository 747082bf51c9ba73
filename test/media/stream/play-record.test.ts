import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import {
  alawEncode,
  ClipSource,
  decodeWav,
  FrameClock,
  loadWavFile,
  MediaBridge,
  parseWav,
  StreamRecorder,
  ulawEncode,
  wavHeader,
} from '../../../src/media/index.js';
import { cleanupAll, negotiated, openStream, sleep, tone, waitFor } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-media-'));
after(() => rmSync(dir, { recursive: true, force: true }));
afterEach(cleanupAll);

function wav(rate: number, channels: number, format: number, data: Buffer): Buffer {
  const h = wavHeader(rate, channels, data.length);
  const bytesPerSample = format === 1 ? 2 : 1;
  h.writeUInt16LE(format, 20);
  h.writeUInt32LE(rate * channels * bytesPerSample, 28);
  h.writeUInt16LE(channels * bytesPerSample, 32);
  h.writeUInt16LE(8 * bytesPerSample, 34);
  return Buffer.concat([h, data]);
}

const pcmBuf = (s: Int16Array): Buffer => Buffer.from(s.buffer, s.byteOffset, s.byteLength);

describe('WAV players', () => {
  it('decodes PCM 8 kHz as is, A-law and µ-law WAV, and mixes stereo down', () => {
    const sig = tone(700, 100, 8000);
    const p = decodeWav(wav(8000, 1, 1, pcmBuf(sig)));
    assert.ok(p.ok);
    assert.deepEqual(p.clip.samples, sig);
    assert.equal(p.clip.durationMs, 100);
    const a = decodeWav(wav(8000, 1, 6, Buffer.from(alawEncode(sig))));
    const u = decodeWav(wav(8000, 1, 7, Buffer.from(ulawEncode(sig))));
    assert.ok(a.ok && u.ok);
    for (const c of [a.clip, u.clip]) {
      let err = 0;
      for (let i = 0; i < sig.length; i++) err = Math.max(err, Math.abs(c.samples[i]! - sig[i]!));
      assert.ok(err < 300, `G.711 rounding only (${err})`);
    }
    const st = new Int16Array(2 * sig.length);
    for (let i = 0; i < sig.length; i++) {
      st[2 * i] = sig[i]!;
      st[2 * i + 1] = -sig[i]!;
    }
    const s = decodeWav(wav(8000, 2, 1, pcmBuf(st)));
    assert.ok(s.ok);
    assert.ok(s.clip.samples.every((v) => Math.abs(v) <= 1));
  });

  it('plays a 16 kHz file at 16 kHz, and resamples it to 8 kHz on request (level kept)', () => {
    const sig = tone(1000, 200, 16000);
    const at16 = decodeWav(wav(16000, 1, 1, pcmBuf(sig)));
    assert.ok(at16.ok);
    assert.equal(at16.clip.rate, 16000);
    const at8 = decodeWav(wav(16000, 1, 1, pcmBuf(sig)), 8000);
    assert.ok(at8.ok);
    assert.equal(at8.clip.rate, 8000);
    assert.equal(at8.clip.samples.length, 1600);
    let peak = 0;
    for (const v of at8.clip.samples.subarray(200, 1400)) peak = Math.max(peak, Math.abs(v));
    assert.ok(peak > 7600 && peak < 8400, `peak ${peak}`);
  });

  it('refuses what it cannot play with coded errors, and files over the bound', async () => {
    const bad = decodeWav(Buffer.from('RIFF0000WAVEjunk'));
    assert.equal(bad.ok, false);
    const eight = decodeWav(wav(8000, 1, 3, Buffer.alloc(16)));
    assert.ok(!eight.ok && eight.code === 'wav_unsupported_format');
    const f = join(dir, 'big.wav');
    writeFileSync(f, wav(8000, 1, 1, Buffer.alloc(4000)));
    const big = await loadWavFile(f, { maxBytes: 1000 });
    assert.ok(!big.ok && big.code === 'file_too_large');
    const missing = await loadWavFile(join(dir, 'nope.wav'));
    assert.ok(!missing.ok && missing.code === 'file_unreadable');
  });
});

describe('recorder and bridge on live streams', () => {
  it('records both directions aligned: stereo (left received, right sent) and mixed', async () => {
    const clock = new FrameClock();
    const a = await openStream(clock);
    const b = await openStream(clock);
    a.configure(negotiated(b.port, { codec: 'PCMU' }));
    b.configure(negotiated(a.port, { codec: 'PCMU' }));
    const stereo = await StreamRecorder.open({ path: join(dir, 'st.wav'), rate: 8000, mode: 'stereo' });
    const mixed = await StreamRecorder.open({ path: join(dir, 'mx.wav'), rate: 8000, mode: 'mixed' });
    b.addTap(stereo);
    b.addTap(mixed);
    let done = 0;
    a.play(new ClipSource({ rate: 8000, samples: tone(300, 300, 8000), durationMs: 300 }), {
      onEnd: () => done++,
    });
    b.play(new ClipSource({ rate: 8000, samples: tone(2000, 300, 8000, 4000), durationMs: 300 }), {
      onEnd: () => done++,
    });
    await waitFor(() => done === 2, 'both played');
    await sleep(200);
    // Stop both in the same tick so neither records a frame the other misses.
    stereo.stop();
    mixed.stop();
    const r1 = await stereo.finish();
    const r2 = await mixed.finish();
    assert.equal(r1.droppedFrames, 0);
    assert.ok(r1.durationMs >= 400, `${r1.durationMs} ms`);
    assert.equal(r1.durationMs, r2.durationMs);
    const buf = readFileSync(join(dir, 'st.wav'));
    const info = parseWav(buf);
    assert.ok(info.ok && info.info.channels === 2);
    let left = 0;
    let right = 0;
    for (let i = info.info.dataOffset; i + 4 <= buf.length; i += 4) {
      left = Math.max(left, Math.abs(buf.readInt16LE(i)));
      right = Math.max(right, Math.abs(buf.readInt16LE(i + 2)));
    }
    assert.ok(left > 7000 && left < 9000, `received ${left}`);
    assert.ok(right > 3500 && right < 4500, `sent ${right}`);
  });

  it('bridges a PCMU 8 kHz leg and a G.722 16 kHz leg, transcoding both ways', async () => {
    const clock = new FrameClock();
    const caller = await openStream(clock); // the caller's phone
    const leg1 = await openStream(clock); // voicegate, towards the caller (PCMU)
    const leg2 = await openStream(clock, {}, { rate: 16000 }); // voicegate, towards the agent (G.722)
    const agent = await openStream(clock, {}, { rate: 16000 }); // the agent's phone
    caller.configure(negotiated(leg1.port, { codec: 'PCMU' }));
    leg1.configure(negotiated(caller.port, { codec: 'PCMU' }));
    leg2.configure(negotiated(agent.port, { codec: 'G722' }));
    agent.configure(negotiated(leg2.port, { codec: 'G722' }));
    const bridge = new MediaBridge(leg1, leg2);
    let agentPeak = 0;
    let callerPeak = 0;
    agent.events.onFrame = (f) => {
      for (const v of f) agentPeak = Math.max(agentPeak, Math.abs(v));
    };
    caller.events.onFrame = (f) => {
      for (const v of f) callerPeak = Math.max(callerPeak, Math.abs(v));
    };
    let done = 0;
    caller.play(new ClipSource({ rate: 8000, samples: tone(440, 400, 8000), durationMs: 400 }), {
      onEnd: () => done++,
    });
    agent.play(new ClipSource({ rate: 16000, samples: tone(880, 400, 16000, 6000), durationMs: 400 }), {
      onEnd: () => done++,
    });
    await waitFor(() => done === 2, 'both played');
    await sleep(250);
    assert.ok(agentPeak > 7000 && agentPeak < 9000, `caller → agent peak ${agentPeak}`);
    assert.ok(callerPeak > 5000 && callerPeak < 7000, `agent → caller peak ${callerPeak}`);
    assert.equal(bridge.isActive, true);
    bridge.unbridge();
    assert.equal(bridge.isActive, false);
    assert.equal(leg1.isPlaying, false, 'each side back to silence');
  });
});
