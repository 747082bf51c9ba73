import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createDtmfRecognizer,
  createEspeakSynthesizer,
  createRoutingRecognizer,
  createSphinxRecognizer,
  parseNlsml,
  type MrcpEngine,
} from '../../../../src/mrcp/index.js';
import { bodyText, briefs, harness, headerValue } from '../../helpers.js';
import { espeakPcm, rmsDbfs } from './speech-helpers.js';

type H = ReturnType<typeof harness>;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (real time, bounded) until `cond` holds. */
async function until(cond: () => boolean, ms = 5000): Promise<void> {
  for (const t0 = Date.now(); !cond();) {
    if (Date.now() - t0 > ms) throw new Error('timed out waiting');
    await sleep(5);
  }
}

const sphinx = createSphinxRecognizer();
let engines: MrcpEngine[] | undefined;
async function session(): Promise<H> {
  if (!engines) {
    const synth = createEspeakSynthesizer();
    await synth.init();
    const recognizer = createRoutingRecognizer({
      routes: [
        { languages: ['*'], grammarTypes: ['dtmf'], engine: createDtmfRecognizer() },
        { languages: ['en'], grammarTypes: ['speech'], engine: sphinx },
      ],
    });
    engines = [synth, recognizer];
  }
  return harness(engines, ['speechsynth', 'speechrecog']);
}

const event = (h: H, name: string) => h.sent.find((m) => m.kind === 'event' && m.event === name);

