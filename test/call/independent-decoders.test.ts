/**
 * What voicegate sends, checked by decoders that are not ours, on a live capture of the call's
 * RTP port: tshark decodes the RFC 4733 events, multimon-ng hears the in-band digits, and the
 * prompt decoded from the captured A-law equals the WAV file after G.711 rounding.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { alawDecode, alawEncode, decodeWav } from '../../src/media/index.js';
import { PortPool } from '../../src/rtp/index.js';
import { readPcap } from '../helpers/pcap.js';
import { Capture, tsharkFields } from './capture.js';
import { app, gate, PROMPTS, stopGates } from './harness.js';
import { runSipp } from './sipp.js';

after(stopGates);

describe('what we send, decoded independently from a capture', () => {
  it('tshark: RFC 4733 events; multimon-ng: in-band digits; the prompt equals the file after A-law', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-capture-'));
    const port = 36000 + 2 * Math.floor(Math.random() * 2000);
    const g = await gate({
      pool: new PortPool({ min: port, max: port + 1 }),
      apps: [
        app('tx', [
          { type: 'answer' },
          { type: 'pause', ms: 200 },
          { type: 'play', file: 'goodbye.wav', bargeIn: false },
          { type: 'sendDigits', digits: '159#', method: 'rfc4733', toneMs: 100, gapMs: 60 },
          { type: 'sendDigits', digits: '2580', method: 'inband', toneMs: 100, gapMs: 100 },
          { type: 'pause', ms: 200 },
          { type: 'hangup', cause: 16 },
        ]),
      ],
    });
    const cap = await Capture.start(join(dir, 'call.pcap'), port);
    try {
      const r = await runSipp({ scenario: 'uac-wait-bye.xml', port: g.port, service: '100' });
      assert.equal(r.code, 0, r.errors.slice(0, 2000));
      await new Promise((res) => setTimeout(res, 300));
      await cap.stop();
      const cdr = g.cdrs[0]!;
      assert.equal(cdr.endCause.by, 'voicegate');

      // 1. tshark's RFC 4733 dissector.
      const rows = tsharkFields(
        cap.file,
        ['-d', `udp.port==${port},rtp`, '-o', 'rtpevent.event_payload_type_value:101'],
        'rtpevent',
        [
          'rtp.marker',
          'rtp.timestamp',
          'rtpevent.event_id',
          'rtpevent.end_of_event',
          'rtpevent.duration',
          'rtpevent.volume',
        ],
      );
      const events = new Map<string, string[][]>();
      for (const row of rows) events.set(row[1]!, [...(events.get(row[1]!) ?? []), row]);
      const list = [...events.values()];
      assert.deepEqual(
        list.map((e) => e[0]![2]),
        ['1', '5', '9', '11'],
        'event ids of 1 5 9 #, one timestamp each',
      );
      for (const e of list) {
        assert.equal(e[0]![0], '1', 'marker on the first packet of an event');
        assert.ok(
          e.slice(1).every((p) => p[0] === '0'),
          'no marker after the first packet',
        );
        const durations = e.map((p) => Number(p[4]));
        for (let i = 1; i < durations.length; i++)
          assert.ok(durations[i]! >= durations[i - 1]!, 'durations grow');
        const ends = e.filter((p) => p[3] === '1');
        assert.equal(ends.length, 3, 'end packet sent three times');
        assert.ok(
          ends.every((p) => p[4] === '800'),
          '100 ms = 800 units at 8 kHz',
        );
        assert.ok(
          e.every((p) => p[5] === '10'),
          'volume 10',
        );
      }

      // 2. The audio: A-law payloads in sequence order, decoded.
      const audio = readPcap(cap.file)
        .map((p) => p.payload)
        .filter((b) => b.length > 12 && b[0]! >> 6 === 2 && (b[1]! & 0x7f) === 8)
        .sort((a, b) => ((a.readUInt16BE(2) - b.readUInt16BE(2) + 0x8000) & 0xffff) - 0x8000);
      const codes = Buffer.concat(audio.map((b) => b.subarray(12 + 4 * (b[0]! & 0x0f))));
      const pcm = alawDecode(new Uint8Array(codes));

      // 3. The prompt, sample for sample after codec rounding.
      const clip = decodeWav(readFileSync(join(PROMPTS, 'goodbye.wav')), 8000);
      assert.ok(clip.ok);
      const expected = alawDecode(alawEncode(clip.clip.samples));
      let at = -1;
      outer: for (let off = 0; off + expected.length <= pcm.length; off++) {
        for (let i = 0; i < expected.length; i++) if (pcm[off + i] !== expected[i]) continue outer;
        at = off;
        break;
      }
      assert.ok(at >= 0, 'the whole prompt is in the capture, bit-exact after A-law');

      // 4. multimon-ng on the audio after the prompt (sox brings it to the 22.05 kHz multimon-ng reads).
      const tail = pcm.subarray(at + expected.length);
      writeFileSync(join(dir, 'tail.raw'), Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength));
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
        join(dir, 'tail.raw'),
        '-t',
        'raw',
        '-r',
        '22050',
        join(dir, 'tail22.raw'),
      ]);
      const heard = execFileSync(
        'multimon-ng',
        ['-q', '-c', '-a', 'DTMF', '-t', 'raw', join(dir, 'tail22.raw')],
        {
          encoding: 'utf8',
        },
      );
      const digits = [...heard.matchAll(/DTMF: (\S)/g)].map((m) => m[1]).join('');
      assert.equal(digits, '2580', `multimon-ng heard ${JSON.stringify(heard)}`);
    } finally {
      cap.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
