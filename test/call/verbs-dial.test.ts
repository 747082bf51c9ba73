/**
 * The `dial` verb end to end: a SIPp UAC calls a voicegate whose verbs application dials a
 * callee and bridges the two. Callees: a second voicegate (answers, plays a 600 Hz tone, hangs
 * up later) or SIPp as a carrier (busy, ringing forever, a privacy-number platform). Asserted
 * at the far ends: the caller's 1 kHz tone in what the callee received, the callee's tone in a
 * capture (tshark) of what the caller was sent, the caller's RFC 4733 digits in the callee's CDR,
 * the CANCEL the callee gets, and the actionHook's `dial_call_status`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CallManager,
  dialCapabilities,
  VerbsApps,
  type Call,
  type Cdr,
  type DialerOptions,
} from '../../src/call/index.js';
import { FrameClock } from '../../src/media/index.js';
import { newDropCounters } from '../../src/rtp/index.js';
import { SipStack } from '../../src/sip/index.js';
import { WebhookApp } from './app/app-servers.js';
import { capturedFrames, count, toneFrames, writeTonePcap, writeToneWav } from './bridge-audio.js';
import { Capture } from './capture.js';
import { killPlatform, profilesWith, startPlatform } from './dial-harness.js';
import { app, gate, PROMPTS, quiet, randomPool, sleep, stopGates, until, type Gate } from './harness.js';
import { writePrivacyAudio } from './privacy-audio.js';
import { freeUdpPort, runSipp } from './sipp.js';

const work = mkdtempSync(join(tmpdir(), 'vg-dial-verb-'));
const frameClock = new FrameClock();
const cleanups: Array<() => Promise<void> | void> = [];
const CALLEE_TONE = join(work, 'tone600.wav');
const X = 'sip:+8617001234567@127.0.0.1';

before(() => {
  writeTonePcap(join(work, 'tone.pcap'), 1000, 3);
  writeToneWav(CALLEE_TONE, 600, 2);
  writePrivacyAudio(work);
});
after(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await stopGates();
  frameClock.stop();
  rmSync(work, { recursive: true, force: true });
});

/** The dialing voicegate: its trunk `carrier` leads to the callee; every call runs `verbs`. */
class Dialing {
  readonly stack: SipStack;
  readonly manager: CallManager;
  readonly apps: VerbsApps;
  readonly cdrs: Cdr[] = [];
  constructor(
    peerPort: number,
    readonly web: WebhookApp,
    dialing?: DialerOptions,
  ) {
    this.stack = new SipStack({
      listen: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }],
      trunks: [{ name: 'carrier', peers: [`127.0.0.1:${peerPort}`], transport: 'udp', acl: ['127.0.0.0/8'] }],
      sessionTimer: { enabled: false },
      logger: quiet,
    });
    this.apps = new VerbsApps({
      apps: { dial: { source: { webhook: `${web.url}/call` } } },
      capabilities: (call) => dialCapabilities(this.manager, call, { trunk: 'carrier' }),
    });
    this.manager = new CallManager({
      stack: this.stack,
      frameClock,
      rtp: { pool: randomPool(), host: '127.0.0.1', counters: newDropCounters() },
      apps: [{ name: 'dial', steps: [], maxDurationMs: 60_000 }],
      routes: [{ app: 'dial' }],
      promptsDir: PROMPTS,
      recordingsDir: work,
      logger: quiet,
      onCdr: (c) => this.cdrs.push(c),
      appBody: this.apps.appBody,
      ...(dialing ? { dialing } : {}),
    });
  }
  get port(): number {
    return this.stack.transport.transports[0]!.local.port;
  }
  /** The inbound (caller's) call while it lives. */
  caller(): Call | undefined {
    return [...this.manager.calls.values()].find((c) => c.direction === 'inbound');
  }
  hook(): Record<string, unknown> | undefined {
    return this.web.seen.find((s) => s.path === '/dial-done')?.json;
  }
}

/** A dialing voicegate whose application is `dial` (with `dial` options) then `hangup`. */
async function dialing(
  peerPort: number,
  dial: Record<string, unknown>,
  opts?: DialerOptions,
): Promise<Dialing> {
  const web = await new WebhookApp((path) =>
    path === '/call' ? [{ verb: 'dial', actionHook: '/dial-done', ...dial }, { verb: 'hangup' }] : [],
  ).start();
  const d = new Dialing(peerPort, web, opts);
  await d.stack.start();
  cleanups.push(async () => {
    await d.manager.stop(500);
    await d.stack.stop();
    await web.stop();
  });
  return d;
}

