/**
 * The carrier profile's SIP options reach the INVITE a dial sends: `rel100` (RFC 3262: none →
 * no 100rel in Supported; required → Require: 100rel) and the session timer (RFC 4028:
 * Session-Expires with the profile's seconds, or none when disabled). A bare UDP socket plays the
 * carrier: it reads the INVITE and answers 486, so the dial ends `x_busy`.
 */
import assert from 'node:assert/strict';
import { createSocket, type Socket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { DialGate, profilesWith } from './dial-harness.js';
import { until } from './harness.js';

function carrier(name: string, rel100: string, sessionTimer: string): string {
  return [
    'kind: trunk',
    `name: ${name}`,
    'numberFormat: { style: e164 }',
    'callerId: { header: from }',
    'codecs: [PCMA]',
    `rel100: ${rel100}`,
    `sessionTimer: ${sessionTimer}`,
    'dtmf: { methods: [rfc4733, inband] }',
    '',
  ].join('\n');
}

const { dir, profiles } = profilesWith({
  'trunk-required.yaml': carrier('opt-required', 'required', '{ enabled: true, seconds: 900 }'),
  'trunk-none.yaml': carrier('opt-none', 'none', '{ enabled: false }'),
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** A carrier that answers every INVITE 486 and keeps the INVITEs' header lines. */
async function busyCarrier(): Promise<{ socket: Socket; port: number; invites: string[] }> {
  const socket = createSocket('udp4');
  const invites: string[] = [];
  socket.on('message', (msg, rinfo) => {
    const text = msg.toString('latin1');
    if (!text.startsWith('INVITE ')) return;
    invites.push(text);
    const head = (name: string): string =>
      text
        .split('\r\n')
        .filter((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
        .join('\r\n');
    const to = head('To');
    const reply = [
      'SIP/2.0 486 Busy Here',
      head('Via'),
      head('From'),
      `${to};tag=busy1`,
      head('Call-ID'),
      head('CSeq'),
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n');
    socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, invites };
}

const header = (invite: string, name: string): string | undefined =>
  invite
    .split('\r\n')
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    ?.slice(name.length + 1)
    .trim();

describe('carrier profile SIP options on the INVITE', () => {
  for (const c of [
    { profile: 'opt-required', require: '100rel', supported: true, expires: '900' },
    { profile: 'opt-none', require: undefined, supported: false, expires: undefined },
  ]) {
    it(`${c.profile}: Require ${c.require ?? 'none'}, 100rel ${c.supported ? '' : 'not '}supported, Session-Expires ${c.expires ?? 'none'}`, async () => {
      const peer = await busyCarrier();
      const gate = await new DialGate({ peerPort: peer.port, profiles, trunkProfile: c.profile }).start();
      try {
        const r = gate.manager.dial({ to: '13912345678', trunk: 'carrier' });
        assert.ok(r.ok, JSON.stringify(!r.ok && r.error));
        await until(() => gate.cdrOf(r.dial.id) !== undefined, 'the CDR', 5000);
        assert.equal(gate.cdrOf(r.dial.id)?.dialing?.outcome, 'x_busy');
        const invite = peer.invites[0]!;
        assert.equal(header(invite, 'Require'), c.require);
        assert.equal(/\b100rel\b/.test(header(invite, 'Supported') ?? ''), c.supported);
        assert.equal(header(invite, 'Session-Expires'), c.expires);
      } finally {
        await gate.stop();
        peer.socket.close();
      }
    });
  }
});