describe('built-in engines through the sans-IO MRCP server core (MrcpServerSession)', () => {
  it('SPEAK end to end: IN-PROGRESS, 20 ms frames of speech at the channel rate, SPEAK-COMPLETE normal', async () => {
    const h = await session();
    const id = h.send(
      'speechsynth',
      'SPEAK',
      [
        ['Content-Type', 'text/plain'],
        ['Speech-Language', 'en-US'],
      ],
      'Thank you for calling.',
    );
    assert.deepEqual(briefs(h.take()), [`res ${id} 200 IN-PROGRESS`]);
    await sleep(300); // espeak-ng runs in real time; the media clock below is fake
    const synth = h.session.channel('speechsynth')!;
    const frames: Int16Array[] = [];
    for (let i = 0; i < 500 && !event(h, 'SPEAK-COMPLETE'); i++) {
      const f = synth.pullAudio();
      if (f) frames.push(f.slice());
      h.clock.advance(20);
      if (i % 50 === 49) await sleep(1);
    }
    assert.deepEqual(briefs(h.take()), [`evt SPEAK-COMPLETE ${id} COMPLETE 000 normal`]);
    assert.ok(frames.length > 50 && frames.length < 150, `${frames.length} frames`);
    assert.equal(frames[0]!.length, 160);
    const all = new Int16Array(frames.length * 160);
    frames.forEach((f, i) => all.set(f, i * 160));
    assert.ok(rmsDbfs(all) > -30, 'speech, not silence');
  });

  it('SPEAK of malformed SSML completes with 002 parse-failure; an unknown language is refused', async () => {
    const h = await session();
    const id = h.send(
      'speechsynth',
      'SPEAK',
      [['Content-Type', 'application/ssml+xml']],
      '<speak><p>x</speak>',
    );
    const msgs = briefs(h.take());
    assert.deepEqual(msgs, [
      `res ${id} 200 IN-PROGRESS`,
      `evt SPEAK-COMPLETE ${id} COMPLETE 002 parse-failure`,
    ]);
    const id2 = h.send(
      'speechsynth',
      'SPEAK',
      [
        ['Content-Type', 'text/plain'],
        ['Speech-Language', 'fr-FR'],
      ],
      'bonjour',
    );
    assert.deepEqual(briefs(h.take()), [`res ${id2} 407 COMPLETE 005 language-unsupported`]);
  });

  it('RECOGNIZE end to end: espeak-ng "yes" with builtin:grammar/boolean → START-OF-INPUT, success, NLSML true', async () => {
    const h = await session();
    const id = h.send(
      'speechrecog',
      'RECOGNIZE',
      [['Content-Type', 'text/uri-list']],
      'builtin:grammar/boolean\n',
    );
    await until(() => h.sent.length > 0);
    assert.deepEqual(briefs(h.take()), [`res ${id} 200 IN-PROGRESS`]);
    const yes = espeakPcm('yes', 8000);
    const audio = new Int16Array(2400 + yes.length + 16_000);
    audio.set(yes, 2400);
    const frames: Int16Array[] = [];
    for (let i = 0; i + 160 <= audio.length; i += 160) frames.push(audio.slice(i, i + 160));
    h.push('speechrecog', frames); // 20 ms of fake time per frame: the speech-complete timer fires in here
    await until(() => event(h, 'RECOGNITION-COMPLETE') !== undefined);
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      `evt START-OF-INPUT ${id} IN-PROGRESS`,
      `evt RECOGNITION-COMPLETE ${id} COMPLETE 000 success`,
    ]);
    const done = msgs[1]!;
    assert.equal(headerValue(done.headers, 'Content-Type'), 'application/nlsml+xml');
    const r = parseNlsml(bodyText(done));
    assert.ok(r.ok);
    const i = r.ok ? r.result.interpretations[0] : undefined;
    assert.equal(i?.instance, 'true');
    assert.equal(i?.mode, 'speech');
    assert.ok((i?.confidence ?? 0) > 0.5);
  });

  it('RECOGNIZE: a result below Confidence-Threshold is 001 no-match', async () => {
    const h = await session();
    const id = h.send(
      'speechrecog',
      'RECOGNIZE',
      [
        ['Content-Type', 'text/uri-list'],
        ['Confidence-Threshold', '0.99'],
      ],
      'builtin:grammar/digits\n',
    );
    await until(() => h.sent.length > 0);
    h.take();
    const four = espeakPcm('four', 8000);
    const audio = new Int16Array(2400 + four.length + 16_000);
    audio.set(four, 2400);
    const frames: Int16Array[] = [];
    for (let i = 0; i + 160 <= audio.length; i += 160) frames.push(audio.slice(i, i + 160));
    h.push('speechrecog', frames);
    await until(() => event(h, 'RECOGNITION-COMPLETE') !== undefined);
    const done = h.take().at(-1)!;
    assert.equal(briefs([done])[0], `evt RECOGNITION-COMPLETE ${id} COMPLETE 001 no-match`);
    const r = parseNlsml(bodyText(done));
    assert.ok(r.ok && r.result.noMatch);
  });

  it('RECOGNIZE with no speech: 002 no-input-timeout, and the decoder is released', async () => {
    const h = await session();
    const id = h.send(
      'speechrecog',
      'RECOGNIZE',
      [
        ['Content-Type', 'text/uri-list'],
        ['No-Input-Timeout', '1000'],
      ],
      'builtin:grammar/boolean\n',
    );
    await until(() => h.sent.length > 0);
    h.take();
    h.push(
      'speechrecog',
      Array.from({ length: 60 }, () => new Int16Array(160)),
    );
    assert.deepEqual(briefs(h.take()), [`evt RECOGNITION-COMPLETE ${id} COMPLETE 002 no-input-timeout`]);
    assert.equal(sphinx.stats.running, 0);
  });

  it('local barge-in: caller speech during a prompt stops it (SPEAK-COMPLETE barge-in)', async () => {
    const h = await session();
    const sid = h.send(
      'speechsynth',
      'SPEAK',
      [['Content-Type', 'text/plain']],
      'Please listen to the following long menu of options.',
    );
    const rid = h.send(
      'speechrecog',
      'RECOGNIZE',
      [['Content-Type', 'text/uri-list']],
      'builtin:grammar/boolean\n',
    );
    await until(() => h.sent.length >= 2);
    await sleep(100);
    h.take();
    const no = espeakPcm('no', 8000);
    const audio = new Int16Array(1600 + no.length + 16_000);
    audio.set(no, 1600);
    const synth = h.session.channel('speechsynth')!;
    const recog = h.session.channel('speechrecog')!;
    for (let i = 0; i + 160 <= audio.length; i += 160) {
      synth.pullAudio();
      recog.pushAudio(audio.slice(i, i + 160));
      h.clock.advance(20);
    }
    await until(() => event(h, 'RECOGNITION-COMPLETE') !== undefined);
    const b = briefs(h.take());
    assert.deepEqual(b.slice(0, 2), [
      `evt START-OF-INPUT ${rid} IN-PROGRESS`,
      `evt SPEAK-COMPLETE ${sid} COMPLETE 001 barge-in`,
    ]);
    assert.equal(b[2], `evt RECOGNITION-COMPLETE ${rid} COMPLETE 000 success`);
    h.session.close();
  });
});
