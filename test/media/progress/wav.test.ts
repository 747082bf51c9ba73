import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_WAV_BYTES, readWav } from '../../../src/media/progress/index.js';
import { fixture } from './audio.js';

function wav(opts: {
  format?: number;
  channels?: number;
  rate?: number;
  bits?: number;
  data: Uint8Array;
  extra?: Uint8Array;
}): Uint8Array {
  const fmtLen = 16;
  const extra = opts.extra ?? new Uint8Array(0);
  const buf = new Uint8Array(12 + 8 + fmtLen + extra.length + 8 + opts.data.length);
  const v = new DataView(buf.buffer);
  const put = (at: number, s: string) => [...s].forEach((c, i) => (buf[at + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, buf.length - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, fmtLen, true);
  v.setUint16(20, opts.format ?? 1, true);
  v.setUint16(22, opts.channels ?? 1, true);
  v.setUint32(24, opts.rate ?? 8000, true);
  v.setUint16(34, opts.bits ?? 16, true);
  buf.set(extra, 36);
  const d = 36 + extra.length;
  put(d, 'data');
  v.setUint32(d + 4, opts.data.length, true);
  buf.set(opts.data, d + 8);
  return buf;
}

describe('WAV reader', () => {
  it('reads 16-bit PCM (little-endian) and skips unknown chunks', () => {
    const data = new Uint8Array([0x01, 0x00, 0xff, 0xff, 0x00, 0x80]);
    const list = new Uint8Array([...'LIST'].map((c) => c.charCodeAt(0)).concat([2, 0, 0, 0, 9, 9]));
    const r = readWav(wav({ data, extra: list }));
    assert.ok(r.ok);
    assert.equal(r.value.sampleRate, 8000);
    assert.deepEqual([...r.value.samples], [1, -1, -32768]);
  });

  it('expands A-law and mu-law (G.711)', () => {
    const a = readWav(wav({ format: 6, bits: 8, data: new Uint8Array([0xd5, 0x55, 0x2a, 0xaa]) }));
    assert.ok(a.ok);
    assert.deepEqual([...a.value.samples], [8, -8, -32256, 32256]);
    const u = readWav(wav({ format: 7, bits: 8, data: new Uint8Array([0xff, 0x7f, 0x80, 0x00]) }));
    assert.ok(u.ok);
    assert.deepEqual([...u.value.samples], [0, 0, 32124, -32124]);
  });

  it('reads the committed fixtures', () => {
    const p = fixture('prompt.wav');
    assert.equal(p.sampleRate, 8000);
    assert.ok(p.samples.length > 8000 * 4);
    assert.equal(fixture('prompt-16k.wav').sampleRate, 16000);
  });

  it('returns coded errors for what it cannot use', () => {
    const code = (b: Uint8Array) => {
      const r = readWav(b);
      return r.ok ? 'ok' : r.error.code;
    };
    const pcm = new Uint8Array(4);
    assert.equal(code(new Uint8Array(5)), 'wav_truncated');
    assert.equal(code(new Uint8Array(12)), 'wav_not_riff');
    assert.equal(code(wav({ channels: 2, data: pcm })), 'wav_not_mono');
    assert.equal(code(wav({ rate: 44100, data: pcm })), 'wav_unsupported_rate');
    assert.equal(code(wav({ format: 3, bits: 32, data: pcm })), 'wav_unsupported_format');
    assert.equal(code(wav({ bits: 8, data: pcm })), 'wav_unsupported_format');
    assert.equal(code(new Uint8Array(MAX_WAV_BYTES + 1)), 'wav_too_large');
    const noData = wav({ data: pcm }).subarray(0, 36);
    assert.equal(code(noData), 'wav_no_data');
    const cut = wav({ data: pcm }).subarray(0, 28);
    assert.equal(code(cut), 'wav_truncated');
    const fmtless = new Uint8Array(
      [...'RIFF']
        .map((c) => c.charCodeAt(0))
        .concat(
          [0, 0, 0, 0],
          [...'WAVEdata'].map((c) => c.charCodeAt(0)),
          [0, 0, 0, 0],
        ),
    );
    assert.equal(code(fmtless), 'wav_no_format');
  });
});
