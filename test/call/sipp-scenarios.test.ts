/**
 * The media scenarios of sipp-scenarios/ against a voicegate (SipStack + CallManager) on
 * loopback: each asserts SIPp's exit code AND the CDR voicegate wrote (digits, sources, end
 * cause, codec, RTP counts, steps).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Cdr } from '../../src/call/index.js';
import { alawEncode, DtmfGenerator } from '../../src/media/index.js';
import { writePcap } from '../helpers/pcap.js';
import { app, collect, gate, stopGates, until, type Gate } from './harness.js';
import { runSipp, type SippRun } from './sipp.js';

let g: Gate;
before(async () => {
  g = await gate({
    apps: [
      app('digits12', [
        { type: 'answer' },
        collect({ maxDigits: 12, terminator: '', firstDigitTimeoutMs: 15000, interDigitTimeoutMs: 3000 }),
        { type: 'hangup', cause: 16 },
      ]),
      app('ivr', [
        { type: 'answer' },
        collect({ maxDigits: 8, terminator: '#', firstDigitTimeoutMs: 5000 }),
        { type: 'hangup', cause: 16 },
      ]),
      app('prompt', [
        { type: 'answer' },
        { type: 'play', file: 'welcome.wav', bargeIn: false },
        { type: 'hangup', cause: 16 },
      ]),
      app('slow', [{ type: 'ring', ms: 5000 }, { type: 'answer' }, { type: 'hangup', cause: 16 }]),
      app('hold', [{ type: 'answer' }, { type: 'pause', ms: 10000 }, { type: 'hangup', cause: 16 }]),
      app('one', [
        { type: 'answer' },
        collect({ maxDigits: 1, firstDigitTimeoutMs: 5000 }),
        { type: 'hangup', cause: 16 },
      ]),
      app('early', [
        { type: 'play', file: 'goodbye.wav', bargeIn: false },
        { type: 'answer' },
        { type: 'pause', ms: 5000 },
      ]),
    ],
    routes: [
      { calledPrefix: '100', app: 'digits12' },
      { calledPrefix: '200', app: 'ivr' },
      { calledPrefix: '300', app: 'prompt' },
      { calledPrefix: '400', app: 'slow' },
      { calledPrefix: '500', app: 'hold' },
      { calledPrefix: '600', app: 'one' },
      { calledPrefix: '700', app: 'early' },
    ],
  });
});
after(stopGates);

function ok(r: SippRun): void {
  assert.equal(r.code, 0, `sipp exit ${r.code}\n${r.errors.slice(0, 3000)}\n${r.stderr.slice(0, 2000)}`);
}

async function call(scenario: string, service: string, cwd?: string): Promise<{ r: SippRun; cdr: Cdr }> {
  const before = g.cdrs.length;
  const r = await runSipp({ scenario, port: g.port, service, ...(cwd ? { cwd } : {}) });
  ok(r);
  await until(() => g.cdrs.length > before, 'the CDR');
  return { r, cdr: g.cdrs[g.cdrs.length - 1]! };
}

describe('SIPp media scenarios, asserted on the CDR', () => {
  it('g711a.pcap audio, then every RFC 4733 capture: each digit once', async () => {
    const { cdr } = await call('uac-media-rfc4733-pcaps.xml', '1000');
    assert.equal(cdr.digits, '1023456789*#');
    assert.deepEqual(cdr.digitSources, { rfc4733: 12, inband: 0, info: 0 });
    assert.equal(cdr.codec, 'PCMA');
    assert.equal(cdr.endCause.by, 'voicegate');
    assert.equal(cdr.endCause.q850, 16);
    assert.ok(cdr.rtp!.packetsReceived >= 236 + 100, `${cdr.rtp!.packetsReceived} packets`);
    assert.ok(cdr.rtp!.ssrcChanges >= 1, 'speech and digits came from two SSRCs');
    assert.equal(cdr.steps[1]!.value, '1023456789*#');
  });

  it('SIP INFO digits (application/dtmf-relay and application/dtmf)', async () => {
    const { cdr } = await call('uac-info-dtmf.xml', '2000');
    assert.equal(cdr.digits, '12#');
    assert.deepEqual(cdr.digitSources, { rfc4733: 0, inband: 0, info: 3 });
    assert.equal(cdr.codec, 'PCMU');
    assert.equal(cdr.endCause.by, 'voicegate');
  });

  it('in-band DTMF in G.711 audio (a pcap of tones made here)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-inband-'));
    try {
      const gen = new DtmfGenerator({ sampleRate: 8000, toneMs: 100, gapMs: 100 });
      gen.queue('9047#');
      const pcm = new Int16Array(8000 * 1.5);
      gen.generate(pcm);
      gen.close();
      const packets = [];
      for (let i = 0; i * 160 < pcm.length; i++) {
        const rtp = Buffer.alloc(12 + 160);
        rtp[0] = 0x80;
        rtp[1] = 8 | (i === 0 ? 0x80 : 0);
        rtp.writeUInt16BE(1000 + i, 2);
        rtp.writeUInt32BE(160 * i, 4);
        rtp.writeUInt32BE(0x11223344, 8);
        Buffer.from(alawEncode(pcm.subarray(160 * i, 160 * (i + 1)))).copy(rtp, 12);
        packets.push({
          time: 1_700_000_000 + i * 0.02,
          srcIp: '127.0.0.1',
          srcPort: 6000,
          dstIp: '127.0.0.1',
          dstPort: 6002,
          payload: rtp,
        });
      }
      writePcap(join(dir, 'inband-dtmf.pcap'), packets);
      const { cdr } = await call('uac-media-inband-dtmf.xml', '2000', dir);
      assert.equal(cdr.digits, '9047#');
      assert.deepEqual(cdr.digitSources, { rfc4733: 0, inband: 5, info: 0 });
      assert.equal(cdr.steps[1]!.value, '9047');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the caller hangs up in the middle of the prompt', async () => {
    const { cdr } = await call('uac-hangup-mid-prompt.xml', '3000');
    assert.equal(cdr.endCause.by, 'caller');
    assert.equal(cdr.endCause.what, 'bye');
    assert.equal(cdr.endCause.q850, 16);
    assert.match(cdr.endCause.reason ?? '', /cause=16/);
    assert.deepEqual(
      cdr.steps.map((s) => [s.type, s.outcome]),
      [
        ['answer', 'done'],
        ['play', 'ended'],
      ],
    );
    assert.ok(cdr.talkMs >= 1000 && cdr.talkMs < 3000, `talk ${cdr.talkMs} ms`);
    assert.ok(cdr.rtp!.packetsSent >= 50, 'the prompt was being sent');
  });

  it('CANCEL before the answer', async () => {
    const { cdr } = await call('uac-cancel.xml', '4000');
    assert.equal(cdr.endCause.by, 'caller');
    assert.equal(cdr.endCause.what, 'cancel');
    assert.equal(cdr.endCause.sipCode, 487);
    assert.equal(cdr.answer, null);
    assert.notEqual(cdr.ring, null);
    assert.equal(cdr.talkMs, 0);
  });

  it('re-INVITE hold and resume', async () => {
    const { cdr } = await call('uac-reinvite-hold-resume.xml', '5000');
    assert.equal(cdr.endCause.by, 'caller');
    assert.equal(cdr.holds, 1);
    assert.equal(cdr.codec, 'PCMA');
  });

  it('late offer: our offer in the 200, the answer in the ACK, then a digit', async () => {
    const { cdr } = await call('uac-late-offer.xml', '6000');
    assert.equal(cdr.digits, '5');
    assert.equal(cdr.digitSources.rfc4733, 1);
    assert.equal(cdr.codec, 'PCMA');
    assert.equal(cdr.endCause.by, 'voicegate');
  });

  it('early media: 183 with SDP and a prompt before the answer', async () => {
    const { cdr } = await call('uac-early-media.xml', '7000');
    assert.equal(cdr.earlyMedia, true);
    assert.notEqual(cdr.ring, null);
    assert.notEqual(cdr.answer, null);
    assert.ok(Date.parse(cdr.answer!) - Date.parse(cdr.ring!) >= 1500, 'the prompt played before the answer');
    assert.equal(cdr.steps[0]!.outcome, 'done');
  });
});
