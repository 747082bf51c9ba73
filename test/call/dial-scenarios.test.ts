/**
 * Carrier behaviours (sipp-scenarios/uas-privacy-*.xml, SIPp as the platform, UAS side) dialled
 * by CallManager.dial over loopback UDP with the shipped profiles. Each reaches its outcome, read
 * from the CDR's dialing section; the digits voicegate sent are confirmed by decoders that are
 * not ours: tshark (RFC 4733 events) and multimon-ng (in-band tones) on a capture of our RTP
 * port, SIPp's regexp actions (SIP INFO bodies). The scenarios run concurrently: their wall time
 * is the longest one's audio (prompt 5.9 s, ringback 3 s, "喂，你好").
 * `VG_REC=DIR` records what each dial received into DIR/<scenario>.wav; `VG_DEBUG=1` logs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Cdr, DialSpec } from '../../src/call/index.js';
import { alawDecode, FrameClock } from '../../src/media/index.js';
import { PortPool } from '../../src/rtp/index.js';
import { readPcap } from '../helpers/pcap.js';
import { Capture, tsharkFields } from './capture.js';
import { DialGate, killPlatform, profilesWith, startPlatform, type UasRun } from './dial-harness.js';
import { until } from './harness.js';
import { writePrivacyAudio } from './privacy-audio.js';

const audio = mkdtempSync(join(tmpdir(), 'vg-privacy-audio-'));
const work = mkdtempSync(join(tmpdir(), 'vg-privacy-work-'));
// The shipped profiles, plus a platform like answered-rfc4733 that gives up after 2 attempts
// (the shipped 3 would only make the wrong-extension scenario 12 s longer).
const { dir: profilesDir, profiles } = profilesWith({
  'platform-two-attempts.yaml': [
    'kind: platform',
    'name: two-attempts',
    'match: { prefixes: ["1709"], kinds: [mobile] }',
    'extension: { minLength: 4, maxLength: 4 }',
    "terminator: '#'",
    'attempts: 2',
    'recordings:',
    '  prompt: [recordings/prompt.wav]',
    '  invalid: [recordings/invalid.wav]',
    '  busy: [recordings/busy.wav]',
    '  error: [recordings/error.wav]',
    'plan: answered-rfc4733',
    '',
  ].join('\n'),
});
const cleanups: Array<() => Promise<void> | void> = [];
// One frame clock for every dial of the file, as in the daemon (one per process).
const frameClock = new FrameClock();

// The two live captures start before any scenario: tshark's start-up takes a core for a second or
// two, and SIPp's pcap senders starved by it would deliver the prompts in bursts.
const captures = new Map<'rfc4733' | 'inband', { cap: Capture; pool: PortPool; port: number }>();
before(async () => {
  writePrivacyAudio(audio);
  await Promise.all(
    (['rfc4733', 'inband'] as const).map(async (k) => {
      const pool = await onePairPool();
      const cap = await Capture.start(join(work, `rtp-${k}.pcap`), pool.min);
      cleanups.push(() => cap.kill());
      captures.set(k, { cap, pool, port: pool.min });
    }),
  );
});
after(async () => {
  for (const c of cleanups.splice(0)) await c();
  frameClock.stop();
  for (const d of [audio, work, profilesDir]) rmSync(d, { recursive: true, force: true });
});

interface Run {
  cdr: Cdr;
  sipp: UasRun;
  gate: DialGate;
}

/**
 * One free port pair for a dial's RTP, so a capture can filter on it before the call exists:
 * below the kernel's ephemeral range (SIPp's ports come from there) and checked by binding it.
 */