/** A callee voicegate: answers, plays the 600 Hz tone (2 s), hangs up after `holdMs` more. */
async function callee(holdMs: number): Promise<{ g: Gate; frames: Int16Array[] }> {
  const g = await gate({
    apps: [
      app('callee', [
        { type: 'answer' },
        { type: 'play', file: CALLEE_TONE, bargeIn: false },
        { type: 'pause', ms: holdMs },
        { type: 'hangup', cause: 16 },
      ]),
    ],
    frameClock,
  });
  const frames: Int16Array[] = [];
  void until(() => [...g.manager.calls.values()][0]?.leg !== undefined, 'the callee call', 15_000).then(
    () =>
      [...g.manager.calls.values()][0]!.leg!.stream.addTap({ frame: (rx) => void frames.push(rx.slice()) }),
    () => undefined,
  );
  return { g, frames };
}

async function call(d: Dialing, scenario: string, mediaPort?: number) {
  const r = await runSipp({
    scenario,
    port: d.port,
    service: '7000',
    cwd: work,
    timeoutSeconds: 40,
    ...(mediaPort !== undefined ? { mediaPort } : {}),
  });
  assert.equal(r.code, 0, `caller SIPp exit ${r.code}\n${r.errors.slice(0, 3000)}`);
  await until(() => d.cdrs.some((c) => c.direction === 'inbound'), 'the caller CDR');
  return d.cdrs.find((c) => c.direction === 'inbound')!;
}

