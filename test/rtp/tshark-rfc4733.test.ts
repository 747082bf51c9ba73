/**
 * What the session sends as RFC 4733, decoded by an independent decoder: the datagrams a peer
 * socket received are written to a pcap and read back by tshark (Debian package tshark).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { RtpSession } from '../../src/rtp/index.js';
import { FakeClock } from './fake-clock.js';
import { cleanupAll, onCleanup, peer, randomPool, waitFor } from './helpers.js';
import { writePcap } from './pcap.js';

afterEach(cleanupAll);

describe('RFC 4733 as tshark decodes it', () => {
  it('event ids, marker on the first packet, growing durations, end bit ×3, volume, one timestamp per event', async () => {
    const p = await peer();
    const clock = new FakeClock();
    const r = await RtpSession.open({
      pool: randomPool(),
      host: '127.0.0.1',
      clock,
      rtcp: { enabled: false },
      dtmf: { durationMs: 100, gapMs: 60, volume: 10 },
    });
    assert.ok(r.ok);
    const s = r.session;
    onCleanup(() => s.close());
    s.configure({
      remoteAddress: '127.0.0.1',
      remotePort: p.port,
      sendPayloadType: 8,
      recvPayloadType: 8,
      clockRate: 8000,
      telephoneEvent: { sendPayloadType: 101, recvPayloadType: 101 },
      send: true,
      recv: true,
    });
    s.sendDigits('7*#');
    const ticks = 3 * (7 + 3) + 5;
    for (let i = 0; i < ticks; i++) {
      s.sendFrame(new Uint8Array(160).fill(0xd5));
      clock.advance(20);
    }
    await waitFor(() => p.received.length === ticks, 'every tick on the wire');
    const dir = mkdtempSync(join(tmpdir(), 'vg-rfc4733-'));
    onCleanup(async () => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'sent.pcap');
    writePcap(
      file,
      p.received.map((data, i) => ({ atMs: i * 20, srcPort: s.port, dstPort: p.port, data })),
    );
    const tshark = (filter: string, fields: string[]): string[][] =>
      execFileSync(
        'tshark',
        [
          ...['-r', file, '-d', `udp.port==${p.port},rtp`, '-o', 'rtpevent.event_payload_type_value:101'],
          ...['-Y', filter, '-T', 'fields', '-E', 'separator=,'],
          ...fields.flatMap((f) => ['-e', f]),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
      )
        .trim()
        .split('\n')
        .map((l) => l.split(','));
    const events = tshark('rtpevent', [
      'rtp.marker',
      'rtp.timestamp',
      'rtpevent.event_id',
      'rtpevent.end_of_event',
      'rtpevent.volume',
      'rtpevent.duration',
    ]);
    const byTs = new Map<string, string[][]>();
    for (const row of events) byTs.set(row[1] as string, [...(byTs.get(row[1] as string) ?? []), row]);
    assert.deepEqual(
      [...byTs.values()].map((ev) => ev[0]?.[2]),
      ['7', '10', '11'],
      'one timestamp per event; ids of 7 * #',
    );
    for (const ev of byTs.values()) {
      assert.deepEqual(
        ev.map((r) => [r[0], r[3], r[4], r[5]].join(' ')),
        ['1 0 10 160', '0 0 10 320', '0 0 10 480', '0 0 10 640', '0 1 10 800', '0 1 10 800', '0 1 10 800'],
      );
    }
    // Events and audio share one sequence: every packet's number follows the previous one.
    const seqs = tshark('rtp', ['rtp.seq', 'rtp.p_type']);
    assert.equal(seqs.length, ticks);
    seqs.forEach((row, i) => i > 0 && assert.equal(Number(row[0]), (Number(seqs[i - 1]?.[0]) + 1) & 0xffff));
    assert.deepEqual([...new Set(seqs.map((r) => r[1]))].sort(), ['101', '8']);
  });
});
