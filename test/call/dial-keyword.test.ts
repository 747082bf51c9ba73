/**
 * waitPromptEnd `keyword`: a platform (SIPp, sipp-scenarios/uas-privacy-keyword.xml) answers and
 * plays an English prompt made with espeak-ng at test time; the dialing voicegate's call opens
 * its MRCP session on the built-in server (PocketSphinx, in process) and spots the profile's
 * phrase in what the leg receives, then waits for silence and sends the extension as SIP INFO
 * (checked by SIPp's regexp). Without speech, the same plan falls back to VAD (or fails with
 * `keyword_unavailable`); CallDialControl reports what it supports.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CallDialControl, keywordGrammar, type Cdr } from '../../src/call/index.js';
import { FrameClock } from '../../src/media/index.js';
import {
  EngineRegistry,
  MrcpClient,
  MrcpServer,
  mrcpServerSipOptions,
  type MrcpEngine,
} from '../../src/mrcp/index.js';
import { PortPool, systemClock } from '../../src/rtp/index.js';
import { writePcap } from '../helpers/pcap.js';
import { CountingClock } from '../mrcp/net/net-helpers.js';
import { DialGate, killPlatform, profilesWith, startPlatform } from './dial-harness.js';
import { quiet, until } from './harness.js';
import { pcm, rtpPackets, writePrivacyAudio } from './privacy-audio.js';
import { builtinEngines } from './speech-harness.js';

const PROMPT_TEXT = 'Please enter the extension, then press the hash key';
/**
 * The platform's phrases. PocketSphinx's model is 16 kHz and a call's audio 8 kHz: "extension"
 * is lost at that rate (see docs/handoffs/keyword.md), so the prompt's phrase is "the hash key".
 */
const EN = ['  prompt: [the hash key]', '  invalid: [wrong number]'];
/** Mandarin phrases: the built-in English recognizer refuses the grammar. */
const ZH = ['  prompt: [请输入分机号, 井号键结束]', '  invalid: [分机号无效]'];
const audio = mkdtempSync(join(tmpdir(), 'vg-keyword-audio-'));

const platform = (name: string, prefix: string, plan: string, keywords = EN): string =>
  [
    'kind: platform',
    `name: ${name}`,
    `match: { prefixes: ["${prefix}"], kinds: [mobile] }`,
    'extension: { minLength: 4, maxLength: 4 }',
    "terminator: '#'",
    'attempts: 2',
    'keywords:',
    ...keywords,
    `plan: ${plan}`,
    '',
  ].join('\n');

const plan = (name: string, fallback: 'vad' | 'fail'): string =>
  [
    'kind: plan',
    `name: ${name}`,
    'description: Answer, the prompt found by a recognizer keyword, digits as SIP INFO',
    'steps:',
    '  - waitFor: { event: answer }',
    `  - waitPromptEnd: { mode: keyword, label: prompt, maxWaitMs: 15000, silenceMs: 400, fallback: ${fallback} }`,
    "  - sendDigits: { digits: '{ext}', method: info, toneMs: 160, gapMs: 100 }",
    '  - onReprompt: { windowMs: 6000 }',
    '  - verifyConnect: { timeoutMs: 30000 }',
    '',
  ].join('\n');

// 1708…: keyword plan with a VAD fallback; the SIPp scenario checks the 1708 Request-URI.
const { dir: profilesDir, profiles } = profilesWith({
  'platform-keyword-en.yaml': platform('keyword-en', '1708', 'keyword-info'),
  'platform-keyword-zh.yaml': platform('keyword-zh', '1799', 'keyword-info', ZH),
  'plan-keyword-info.yaml': plan('keyword-info', 'vad'),
});

const frameClock = new FrameClock();
const clock = new CountingClock();
const SHORT_SIP_TIMERS = { T1: 10, T2: 40, T4: 50 };
let server: MrcpServer;
let client: MrcpClient;
const cleanups: Array<() => Promise<void> | void> = [];

before(async () => {
  writePrivacyAudio(audio);
  const wav = join(audio, 'prompt-en.wav');
  execFileSync('espeak-ng', ['-v', 'en-us', '-s', '150', '-w', wav, PROMPT_TEXT]);
  // The prompt, then 2 s of silence (the recognizer's end-of-speech timeout counts on frames).
  writePcap(join(audio, 'prompt-en.pcap'), rtpPackets(pcm([{ wav }, { silenceMs: 2000 }]), 0x6000_0001));
  const base = 44000 + 2 * Math.floor(Math.random() * 4000);
  const mrcpPool = new PortPool({ min: base, max: base + 99 });
  const engines: MrcpEngine[] = await builtinEngines();
  server = new MrcpServer({
    sip: {
      ...mrcpServerSipOptions({ host: '127.0.0.1', port: 0, protocols: ['udp'] }),
      clock,
      timers: SHORT_SIP_TIMERS,
    },
    mrcp: { host: '127.0.0.1', port: 0, idleTimeoutMs: 200 },
    rtp: { pool: mrcpPool, host: '127.0.0.1', clock: clock.rtp },
    engines: new EngineRegistry(engines),
    channel: { localBargeIn: true },
    frameClock,
    clock,
    logger: quiet,
  });
  await server.start();
  client = new MrcpClient({
    pools: [{ name: 'builtin', servers: [{ name: 'local', sip: `127.0.0.1:${server.sipPort('UDP')}` }] }],
    sip: { host: '127.0.0.1', port: 0, protocols: ['udp'], extra: { clock, timers: SHORT_SIP_TIMERS } },
    rtp: { pool: mrcpPool, host: '127.0.0.1', clock: clock.rtp },
    limits: { connectionLingerMs: 0 },
    frameClock,
    clock,
    logger: quiet,
  });
  await client.start();
});