describe('the dial verb bridges a SIPp caller to a callee', () => {
  it('audio both ways, RFC 4733 digits forwarded, the callee BYE ends it: completed, the verbs go on', async () => {
    const { g, frames } = await callee(4000);
    const d = await dialing(g.port, {
      target: [{ type: 'sip', sipUri: 'sip:callee@127.0.0.1' }],
      timeout: 5,
    });
    const mediaPort = await freeUdpPort();
    const cap = await Capture.start(join(work, 'to-caller.pcap'), 0, `udp dst port ${mediaPort}`);
    cleanups.push(() => cap.kill());
    const cdr = await call(d, 'uac-dial-bridge.xml', mediaPort);
    await cap.stop();
    const hook = d.hook();
    assert.equal(hook?.dial_call_status, 'completed');
    assert.equal(hook?.dial_sip_status, 200);
    await until(() => g.cdrs.length === 1, 'the callee CDR');
    const calleeCdr = g.cdrs[0]!;
    assert.equal(hook?.dial_call_sid, calleeCdr.callId, 'the callee leg is the SIP call the callee saw');
    const secs = hook?.dial_call_duration as number;
    assert.ok(secs >= 5 && secs <= 8, `bridged ${secs} s (tone 2 s + hold 4 s)`);
    assert.equal(calleeCdr.endCause.by, 'voicegate', 'the callee hung up');
    assert.equal(calleeCdr.digits, '1#', 'the caller digits reached the callee');
    assert.equal(calleeCdr.digitSources.rfc4733, 2);
    const heard = count(toneFrames(frames, 1000));
    assert.ok(heard >= 100, `the callee heard the caller's 1 kHz tone for ${heard * 20} ms`);
    const sent = capturedFrames(cap.file);
    const back = count(toneFrames(sent, 600));
    assert.ok(back >= 75, `the caller was sent the callee's 600 Hz tone for ${back * 20} ms`);
    assert.equal(count(toneFrames(sent, 1000)), 0, 'no echo of the caller');
    assert.equal(cdr.endCause.what, 'app-hangup', 'the hangup verb after dial ended the call');
  });

  it('mute: the caller is silent at the callee while muted, heard again after', async () => {
    const { g, frames } = await callee(3000);
    const d = await dialing(g.port, { target: [{ type: 'sip', sipUri: 'sip:callee@127.0.0.1' }] });
    const sipp = call(d, 'uac-dial-bridge.xml');
    await until(() => count(toneFrames(frames, 1000)) >= 25, 'the caller tone at the callee', 10_000);
    const runner = d.apps.runner(d.caller()!.callId)!;
    assert.equal(runner.mute(true), true);
    const m1 = frames.length;
    await sleep(800);
    assert.equal(runner.mute(false), true);
    const m2 = frames.length;
    await sleep(800);
    const m3 = frames.length;
    await sipp;
    assert.equal(count(toneFrames(frames.slice(m1 + 8, m2), 1000)), 0, 'nothing of the caller while muted');
    assert.ok(count(toneFrames(frames.slice(m2 + 8, m3), 1000)) >= 20, 'the caller again after unmute');
    assert.equal(d.hook()?.dial_call_status, 'completed');
  });

  it('a busy callee (486): busy, with the SIP status', async () => {
    const uas = await startPlatform({ scenario: 'uas-privacy-x-busy.xml', cwd: work, timeoutSeconds: 20 });
    cleanups.push(() => killPlatform(uas));
    const d = await dialing(uas.port, { target: [{ type: 'sip', sipUri: X }] });
    const cdr = await call(d, 'uac-expect-bye.xml');
    assert.equal((await uas.done).code, 0);
    assert.deepEqual([d.hook()?.dial_call_status, d.hook()?.dial_sip_status], ['busy', 486]);
    assert.equal(cdr.endCause.what, 'app-hangup');
  });

  it('nobody answers: CANCEL after the ring timeout, no-answer', async () => {
    const uas = await startPlatform({
      scenario: 'uas-privacy-x-no-answer.xml',
      cwd: work,
      timeoutSeconds: 20,
    });
    cleanups.push(() => killPlatform(uas));
    const d = await dialing(uas.port, { target: [{ type: 'sip', sipUri: X }], timeout: 1 });
    const cdr = await call(d, 'uac-expect-bye.xml');
    assert.equal((await uas.done).code, 0, 'the callee got the CANCEL');
    assert.equal(d.hook()?.dial_call_status, 'no-answer');
    assert.equal(d.hook()?.dial_sip_status, 487);
    assert.ok(cdr.durationMs < 4000, `bounded by the 1 s ring timeout (${cdr.durationMs} ms)`);
  });

  it('the caller hangs up while the callee rings (answerOnBridge): the callee gets a CANCEL', async () => {
    const uas = await startPlatform({
      scenario: 'uas-privacy-x-no-answer.xml',
      cwd: work,
      timeoutSeconds: 20,
    });
    cleanups.push(() => killPlatform(uas));
    const d = await dialing(uas.port, {
      target: [{ type: 'sip', sipUri: X }],
      timeout: 30,
      answerOnBridge: true,
    });
    const cdr = await call(d, 'uac-cancel.xml');
    assert.equal((await uas.done).code, 0, 'the callee got the CANCEL');
    assert.equal(cdr.answer, null, 'the caller was never answered');
    await until(() => d.cdrs.length === 2, 'the callee leg CDR');
    const leg = d.cdrs.find((c) => c.direction === 'outbound')!;
    assert.equal(leg.endCause.what, 'dial-cancelled');
    assert.equal(d.hook(), undefined, 'a killed verb posts no actionHook');
  });

  it('a privacy number through its dialing plan: extension reached, bridged until timeLimit', async () => {
    const { dir, profiles } = profilesWith({});
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const uas = await startPlatform({
      scenario: 'uas-privacy-answered-rfc4733.xml',
      cwd: work,
      timeoutSeconds: 40,
    });
    cleanups.push(() => killPlatform(uas));
    const d = await dialing(
      uas.port,
      { target: [{ type: 'phone', number: '17001234567-1234' }], timeLimit: 2 },
      { profiles, trunkProfiles: { carrier: 'carrier-rfc4733' } },
    );
    const cdr = await call(d, 'uac-expect-bye.xml');
    assert.equal((await uas.done).code, 0, 'the platform got the digits, then our BYE');
    const hook = d.hook();
    assert.equal(hook?.dial_call_status, 'completed');
    assert.equal(hook?.dial_call_duration, 2);
    await until(() => d.cdrs.some((c) => c.dialing !== undefined), 'the dial CDR');
    const leg = d.cdrs.find((c) => c.dialing !== undefined)!;
    assert.equal(leg.dialing?.outcome, 'reached_extension');
    assert.equal(leg.callId, hook?.dial_call_sid);
    assert.equal(leg.endCause.what, 'dial-time-limit');
    assert.equal(cdr.endCause.what, 'app-hangup');
  });
});
