import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { DtmfDetector, type DtmfSampleRate } from '../../../src/media/index.js';
import { clip16, concat, frames, readS16, Rng, run, scratch, tones } from './tools.js';

const tmp = scratch();
after(() => tmp.cleanup());

// The texts live in test/fixtures/codec (see its README); from dist/test/media/codec, four levels up.
const fixture = (name: string) =>
  fileURLToPath(new URL(`../../../../test/fixtures/codec/${name}`, import.meta.url));

/** Speaks a text with espeak-ng and returns it at `rate` (sox converts; -G guards against clipping). */
function speak(voice: string, speed: number, pitch: number, text: string, rate: number): Int16Array {
  const wav = tmp.path(`${voice}-${speed}-${pitch}.wav`);
  run('espeak-ng', ['-v', voice, '-s', String(speed), '-p', String(pitch), '-f', fixture(text), '-w', wav]);
  const raw = tmp.path(`${voice}-${speed}-${pitch}-${rate}.s16`);
  run('sox', ['-G', wav, '-t', 'raw', '-r', String(rate), '-e', 'signed', '-b', '16', '-c', '1', raw]);
  return readS16(raw);
}

function detect(x: Int16Array, rate: DtmfSampleRate): string {
  const d = new DtmfDetector({ sampleRate: rate });
  let keys = '';
  for (const f of frames(x, rate / 50)) keys += d.process(f);
  d.close();
  return keys;
}

function louder(x: Int16Array, gain: number): Int16Array {
  return x.map((v) => clip16(v * gain));
}

const VOICES = {
  English: [
    ['en+m3', 165, 50],
    ['en-us+f3', 175, 70],
  ],
  Mandarin: [
    ['cmn', 165, 50],
    ['cmn+f2', 170, 70],
  ],
} as const;
const TEXT = { English: 'talkoff-en.txt', Mandarin: 'talkoff-cmn.txt' } as const;

describe('DTMF talk-off', () => {
  for (const lang of ['English', 'Mandarin'] as const) {
    for (const rate of [8000, 16000] as const) {
      it(`reports no key in over a minute of espeak-ng ${lang} speech at ${rate} Hz (two voices, two levels)`, () => {
        const speech = concat(
          VOICES[lang].map(([voice, speed, pitch]) => speak(voice, speed, pitch, TEXT[lang], rate)),
        );
        assert.ok(speech.length / rate >= 60, `only ${(speech.length / rate).toFixed(1)} s of ${lang}`);
        assert.equal(detect(speech, rate), '');
        assert.equal(detect(louder(speech, 3), rate), '', 'speech 9.5 dB louder (clipping)');
      });
    }
  }

  for (const rate of [8000, 16000] as const) {
    it(`reports no key in music-like tone mixtures at ${rate} Hz: chords, arpeggios, a melody`, () => {
      const music = concat(musicLike(rate));
      assert.ok(music.length / rate > 40);
      assert.equal(detect(music, rate), '');
    });
  }
});

/** Notes with two harmonics (1, 1/2, 1/3), as an instrument would sound. */
function instrument(rate: number, seconds: number, notesHz: readonly number[], amp: number): Int16Array {
  const hz: number[] = [];
  const amps: number[] = [];
  for (const f of notesHz) {
    for (const [k, a] of [
      [1, amp],
      [2, amp / 2],
      [3, amp / 3],
    ] as const) {
      if (k * f < 0.45 * rate) {
        hz.push(k * f);
        amps.push(a);
      }
    }
  }
  return tones(rate, seconds, hz, amps);
}

function musicLike(rate: number): Int16Array[] {
  const rng = new Rng();
  const note = (semitonesFromA4: number) => 440 * 2 ** (semitonesFromA4 / 12);
  const parts: Int16Array[] = [];
  // Chords holding a note next to a row frequency and one next to a column frequency (F5 ~ 698 Hz
  // with F#6 ~ 1480 Hz is within 0.3 % of key 3), with a third note at the same level.
  const dangerous = [
    [8, 21, 12], // F5, F#6, A5
    [8, 21, 15], // F5, F#6, C6
    [10, 17, 22], // G5 (784), D6 (1175), G6
    [13, 20, 25], // A#5 (932), F6 (1397), A#6
    [11, 19, 23], // G#5 (831), E6 (1319), G#6
  ];
  for (const chord of dangerous) {
    parts.push(instrument(rate, 0.4, chord.map(note), 6000), new Int16Array(rate / 20));
  }
  // Random 3- and 4-note chords from C4 to D#6.
  for (let i = 0; i < 120; i++) {
    const n = 3 + Math.floor(rng.next() * 2);
    const notes = Array.from({ length: n }, () => note(Math.floor(rng.next() * 30) - 9));
    parts.push(instrument(rate, 0.15 + rng.next() * 0.35, notes, 3000 + rng.next() * 3000));
  }
  // A melody and arpeggios: one note at a time, through the DTMF bands.
  for (let i = 0; i < 60; i++)
    parts.push(instrument(rate, 0.12, [note(Math.floor(rng.next() * 30) - 9)], 9000));
  return parts;
}
