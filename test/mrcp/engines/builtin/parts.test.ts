import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ByteLru,
  parseNbest,
  prepareSsml,
  Slots,
  SlotsFullError,
  ToWideband,
  WavStreamReader,
} from '../../../../src/mrcp/index.js';
import { toneLevelsDbov } from '../../../../src/media/index.js';

function wav(samples: Int16Array, rate: number, extraChunk = false): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'latin1');
  h.writeUInt32LE(0x7ffff000, 4);
  h.write('WAVEfmt ', 8, 'latin1');
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20);
  h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36, 'latin1');
  h.writeUInt32LE(0x7ffff000, 40);
  const list = Buffer.alloc(12);
  list.write('LIST', 0, 'latin1');
  list.writeUInt32LE(4, 4);
  list.write('INFO', 8, 'latin1');
  const head = extraChunk ? Buffer.concat([h.subarray(0, 36), list, h.subarray(36)]) : h;
  return Buffer.concat([head, Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)]);
}

describe('built-in engine parts', () => {
  it('WavStreamReader: samples come out whole however the bytes are cut', () => {
    const s = Int16Array.from({ length: 101 }, (_, i) => ((i * 653) % 65536) - 32768);
    for (const extra of [false, true]) {
      const bytes = wav(s, 22050, extra);
      for (const cut of [1, 2, 3, 7, 44, 45, 1000]) {
        const r = new WavStreamReader();
        const got: number[] = [];
        let rate = 0;
        for (let i = 0; i < bytes.length; i += cut) {
          const x = r.push(bytes.subarray(i, i + cut));
          assert.ok(x.ok);
          if (x.ok && x.sampleRate) rate = x.sampleRate;
          if (x.ok && x.samples) got.push(...x.samples);
        }
        assert.equal(rate, 22050);
        assert.deepEqual(got, [...s], `cut ${cut}`);
      }
    }
    assert.deepEqual(new WavStreamReader().push(Buffer.from('RIFX0000WAVE')), {
      ok: false,
      error: 'not a RIFF/WAVE stream',
    });
    const stereo = wav(new Int16Array(4), 8000);
    stereo.writeUInt16LE(2, 22);
    assert.equal(new WavStreamReader().push(stereo).ok, false);
    assert.equal(
      new WavStreamReader(64).push(Buffer.concat([Buffer.from('RIFF\0\0\0\0WAVE'), Buffer.alloc(100)])).ok,
      false,
    );
  });

  it('Slots: at most `max` run, FIFO queue bounded, cancel leaves the queue', async () => {
    const s = new Slots('t', 1, 2);
    const a = s.acquire();
    const b = s.acquire();
    const c = s.acquire();
    assert.throws(() => s.acquire(), SlotsFullError);
    assert.equal(s.running, 1);
    assert.equal(s.waiting, 2);
    b.cancel();
    assert.equal(s.waiting, 1);
    (await a.ready)();
    const rc = await c.ready;
    assert.equal(s.running, 1);
    rc();
    rc();
    assert.equal(s.running, 0);
  });

  it('ByteLru: bounded in bytes, least recently used goes first, oversized entries are not kept', () => {
    const v = (n: number) => ({ byteLength: n });
    const c = new ByteLru<{ byteLength: number }>(100, 60);
    c.set('a', v(40));
    c.set('b', v(40));
    c.get('a');
    c.set('c', v(40));
    assert.equal(c.has('b'), false);
    assert.ok(c.has('a') && c.has('c'));
    assert.equal(c.set('big', v(61)), false);
    assert.equal(c.byteLength, 80);
    assert.equal(c.stats.evictions, 1);
  });

  it('prepareSsml: keeps what espeak-ng reads, drops the rest, escapes text, splits at marks', () => {
    const r = prepareSsml(
      '<speak xml:lang="en-US">A &amp; B <prosody rate="slow" onclick="x">slow</prosody>' +
        '<audio src="http://x.invalid/a.wav">fallback</audio><mark name="m"/><emphasis level="strong">end</emphasis>' +
        '<sub alias="World Wide Web">WWW</sub><desc>not spoken</desc><break time="1s" foo="bar"/></speak>',
    );
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.segments, [
      {
        ssml: '<speak xml:lang="en-US">A &amp; B <prosody rate="slow">slow</prosody> fallback </speak>',
        text: 'A & B slowfallback',
      },
      { mark: 'm' },
      {
        ssml: '<speak xml:lang="en-US"><emphasis level="strong">end</emphasis> World Wide Web <break time="1s"/></speak>',
        text: 'end World Wide Web ',
      },
    ]);
    const nested = prepareSsml('<speak><voice gender="female">one<mark name="x"/>two</voice></speak>');
    assert.deepEqual(nested.ok && nested.segments.map((s) => ('ssml' in s ? s.ssml : s.mark)), [
      '<speak><voice gender="female">one</voice></speak>',
      'x',
      '<speak><voice gender="female">two</voice></speak>',
    ]);
    const attr = prepareSsml('<speak><prosody rate="&quot;&gt;&lt;x">a</prosody></speak>');
    assert.deepEqual(attr.ok && attr.segments, [{ ssml: '<speak><prosody>a</prosody></speak>', text: 'a' }]);
  });

  it('ToWideband: 8 kHz → 16 kHz keeps a 1 kHz tone and adds its mirror image at 7 kHz, 10 dB down', () => {
    const w = new ToWideband(8000, 0.3);
    const out: Int16Array[] = [];
    for (let f = 0; f < 50; f++) {
      const x = Int16Array.from({ length: 160 }, (_, i) =>
        Math.round(10000 * Math.sin((2 * Math.PI * 1000 * (f * 160 + i)) / 8000)),
      );
      out.push(w.process(x));
    }
    w.close();
    assert.equal(out[0]!.length, 320);
    const steady = new Int16Array(320 * 20);
    for (let k = 0; k < 20; k++) steady.set(out[25 + k]!, k * 320);
    const lv = new Float64Array(2);
    toneLevelsDbov(steady, 16000, [1000, 7000], lv);
    const ref = 20 * Math.log10(10000 / 32768) - 3.01;
    assert.ok(Math.abs((lv[0] as number) - ref) < 0.5, `1 kHz at ${lv[0]} dBov, expected ${ref}`);
    assert.ok(Math.abs((lv[1] as number) - (ref + 20 * Math.log10(0.3))) < 1, `7 kHz image at ${lv[1]}`);
    const pass = new ToWideband(16000);
    const same = Int16Array.from([1, 2, 3]);
    assert.deepEqual(pass.process(same), same);
  });

  it('parseNbest: words and scores, silences and alternate-pronunciation markers removed', () => {
    assert.deepEqual(parseNbest('<s> one(2) <sil> two </s> -1234\nyes -99\n\n(null) -5\n'), [
      { words: ['one', 'two'], score: -1234 },
      { words: ['yes'], score: -99 },
      { words: [], score: -5 },
    ]);
  });
});
