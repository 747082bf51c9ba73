import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseWav, wavHeader } from '../../../src/media/wav/wav-format.js';
import { WavFileWriter } from '../../../src/media/wav/wav-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'vg-wav-'));

describe('WAV format', () => {
  it('parses files made by sox in every supported encoding', () => {
    const cases: [string[], string, number, number][] = [
      [['-e', 'signed-integer', '-b', '16'], 'pcm16', 8000, 1],
      [['-e', 'a-law', '-b', '8'], 'alaw', 8000, 1],
      [['-e', 'u-law', '-b', '8'], 'mulaw', 8000, 1],
      [['-e', 'signed-integer', '-b', '16'], 'pcm16', 16000, 2],
    ];
    for (const [enc, name, rate, ch] of cases) {
      const f = join(dir, `${name}-${rate}-${ch}.wav`);
      execFileSync('sox', [
        '-n',
        '-r',
        String(rate),
        '-c',
        String(ch),
        ...enc,
        f,
        'synth',
        '0.1',
        'sine',
        '440',
      ]);
      const r = parseWav(readFileSync(f));
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.info.encoding, name);
      assert.equal(r.info.sampleRate, rate);
      assert.equal(r.info.channels, ch);
      assert.equal(r.info.dataBytes, (rate / 10) * ch * (name === 'pcm16' ? 2 : 1));
    }
  });

  it('rejects hostile and unsupported files with coded errors', () => {
    const good = Buffer.concat([wavHeader(8000, 1, 4), Buffer.alloc(4)]);
    const bad = (mut: (b: Buffer) => Buffer) => parseWav(mut(Buffer.from(good)));
    const code = (r: ReturnType<typeof parseWav>) => (r.ok ? 'ok' : r.code);
    assert.equal(code(parseWav(Buffer.alloc(0))), 'wav_too_short');
    assert.equal(code(bad((b) => (b.write('RIFX', 0), b))), 'wav_not_riff');
    assert.equal(code(bad((b) => (b.writeUInt16LE(3, 20), b))), 'wav_unsupported_format');
    assert.equal(code(bad((b) => (b.writeUInt32LE(11025, 24), b))), 'wav_unsupported_rate');
    assert.equal(code(bad((b) => (b.writeUInt16LE(6, 22), b))), 'wav_unsupported_channels');
    assert.equal(code(bad((b) => (b.writeUInt32LE(8, 16), b))), 'wav_bad_chunk');
    assert.equal(code(bad((b) => b.subarray(0, 36))), 'wav_no_data');
    assert.equal(code(bad((b) => (b.write('junk', 12), b))), 'wav_no_fmt');
    // A data size beyond the file is clamped to whole frames.
    const r = bad((b) => (b.writeUInt32LE(0xffffffff, 40), Buffer.concat([b, Buffer.alloc(1)])));
    assert.ok(r.ok && r.info.dataBytes === 4);
    // Random bytes never throw.
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(good);
      for (let k = 0; k < 4; k++) b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
      parseWav(b.subarray(0, Math.floor(Math.random() * b.length)));
    }
  });
});

describe('WavFileWriter', () => {
  it('writes a file sox reads back sample for sample', async () => {
    const f = join(dir, 'rec.wav');
    const w = await WavFileWriter.open(f, { sampleRate: 8000, channels: 1, blockBytes: 4096 });
    const frame = new Int16Array(160);
    for (let n = 0; n < 50; n++) {
      for (let i = 0; i < 160; i++) frame[i] = ((n * 160 + i) % 2000) - 1000;
      assert.equal(w.write(frame), true);
      // Frames arrive every 20 ms in a call; let block writes complete as they would.
      if (n % 3 === 2) await new Promise((r) => setTimeout(r, 5));
    }
    const res = await w.close();
    assert.equal(res.dataBytes, 50 * 320);
    assert.equal(res.durationMs, 1000);
    assert.match(execFileSync('soxi', ['-D', f], { encoding: 'utf8' }), /^1\.0+\n$/);
    const raw = execFileSync('sox', [f, '-t', 'raw', '-e', 'signed-integer', '-b', '16', '-']);
    const samples = new Int16Array(raw.buffer, raw.byteOffset, raw.length / 2);
    for (let i = 0; i < samples.length; i++) assert.equal(samples[i], (i % 2000) - 1000);
    assert.deepEqual(await w.close(), res, 'close twice');
  });

  it('drops frames, never buffers without bound, when the disk falls behind', async () => {
    const w = await WavFileWriter.open(join(dir, 'slow.wav'), {
      sampleRate: 8000,
      channels: 1,
      blockBytes: 1024,
      maxPendingBlocks: 2,
    });
    const frame = new Int16Array(160);
    let accepted = 0;
    for (let n = 0; n < 100; n++) if (w.write(frame)) accepted++;
    const res = await w.close();
    assert.ok(accepted < 20, `accepted ${accepted} of 100 without yielding`);
    assert.equal(res.droppedFrames, 100 - accepted);
    const parsed = parseWav(readFileSync(join(dir, 'slow.wav')));
    assert.ok(parsed.ok && parsed.info.dataBytes === accepted * 320);
  });

  it('drops frames beyond maxBytes and after close', async () => {
    const w = await WavFileWriter.open(join(dir, 'cap.wav'), {
      sampleRate: 8000,
      channels: 2,
      maxBytes: 640 * 3,
    });
    const frame = new Int16Array(320);
    const accepted = [1, 2, 3, 4, 5].map(() => w.write(frame));
    assert.deepEqual(accepted, [true, true, true, false, false]);
    const res = await w.close();
    assert.equal(res.droppedFrames, 2);
    assert.equal(w.write(frame), false);
    const parsed = parseWav(readFileSync(join(dir, 'cap.wav')));
    assert.ok(parsed.ok && parsed.info.channels === 2 && parsed.info.dataBytes === 1920);
  });
});