async function onePairPool(): Promise<PortPool> {
  const bindable = (port: number): Promise<boolean> =>
    new Promise((resolve) => {
      const s = createSocket('udp4');
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
  for (let i = 0; i < 50; i++) {
    const min = 12000 + 2 * Math.floor(Math.random() * 4000);
    if ((await bindable(min)) && (await bindable(min + 1))) return new PortPool({ min, max: min + 1 });
  }
  throw new Error('no free RTP port pair for the capture');
}

/** Runs one scenario: SIPp as the platform, one dial, the CDR of its call. */
async function dialScenario(
  file: string,
  trunkProfile: string,
  spec: Omit<DialSpec, 'trunk'>,
  o: { pool?: PortPool; timeoutSeconds?: number } = {},
): Promise<Run> {
  const sipp = await startPlatform({ scenario: file, cwd: audio, timeoutSeconds: o.timeoutSeconds ?? 60 });
  cleanups.push(() => killPlatform(sipp));
  const gate = await new DialGate({
    peerPort: sipp.port,
    profiles,
    trunkProfile,
    ...(o.pool ? { pool: o.pool } : {}),
    frameClock,
  }).start();
  cleanups.push(() => gate.stop());
  const r = gate.manager.dial({ ...spec, trunk: 'carrier' });
  if (!r.ok) assert.fail(`dial refused: ${JSON.stringify(r.error)}`);
  if (process.env.VG_REC) {
    void until(() => r.dial.call?.leg?.stream !== undefined, 'leg', 5000).then(async () => {
      const { StreamRecorder } = await import('../../src/media/index.js');
      const rec = await StreamRecorder.open({
        path: join(process.env.VG_REC!, `${file}.wav`),
        rate: 8000,
        mode: 'received',
      });
      r.dial.call!.leg!.stream.addTap(rec);
    });
  }
  const run = await sipp.done;
  // SIPp ends its call last (after our BYE, or its own), so our CDR follows within moments.
  if (run.code === 0) await until(() => gate.cdrOf(r.dial.id) !== undefined, 'the CDR', 5000);
  else r.dial.cancel('api_hangup');
  const cdr = gate.cdrOf(r.dial.id);
  assert.equal(run.code, 0, `SIPp failed (${run.code}):\n${run.errors.slice(-3000)}\n${brief(cdr)}`);
  return { cdr: cdr!, sipp: run, gate };
}

/** The dialing section in one line, for assertion messages. */
function brief(cdr: Cdr | undefined): string {
  const d = cdr?.dialing;
  if (!d) return 'no dialing section';
  return JSON.stringify({
    outcome: d.outcome,
    detail: d.detail,
    sip: d.sipCode,
    t: d.timings,
    steps: d.steps,
    rtpIn: cdr?.rtp?.packetsReceived,
    concealedMs: cdr?.rtp?.concealedMs,
    dropped: cdr?.rtp?.dropped,
    jitterMs: cdr?.rtp?.jitterMs,
  });
}

/** What we sent: A-law payloads of the capture in sequence order, decoded. */
function sentAudio(file: string): Int16Array {
  const packets = readPcap(file)
    .map((p) => p.payload)
    .filter((b) => b.length > 12 && b[0]! >> 6 === 2 && (b[1]! & 0x7f) === 8)
    .sort((a, b) => ((a.readUInt16BE(2) - b.readUInt16BE(2) + 0x8000) & 0xffff) - 0x8000);
  const codes = Buffer.concat(packets.map((b) => b.subarray(12 + 4 * (b[0]! & 0x0f))));
  return alawDecode(new Uint8Array(codes));
}

/** multimon-ng's DTMF decoder on 8 kHz PCM (sox makes the 22.05 kHz raw it reads). */
function multimonDigits(pcm: Int16Array): string {
  const raw = join(work, `sent-${process.hrtime.bigint()}.raw`);
  writeFileSync(raw, Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
  const raw22 = `${raw}.22k`;
  execFileSync('sox', [
    '-t',
    'raw',
    '-r',
    '8000',
    '-e',
    'signed',
    '-b',
    '16',
    '-c',
    '1',
    raw,
    '-t',
    'raw',
    '-r',
    '22050',
    raw22,
  ]);
  const heard = execFileSync('multimon-ng', ['-q', '-c', '-a', 'DTMF', '-t', 'raw', raw22], {
    encoding: 'utf8',
  });
  return [...heard.matchAll(/DTMF: (\S)/g)].map((m) => m[1]).join('');
}

describe('privacy-number carrier scenarios (SIPp as the platform)', { concurrency: true }, () => {
  it('answered, prompt, RFC 4733 digits (tshark), ringback then "喂，你好": reached_extension', async () => {
    const { cap, pool, port } = captures.get('rfc4733')!;
    const { cdr } = await dialScenario(
      'uas-privacy-answered-rfc4733.xml',
      'carrier-rfc4733',
      { to: '17001234567-1234' },
      { pool },
    );
    await cap.stop();
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', brief(cdr));
    assert.equal(d.platform, 'answered-rfc4733');
    assert.equal(d.requestUser, '+8617001234567');
    assert.deepEqual(
      d.digits.map((x) => [x.digits, x.method, x.ok]),
      [['1234#', 'rfc4733', true]],
    );
    assert.ok(d.timings.answeredMs! < d.timings.promptEndMs!, 'the prompt ended after the answer');
    assert.ok(
      d.timings.lastDigitMs! < d.timings.ringbackMs! && d.timings.ringbackMs! < d.timings.connectedMs!,
    );
    assert.equal(cdr.endCause.what, 'dial-complete');
    const rows = tsharkFields(
      cap.file,
      ['-d', `udp.port==${port},rtp`, '-o', 'rtpevent.event_payload_type_value:101'],
      'rtpevent',
      ['rtp.marker', 'rtp.timestamp', 'rtpevent.event_id', 'rtpevent.end_of_event'],
    );
    const events = new Map<string, string[][]>();
    for (const row of rows) events.set(row[1]!, [...(events.get(row[1]!) ?? []), row]);
    assert.deepEqual(
      [...events.values()].map((e) => e[0]![2]),
      ['1', '2', '3', '4', '11'],
      'tshark: events 1 2 3 4 #, one timestamp each',
    );
    for (const e of events.values()) {
      assert.equal(e[0]![0], '1', 'marker on the first packet of an event');
      assert.equal(e.filter((p) => p[3] === '1').length, 3, 'end packet three times (RFC 4733 §2.5.1.4)');
    }
  });

  it('answered over an INFO-only trunk: each INFO body checked by SIPp regexp: reached_extension', async () => {
    const { cdr } = await dialScenario('uas-privacy-answered-info.xml', 'carrier-info', {
      to: '17021234567转1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', brief(cdr));
    assert.equal(d.requestUser, '17021234567', 'national form of the INFO carrier');
    assert.deepEqual(
      d.digits.map((x) => [x.digits, x.method, x.ok]),
      [['1234#', 'info', true]],
    );
    assert.equal(cdr.rtp?.packetsSent !== undefined, true);
  });

  it('answered over an in-band-only path: multimon-ng hears 1234# in what we sent: reached_extension', async () => {
    const { cap, pool } = captures.get('inband')!;
    const { cdr } = await dialScenario(
      'uas-privacy-answered-inband.xml',
      'carrier-inband',
      { to: '17031234567 ext 1234' },
      { pool },
    );
    await cap.stop();
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', brief(cdr));
    assert.equal(cdr.codec, 'PCMA');
    assert.deepEqual(
      d.digits.map((x) => [x.digits, x.method]),
      [['1234#', 'inband']],
    );
    assert.equal(multimonDigits(sentAudio(cap.file)), '1234#', 'multimon-ng decodes the tones we sent');
  });

  it('prompt in a reliable 183 (PRACKed) before any 200, digits in early media: reached_extension', async () => {
    const { cdr } = await dialScenario('uas-privacy-early-media.xml', 'carrier-rfc4733', {
      to: '+86 170-1123-4567#1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', brief(cdr));
    assert.equal(d.platform, 'early-media-rfc4733');
    assert.equal(cdr.earlyMedia, true);
    const t = d.timings;
    assert.ok(t.earlyMediaMs !== undefined && t.earlyMediaMs < t.promptEndMs!, brief(cdr));
    assert.ok(t.lastDigitMs! < t.answeredMs!, 'the digits went in early media, before the 200');
    assert.ok(t.ringbackMs! < t.connectedMs!);
  });

  it('wrong extension: "invalid" and the prompt again after each attempt: invalid_extension after the last', async () => {
    const { cdr } = await dialScenario('uas-privacy-invalid-extension.xml', 'carrier-rfc4733', {
      to: '17091234567-9999',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'invalid_extension', brief(cdr));
    assert.equal(d.platform, 'two-attempts');
    assert.equal(d.attempts, 2);
    assert.deepEqual(
      d.digits.map((x) => [x.digits, x.attempt]),
      [
        ['9999#', 1],
        ['9999#', 2],
      ],
    );
    assert.ok(d.heard.includes('invalid'), `heard ${d.heard.join(',')}`);
    assert.equal(cdr.endCause.by, 'voicegate', 'we hung up');
  });

  it('re-prompt once, then accepted: the digits are sent again and the extension reached (2 attempts)', async () => {
    const { cdr } = await dialScenario('uas-privacy-reprompt.xml', 'carrier-rfc4733', {
      to: '17001234567-1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'reached_extension', brief(cdr));
    assert.equal(d.attempts, 2);
    assert.equal(d.digits.length, 2);
  });

  it('no usable extension: the platform says its error phrase and hangs up: failed', async () => {
    const { cdr } = await dialScenario('uas-privacy-error-bye.xml', 'carrier-rfc4733', {
      to: '17001234567-1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'failed', brief(cdr));
    assert.equal(d.detail, 'platform_error_phrase', brief(cdr));
  });

  it('extension accepted, the customer is busy (ringback, then 450 Hz busy tone): customer_busy', async () => {
    const { cdr } = await dialScenario('uas-privacy-customer-busy.xml', 'carrier-rfc4733', {
      to: '17001234567-1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'customer_busy', brief(cdr));
    assert.equal(d.attempts, 1);
  });

  it('X busy: 486 with a Reason header: x_busy, the code and Reason kept', async () => {
    const { cdr } = await dialScenario('uas-privacy-x-busy.xml', 'carrier-rfc4733', {
      to: '17001234567-1234',
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'x_busy', brief(cdr));
    assert.equal(d.sipCode, 486);
    assert.match(d.reason ?? '', /cause=17/);
    assert.equal(d.digits.length, 0);
  });

  it('X no answer: rings past the ring timeout, voicegate CANCELs: x_no_answer', async () => {
    const { cdr } = await dialScenario('uas-privacy-x-no-answer.xml', 'carrier-rfc4733', {
      to: '17001234567-1234',
      ringTimeoutMs: 1500,
    });
    const d = cdr.dialing!;
    assert.equal(d.outcome, 'x_no_answer', brief(cdr));
    assert.ok(cdr.durationMs < 5000, `bounded by the ring timeout (${cdr.durationMs} ms)`);
  });
});
