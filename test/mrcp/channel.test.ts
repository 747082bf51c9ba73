import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  createTestRecognizer,
  createToneSynthesizer,
  createWavRecorder,
  EngineRegistry,
  loadEngineModule,
  makeRequest,
  MrcpServerConnection,
  MrcpServerSession,
  MrcpStreamParser,
  serializeMessage,
  type MrcpMessage,
} from '../../src/mrcp/index.js';
import { brief, briefs, FakeClock, flush, harness, headerValue } from './helpers.js';

describe('mrcp channel (generic checks, SET-PARAMS / GET-PARAMS)', () => {
  it('answers 406 without Channel-Identifier, 405 for another channel, 401 for unknown or foreign methods, 410 for old ids, 404 for bad values', () => {
    const h = harness([createToneSynthesizer()], ['speechsynth']);
    const ch = h.session.channel('speechsynth')!;
    ch.receive({ ...makeRequest('SPEAK', 1, 'x@y'), headers: [] });
    ch.receive(makeRequest('SPEAK', 2, 'other@speechsynth'));
    ch.receive({ ...makeRequest('SPEAK', 3, 'S1@speechsynth'), method: 'FROBNICATE' });
    ch.receive(makeRequest('RECOGNIZE', 4, 'S1@speechsynth'));
    ch.receive(makeRequest('SET-PARAMS', 6, 'S1@speechsynth'));
    ch.receive(makeRequest('SET-PARAMS', 5, 'S1@speechsynth'));
    ch.receive(
      makeRequest('SET-PARAMS', 7, 'S1@speechsynth', [{ name: 'Kill-On-Barge-In', value: 'maybe' }]),
    );
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 406 COMPLETE',
      'res 2 405 COMPLETE',
      'res 3 401 COMPLETE',
      'res 4 401 COMPLETE',
      'res 6 200 COMPLETE',
      'res 5 410 COMPLETE',
      'res 7 404 COMPLETE',
    ]);
    assert.ok(msgs.every((m) => headerValue(m.headers, 'Channel-Identifier') === 'S1@speechsynth'));
    assert.equal(headerValue(msgs[6]!.headers, 'Kill-On-Barge-In'), 'maybe');
  });

  it('SET-PARAMS stores per channel (403 for another resource’s header, 201 when unknown ones are ignored); GET-PARAMS reads back', () => {
    const h = harness([createToneSynthesizer(), createTestRecognizer()], ['speechsynth', 'speechrecog']);
    h.send('speechsynth', 'SET-PARAMS', [
      ['Voice-Gender', 'male'],
      ['Vendor-Specific-Parameters', 'com.a.x=1;com.a.y="two words"'],
    ]);
    h.send('speechsynth', 'SET-PARAMS', [['No-Input-Timeout', '100']]);
    h.send('speechsynth', 'SET-PARAMS', [
      ['X-Unknown', '1'],
      ['Prosody-Rate', 'fast'],
    ]);
    h.send('speechsynth', 'GET-PARAMS', [
      ['Voice-Gender', ''],
      ['Kill-On-Barge-In', ''],
      ['Vendor-Specific-Parameters', 'com.a.y'],
    ]);
    h.send('speechrecog', 'GET-PARAMS', [
      ['Voice-Gender', ''],
      ['No-Input-Timeout', ''],
    ]);
    const msgs = h.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 COMPLETE',
      'res 2 403 COMPLETE',
      'res 3 201 COMPLETE',
      'res 4 200 COMPLETE',
      'res 5 200 COMPLETE',
    ]);
    assert.deepEqual(
      msgs[3]!.headers.slice(1).map((x) => `${x.name}: ${x.value}`),
      ['Voice-Gender: male', 'Kill-On-Barge-In: true', 'Vendor-Specific-Parameters: com.a.y="two words"'],
    );
    assert.deepEqual(
      msgs[4]!.headers.slice(1).map((x) => `${x.name}: ${x.value}`),
      ['No-Input-Timeout: 5000'],
      'params are per channel',
    );
    h.send('speechsynth', 'GET-PARAMS');
    const all = h.take()[0]!;
    assert.ok(all.headers.some((x) => x.name === 'Prosody-Rate' && x.value === 'fast'));
  });

  it('answers every request exactly once, whatever the mix (300 random requests)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-mrcp-mix-'));
    const h = harness(
      [createToneSynthesizer(), createTestRecognizer(), createWavRecorder({ dir })],
      ['speechsynth', 'speechrecog', 'recorder'],
    );
    const methods = {
      speechsynth: [
        'SPEAK',
        'STOP',
        'PAUSE',
        'RESUME',
        'BARGE-IN-OCCURRED',
        'CONTROL',
        'DEFINE-LEXICON',
        'SET-PARAMS',
        'GET-PARAMS',
        'RECORD',
      ],
      speechrecog: [
        'RECOGNIZE',
        'STOP',
        'START-INPUT-TIMERS',
        'GET-RESULT',
        'DEFINE-GRAMMAR',
        'INTERPRET',
        'SET-PARAMS',
        'START-PHRASE-ENROLLMENT',
      ],
      recorder: ['RECORD', 'STOP', 'START-INPUT-TIMERS', 'GET-PARAMS'],
    } as const;
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const ids: number[] = [];
    for (let i = 0; i < 300; i++) {
      const res = (['speechsynth', 'speechrecog', 'recorder'] as const)[rnd(3)]!;
      const list = methods[res];
      const m = list[rnd(list.length)]!;
      const body =
        m === 'SPEAK'
          ? 'hello'
          : m === 'RECOGNIZE' || m === 'INTERPRET'
            ? 'builtin:dtmf/digits?length=2\n'
            : m === 'DEFINE-GRAMMAR'
              ? '#ABNF 1.0;\nmode dtmf;\n$a = 1;\n'
              : undefined;
      const headers: [string, string][] = body
        ? [
            [
              'Content-Type',
              m === 'DEFINE-GRAMMAR' ? 'application/srgs' : m === 'SPEAK' ? 'text/plain' : 'text/uri-list',
            ],
            ['Interpret-Text', '12'],
            ['Content-ID', 'g'],
          ]
        : [];
      ids.push(h.send(res, m as never, headers, body));
      if (rnd(4) === 0) h.session.channel('speechrecog')!.pushDtmf(String(rnd(10)));
      h.pull(rnd(5));
      if (rnd(3) === 0) await flush();
    }
    for (let i = 0; i < 20; i++) {
      await new Promise((r) => setTimeout(r, 5));
      h.clock.advance(10_000);
    }
    const responses = h.sent.filter((m) => m.kind === 'response').map((m) => m.requestId);
    assert.deepEqual(
      [...responses].sort((a, b) => a - b),
      ids,
    );
    h.session.close();
    assert.equal(h.clock.pending, 0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('mrcp session and connection', () => {
  it('routes bytes split and packed on one shared connection to the channels of several sessions', () => {
    const clock = new FakeClock();
    const engines = new EngineRegistry([createToneSynthesizer(), createTestRecognizer()]);
    const out: Buffer[] = [];
    const sessions = new Map<string, MrcpServerSession>();
    const conn = new MrcpServerConnection({
      lookup: (id) => sessions.get(id.split('@')[0]!)?.byChannelId(id),
      write: (b) => void out.push(b),
      close: () => assert.fail('closed'),
    });
    for (const sid of ['A', 'B']) {
      const s = new MrcpServerSession({ sessionId: sid, engines, clock, send: (m) => conn.send(m) });
      s.addChannel('speechsynth');
      sessions.set(sid, s);
    }
    const bytes = Buffer.concat([
      serializeMessage(
        makeRequest('SPEAK', 1, 'A@speechsynth', [{ name: 'Content-Type', value: 'text/plain' }], 'hi'),
      ),
      serializeMessage(
        makeRequest('SPEAK', 1, 'B@speechsynth', [{ name: 'Content-Type', value: 'text/plain' }], 'hello'),
      ),
      serializeMessage(makeRequest('STOP', 2, 'C@speechsynth')),
      serializeMessage(makeRequest('STOP', 3, 'A@speechrecog')),
    ]);
    for (let i = 0; i < bytes.length; i += 13) conn.receive(bytes.subarray(i, i + 13));
    const p = new MrcpStreamParser();
    const got = out
      .flatMap((b) => p.push(b).items)
      .map((i) => (i.ok ? i.message : undefined)) as MrcpMessage[];
    assert.deepEqual(
      got.map((m) => `${headerValue(m.headers, 'Channel-Identifier')} ${brief(m)}`),
      [
        'A@speechsynth res 1 200 IN-PROGRESS',
        'B@speechsynth res 1 200 IN-PROGRESS',
        'C@speechsynth res 2 405 COMPLETE',
        'A@speechrecog res 3 405 COMPLETE',
      ],
    );
    assert.equal(conn.stats.messages, 4);
  });

  it('answers a 10 MB message with 504 without buffering it, and closes on garbage', () => {
    const out: Buffer[] = [];
    const closed: string[] = [];
    const conn = new MrcpServerConnection({
      lookup: () => undefined,
      write: (b) => void out.push(b),
      close: (r) => void closed.push(r),
      maxMessageSize: 65536,
    });
    const head =
      'MRCP/2.0 10000100 SPEAK 9\r\nChannel-Identifier: A@speechsynth\r\nContent-Length: 10000035\r\n\r\n';
    conn.receive(Buffer.from(head));
    const chunk = Buffer.alloc(65536, 0x61);
    for (let sent = head.length; sent < 10_000_100; sent += chunk.length)
      conn.receive(chunk.subarray(0, Math.min(chunk.length, 10_000_100 - sent)));
    conn.receive(serializeMessage(makeRequest('STOP', 10, 'A@speechsynth')));
    const p = new MrcpStreamParser();
    const got = out.flatMap((b) => p.push(b).items).map((i) => (i.ok ? brief(i.message) : i.error.code));
    assert.deepEqual(got, ['res 9 504 COMPLETE', 'res 10 405 COMPLETE']);
    conn.receive(Buffer.from('\x16\x03\x01 TLS hello'));
    assert.equal(closed.length, 1);
    assert.match(closed[0]!, /^bad-start-line/);
    assert.equal(conn.stats.closedForGarbage, 1);
  });

  it('leaves no timer after 1,000 sessions opened, used and closed', async () => {
    const clock = new FakeClock();
    const engines = new EngineRegistry([createToneSynthesizer(), createTestRecognizer()]);
    let messages = 0;
    for (let i = 0; i < 1000; i++) {
      const s = new MrcpServerSession({ sessionId: `s${i}`, engines, clock, send: () => void messages++ });
      const synth = s.addChannel('speechsynth');
      const recog = s.addChannel('speechrecog');
      synth.receive(
        makeRequest(
          'SPEAK',
          1,
          `s${i}@speechsynth`,
          [{ name: 'Content-Type', value: 'text/plain' }],
          'hello there',
        ),
      );
      recog.receive(
        makeRequest(
          'RECOGNIZE',
          1,
          `s${i}@speechrecog`,
          [{ name: 'Content-Type', value: 'text/uri-list' }],
          'builtin:dtmf/digits\n',
        ),
      );
      if (i % 100 === 0) await flush();
      synth.pullAudio();
      s.close();
      assert.equal(s.size, 0);
    }
    await flush();
    assert.equal(clock.pending, 0);
    assert.ok(messages >= 1000);
  });
});

describe('engine registry', () => {
  it('picks the most specific language, then "*"', () => {
    const r = new EngineRegistry([
      createToneSynthesizer({ name: 'any' }),
      createToneSynthesizer({ name: 'en', languages: ['en'] }),
      createToneSynthesizer({ name: 'en-GB', languages: ['en-GB'] }),
    ]);
    assert.equal(r.synthesizer('en-GB')?.name, 'en-GB');
    assert.equal(r.synthesizer('en-US')?.name, 'en');
    assert.equal(r.synthesizer('zh-CN')?.name, 'any');
    assert.equal(r.recognizer('en-US'), undefined);
    assert.throws(() => r.add(createToneSynthesizer({ name: 'en' })), /registered twice/);
  });

  it('loads engines from a module path and names the module when it is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-mrcp-mod-'));
    writeFileSync(
      join(dir, 'good.mjs'),
      `export function createEngines(o) { return [{ kind: 'synthesizer', name: 'plug-' + o.tag, languages: ['*'], contentTypes: ['text/plain'], speak() { return { cancel() {} }; } }]; }\n`,
    );
    writeFileSync(join(dir, 'bad.mjs'), 'export function createEngines() { return { kind: "nope" }; }\n');
    writeFileSync(join(dir, 'none.mjs'), 'export const x = 1;\n');
    const engines = await loadEngineModule('./good.mjs', { tag: 'x' }, dir);
    assert.deepEqual(
      engines.map((e) => e.name),
      ['plug-x'],
    );
    await assert.rejects(loadEngineModule('./bad.mjs', {}, dir), /bad\.mjs: item 0 is not/);
    await assert.rejects(loadEngineModule('./none.mjs', {}, dir), /no createEngines\(\) export/);
    await assert.rejects(loadEngineModule('./missing.mjs', {}, dir), /missing\.mjs: cannot be loaded/);
    rmSync(dir, { recursive: true, force: true });
  });
});
