import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  alawDecode,
  alawEncode,
  Concealer,
  createPayloadCodec,
  FrameQueueSource,
  PcmStreamSource,
  resampled,
  SampleFifo,
  SilenceSource,
  ClipSource,
  STREAM_EDGES,
} from '../../../src/media/index.js';
import { tone } from './helpers.js';

describe('SampleFifo', () => {
  it('keeps order across the wrap and drops the oldest when full (counted)', () => {
    const f = new SampleFifo(8);
    f.write(Int16Array.from([1, 2, 3, 4, 5, 6]));
    const out = new Int16Array(4);
    assert.equal(f.read(out), 4);
    assert.deepEqual([...out], [1, 2, 3, 4]);
    f.write(Int16Array.from([7, 8, 9, 10, 11, 12, 13, 14])); // 10 in 8 slots: 5 and 6 go
    assert.equal(f.overflowed, 2);
    const all = new Int16Array(8);
    assert.equal(f.read(all), 8);
    assert.deepEqual([...all], [7, 8, 9, 10, 11, 12, 13, 14]);
    f.writeSilence(3);
    assert.equal(f.size, 3);
    f.skip(2);
    assert.equal(f.size, 1);
    f.clear();
    assert.equal(f.read(out), 0);
  });
});

describe('Concealer', () => {
  it('repeats the last period, fades to silence over fadeMs (20 ms here), and fades in after the loss', () => {
    const c = new Concealer(8000, 20, 10);
    const good = tone(400, 20, 8000);
    c.good(good.slice(), good.length);
    const a = new Int16Array(160);
    c.conceal(a, 160);
    // The first concealed sample continues the stored period at full gain.
    assert.equal(a[0], good[good.length - 80]);
    let peakA = 0;
    for (const v of a) peakA = Math.max(peakA, Math.abs(v));
    const b = new Int16Array(160);
    c.conceal(b, 160);
    assert.ok(
      b.every((v) => v === 0),
      'silent after 40 ms',
    );
    assert.ok(peakA > 4000);
    const back = tone(400, 20, 8000);
    c.good(back, back.length);
    assert.equal(back[0], 0, 'faded in');
    assert.equal(c.concealedSamples, 320);
  });

  it('conceals with silence before any good audio', () => {
    const c = new Concealer(8000);
    const a = new Int16Array(160).fill(7);
    c.conceal(a, 160);
    assert.ok(a.every((v) => v === 0));
  });
});

describe('payload codecs', () => {
  it('G.711: every A-law code survives decode and encode (so a relay keeps payloads bit-exact)', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    assert.deepEqual(alawEncode(alawDecode(codes)), codes);
    const c = createPayloadCodec('PCMA');
    const pcm = new Int16Array(300);
    const n = c.decode(Buffer.concat([Buffer.alloc(7), Buffer.from(codes)]), 7, 256, pcm);
    assert.equal(n, 256);
    const back = new Uint8Array(256);
    assert.equal(c.encode(pcm.subarray(0, 256), back), 256);
    assert.deepEqual(back, codes);
    assert.equal(c.samplesFor(160), 160);
  });

  it('L16 is big-endian (RFC 3551 §4.5.11)', () => {
    const c = createPayloadCodec('L16/16000');
    assert.equal(c.sampleRate, 16000);
    const out = new Uint8Array(4);
    c.encode(Int16Array.from([0x1234, -2]), out);
    assert.deepEqual([...out], [0x12, 0x34, 0xff, 0xfe]);
    const pcm = new Int16Array(2);
    assert.equal(c.decode(out, 0, 4, pcm), 2);
    assert.deepEqual([...pcm], [0x1234, -2]);
  });

  it('G.722: 16 kHz PCM, two samples per octet, RTP clock 8000', () => {
    const c = createPayloadCodec('G722');
    assert.equal(c.sampleRate, 16000);
    assert.equal(c.clockRate, 8000);
    const bytes = new Uint8Array(160);
    assert.equal(c.encode(tone(1000, 20, 16000), bytes), 160);
    const pcm = new Int16Array(320);
    assert.equal(c.decode(bytes, 0, 160, pcm), 320);
    c.close();
  });
});

describe('sources', () => {
  it('ClipSource and SilenceSource end after their audio', () => {
    const clip = new ClipSource({
      rate: 8000,
      samples: Int16Array.from({ length: 200 }, (_, i) => i),
      durationMs: 25,
    });
    const f = new Int16Array(160);
    assert.equal(clip.read(f), 160);
    assert.equal(clip.done, false);
    assert.equal(clip.read(f), 40);
    assert.equal(f[39], 199);
    assert.equal(clip.done, true);
    const s = new SilenceSource(8000, 30);
    assert.equal(s.read(f), 160);
    assert.equal(s.read(f), 80);
    assert.equal(s.done, true);
  });

  it('PcmStreamSource plays silence while empty, drops the oldest beyond its bound, takes LE buffers', () => {
    const s = new PcmStreamSource(8000, 40);
    const f = new Int16Array(160);
    assert.equal(s.read(f), 160);
    assert.equal(s.underruns, 1);
    s.write(new Int16Array(480).fill(3)); // 60 ms into 40 ms
    assert.equal(s.dropped, 160);
    assert.equal(s.bufferedMs, 40);
    const le = Buffer.alloc(5);
    le.writeInt16LE(-300, 0);
    le.writeInt16LE(300, 2);
    s.write(le.subarray(1)); // odd offset: copied
    s.end();
    let total = 0;
    while (!s.done) total += s.read(f);
    assert.equal(total, 320, 'the newest 40 ms');
    assert.equal(s.dropped, 162);
    assert.equal(s.done, true);
  });

  it('resampled() converts a source to another rate and keeps its length', () => {
    const src = new ClipSource({ rate: 8000, samples: tone(500, 400, 8000), durationMs: 400 });
    const r = resampled(src, 16000);
    assert.equal(r.rate, 16000);
    const f = new Int16Array(320);
    let n = 0;
    let peak = 0;
    for (let i = 0; i < 100 && !r.done; i++) {
      n += r.read(f);
      for (const v of f) peak = Math.max(peak, Math.abs(v));
    }
    assert.ok(Math.abs(n - 6400) <= 320, `${n} samples`);
    assert.ok(peak > 7500 && peak < 8500);
    r.close?.();
  });

  it('FrameQueueSource keeps at most its depth and plays silence when empty', () => {
    const q = new FrameQueueSource(8000, 2);
    const f = new Int16Array(160);
    assert.equal(q.read(f), 160);
    for (let i = 1; i <= 3; i++) q.push(new Int16Array(160).fill(i));
    assert.equal(q.dropped, 1);
    q.read(f);
    assert.equal(f[0], 2);
    q.end();
    q.read(f);
    assert.equal(f[0], 3);
    assert.equal(q.read(f), 0);
    assert.equal(q.done, true);
  });
});

describe('MediaStream state table', () => {
  it('open → running → closed, open → closed; nothing leaves closed', () => {
    assert.deepEqual(STREAM_EDGES, { open: ['running', 'closed'], running: ['closed'], closed: [] });
  });
});