after(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await client?.stop();
  await server?.stop();
  frameClock.stop();
  for (const d of [audio, profilesDir]) rmSync(d, { recursive: true, force: true });
});

async function dial(withSpeech: boolean, platformName?: string): Promise<{ cdr: Cdr; gate: DialGate }> {
  const sipp = await startPlatform({ scenario: 'uas-privacy-keyword.xml', cwd: audio, timeoutSeconds: 60 });
  cleanups.push(() => killPlatform(sipp));
  const gate = await new DialGate({
    peerPort: sipp.port,
    profiles,
    trunkProfile: 'carrier-info',
    frameClock,
    ...(withSpeech ? { speech: { provider: client } } : {}),
  }).start();
  cleanups.push(() => gate.stop());
  const r = gate.manager.dial({
    to: '17081234567转1234',
    trunk: 'carrier',
    ...(platformName ? { platform: platformName } : {}),
  });
  if (!r.ok) assert.fail(`dial refused: ${JSON.stringify(r.error)}`);
  const run = await sipp.done;
  if (run.code === 0) await until(() => gate.cdrOf(r.dial.id) !== undefined, 'the CDR', 5000);
  else r.dial.cancel('api_hangup');
  const cdr = gate.cdrOf(r.dial.id);
  assert.equal(
    run.code,
    0,
    `SIPp failed (${run.code}):\n${run.errors.slice(-3000)}\n${JSON.stringify(cdr?.dialing)}`,
  );
  return { cdr: cdr!, gate };
}

const promptStep = (cdr: Cdr): string | undefined =>
  cdr.dialing?.steps.find((s) => s.type === 'waitPromptEnd')?.result;

describe('waitPromptEnd keyword (MRCP recognizer, SIPp platform)', { concurrency: true }, () => {
  it('speech configured: the phrase is spotted, then silence: INFO digits (SIPp regexp), reached_extension', async () => {
    const { cdr } = await dial(true);
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', JSON.stringify(d));
    assert.equal(d.platform, 'keyword-en');
    assert.equal(promptStep(cdr), 'keyword_then_silence', JSON.stringify(d.steps));
    assert.deepEqual(
      d.digits.map((x) => [x.digits, x.method, x.ok]),
      [['1234#', 'info', true]],
    );
    assert.ok(d.heard.includes('prompt'), `heard: ${JSON.stringify(d.heard)}`);
  });

  it('Mandarin phrases on the built-in English recognizer: refused, the wait restarts on VAD, reached', async () => {
    const { cdr } = await dial(true, 'keyword-zh');
    const d = cdr.dialing!;
    assert.equal(d.platform, 'keyword-zh');
    assert.equal(d.outcome, 'reached_extension', JSON.stringify(d));
    assert.equal(promptStep(cdr), 'silence', JSON.stringify(d.steps));
  });

  it('no speech configured: the keyword plan falls back to VAD and still reaches the extension', async () => {
    const { cdr } = await dial(false);
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', JSON.stringify(d));
    assert.equal(promptStep(cdr), 'silence', JSON.stringify(d.steps));
  });
});

describe('after the keyword dials', () => {
  it("each call's MRCP session was closed with the call: nothing left on either side", async () => {
    await until(() => client.sessionCount === 0 && server.sessionCount === 0, 'sessions closed', 5000);
    assert.equal(client.counters.channelsActive, 0);
  });
});

describe('CallDialControl keyword support', () => {
  const req = {
    references: [],
    keywords: [{ label: 'prompt' as const, phrases: ['enter the extension'] }],
    learn: false,
  };

  it('without speech: keyword unsupported (the runner falls back or fails keyword_unavailable)', () => {
    const dc = new CallDialControl({ originate: () => Promise.reject(new Error('unused')) }, systemClock);
    assert.equal(dc.startAnalysis(req).keyword, false);
    dc.stopAnalysis();
  });

  it('with speech: supported when the plan has phrases, not without', () => {
    const origin = { originate: () => Promise.reject(new Error('unused')) };
    const dc = new CallDialControl(origin, systemClock, { keywords: {} });
    assert.equal(dc.startAnalysis(req).keyword, true);
    dc.stopAnalysis();
    const none = new CallDialControl(origin, systemClock, { keywords: {} });
    assert.equal(none.startAnalysis({ ...req, keywords: [] }).keyword, false);
    none.stopAnalysis();
  });

  it('the grammar: one-of the phrases, each tagged with its label, between garbage; XML escaped', () => {
    const g = keywordGrammar(
      [
        { label: 'prompt', phrases: ['enter the extension'] },
        { label: 'invalid', phrases: ['invalid <extension> & more'] },
      ],
      'en-US',
    );
    assert.match(g, /<item>enter the extension<tag>prompt<\/tag><\/item>/);
    assert.match(g, /<item>invalid &lt;extension&gt; &amp; more<tag>invalid<\/tag><\/item>/);
    assert.equal(g.match(/special="GARBAGE"/g)?.length, 2);
    assert.match(g, /xml:lang="en-US"/);
  });
});
