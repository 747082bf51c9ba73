import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createEspeakSynthesizer,
  EngineRegistry,
  espeakVoice,
  type EspeakSynthOptions,
  type MrcpLogger,
} from '../../../../src/mrcp/index.js';
import { rmsDbfs, speakAll, speakJob, voicedShare } from './speech-helpers.js';

const FAKE = fileURLToPath(new URL('../../../../../test/fixtures/speech/fake-espeak.mjs', import.meta.url));

function logCapture(): MrcpLogger & { lines: string[] } {
  const lines: string[] = [];
  const f = (lvl: string) => (m: string) => void lines.push(`${lvl} ${m}`);
  return { lines, debug: f('debug'), info: f('info'), warn: f('warn'), error: f('error') };
}

async function engine(o: EspeakSynthOptions = {}) {
  const e = createEspeakSynthesizer(o);
  const h = await e.init();
  return { e, h };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('espeak-ng synthesizer (real espeak-ng)', () => {
  it('init finds espeak-ng and its en-us and cmn voices', async () => {
    const { e, h } = await engine();
    assert.equal(h.ok, true);
    assert.match(h.version ?? '', /eSpeak NG/);
    assert.ok(h.voices?.includes('en-us') && h.voices.includes('cmn'));
    assert.deepEqual([...e.languages].sort(), ['cmn', 'en', 'en-gb', 'en-us', 'zh', 'zh-cmn', 'zh-cn']);
  });

  for (const rate of [8000, 16000]) {
    it(`English at ${rate} Hz: speech of the expected length and energy, not silence`, async () => {
      const { e } = await engine();
      const text = 'Welcome to the voice gateway. Please say yes or no.';
      const r = await speakAll(e, speakJob(text, { sampleRate: rate })).done;
      assert.equal(r.cause, undefined, r.reason);
      const secs = r.samples.length / rate;
      assert.ok(secs > 2 && secs < 6, `duration ${secs} s`);
      assert.ok(rmsDbfs(r.samples) > -30, `level ${rmsDbfs(r.samples)} dBFS`);
      assert.ok(voicedShare(r.samples, rate) > 0.5, `voiced share ${voicedShare(r.samples, rate)}`);
      assert.equal(r.events.at(-1), 'end');
    });

    it(`Mandarin (cmn) at ${rate} Hz: speech of the expected length and energy`, async () => {
      const { e } = await engine();
      const r = await speakAll(e, speakJob('你好，欢迎使用语音网关。', { sampleRate: rate, language: 'cmn' }))
        .done;
      assert.equal(r.cause, undefined, r.reason);
      const secs = r.samples.length / rate;
      assert.ok(secs > 1 && secs < 6, `duration ${secs} s`);
      assert.ok(voicedShare(r.samples, rate) > 0.5);
    });
  }

  it('streams: the first audio is written before espeak-ng has finished a long text', async () => {
    const log = logCapture();
    const { e } = await engine({ logger: log, aheadMs: 600_000, cacheEntryBytes: 1 });
    const text = Array.from({ length: 150 }, (_, i) => `This is sentence number ${i} of a long prompt.`).join(
      ' ',
    );
    let linesAtFirstWrite = -1;
    const r = await speakAll(e, speakJob(text), (n) => {
      if (n === 1) linesAtFirstWrite = log.lines.length;
    }).done;
    assert.equal(r.cause, undefined, r.reason);
    const ended = log.lines.findIndex((l) => l.includes('espeak-ng ended'));
    assert.ok(ended >= 0);
    assert.ok(
      linesAtFirstWrite >= 0 && linesAtFirstWrite <= ended,
      'first write came before espeak-ng ended',
    );
    assert.ok(r.events.filter((x) => x === 'write').length > 10);
    assert.ok(r.samples.length / 8000 > 120, 'a long prompt');
  });

  it('caches a finished prompt: a repeat starts inside speak() with no new process', async () => {
    const { e } = await engine();
    const job = speakJob('This prompt is cached.');
    const first = await speakAll(e, job).done;
    const processes = e.stats.processes;
    const again = speakAll(e, job);
    assert.ok(again.syncWrites > 0, 'audio written before speak() returned');
    const second = await again.done;
    assert.equal(e.stats.processes, processes);
    assert.equal(e.stats.cacheHits, 1);
    assert.deepEqual(second.samples, first.samples);
    const other = await speakAll(e, speakJob('This prompt is cached.', { sampleRate: 16000 })).done;
    assert.equal(e.stats.processes, processes + 1, 'another rate is another prompt');
    assert.ok(other.samples.length > first.samples.length * 1.9);
  });

  it('the cache is bounded in bytes', async () => {
    const { e } = await engine({ cacheBytes: 60_000 });
    for (const t of ['one prompt here', 'a second prompt here', 'a third prompt here', 'a fourth one'])
      await speakAll(e, speakJob(t)).done;
    assert.ok(e.stats.cache.bytes <= 60_000);
    assert.ok(e.stats.cache.evictions > 0);
  });

  it('SSML: supported markup is used, unknown elements are ignored but spoken, marks fall in order', async () => {
    const { e } = await engine();
    const ssml =
      '<?xml version="1.0"?><speak version="1.0" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">' +
      'Hello <mark name="one"/><foo:bar xmlns:foo="urn:x">there</foo:bar> <break time="500ms"/>' +
      '<prosody rate="slow">friend</prosody><mark name="two"/> bye</speak>';
    const r = await speakAll(e, speakJob(ssml, { contentType: 'application/ssml+xml' })).done;
    assert.equal(r.cause, undefined, r.reason);
    const marks = r.events.filter((x) => x.startsWith('mark:'));
    assert.deepEqual(marks, ['mark:one', 'mark:two']);
    const i1 = r.events.indexOf('mark:one');
    const i2 = r.events.indexOf('mark:two');
    assert.ok(r.events.slice(0, i1).includes('write') && r.events.slice(i1, i2).includes('write'));
    assert.ok(r.events.slice(i2).includes('write'), 'audio after the last mark');
    assert.ok(r.samples.length / 8000 > 1.5);
  });

  it('Prosody-Rate and Prosody-Volume change the audio', async () => {
    const { e } = await engine();
    const text = 'The quick brown fox jumps over the lazy dog.';
    const slow = await speakAll(e, speakJob(text, { params: [{ name: 'Prosody-Rate', value: 'x-slow' }] }))
      .done;
    const fast = await speakAll(e, speakJob(text, { params: [{ name: 'Prosody-Rate', value: 'x-fast' }] }))
      .done;
    assert.ok(
      slow.samples.length > fast.samples.length * 2,
      `${slow.samples.length} vs ${fast.samples.length}`,
    );
    const soft = await speakAll(e, speakJob(text, { params: [{ name: 'Prosody-Volume', value: 'x-soft' }] }))
      .done;
    assert.ok(rmsDbfs(soft.samples) < rmsDbfs(fast.samples) - 6);
  });

  it('maps Voice-* and Prosody-* headers to espeak-ng options', () => {
    const v = (lang: string, h: [string, string][]) =>
      espeakVoice(
        lang,
        h.map(([name, value]) => ({ name, value })),
        { voices: { en: 'en-us', cmn: 'cmn' } },
      );
    assert.deepEqual(v('en-US', []), { ok: true, choice: { voice: 'en-us', args: ['-v', 'en-us'] } });
    assert.deepEqual(v('en-AU', [['Voice-Gender', 'female']]), {
      ok: true,
      choice: { voice: 'en-us', args: ['-v', 'en-us+f3'] },
    });
    const r = v('en', [
      ['Voice-Gender', 'male'],
      ['Voice-Variant', '2'],
      ['Prosody-Rate', 'fast'],
      ['Prosody-Volume', 'loud'],
      ['Prosody-Pitch', 'high'],
    ]);
    assert.deepEqual(r.ok && r.choice.args, ['-v', 'en-us+m2', '-s', '236', '-a', '150', '-p', '65']);
    const rel = v('en', [
      ['Prosody-Rate', '+50%'],
      ['Prosody-Volume', '40'],
    ]);
    assert.deepEqual(rel.ok && rel.choice.args, ['-v', 'en-us', '-s', '263', '-a', '80']);
    const junk = v('en', [['Prosody-Rate', 'warp-9']]);
    assert.deepEqual(junk.ok && junk.choice.args, ['-v', 'en-us'], 'an unparsable value is ignored');
    assert.equal(v('fr-FR', []).ok, false);
    assert.deepEqual(v('fr-FR', [['Voice-Name', 'cmn']]).ok, true, 'Voice-Name picks a configured voice');
  });

  it('an unsupported language fails with language-unsupported', async () => {
    const { e } = await engine();
    const r = await speakAll(e, speakJob('bonjour', { language: 'fr-FR' })).done;
    assert.deepEqual(r.events, ['throw:language-unsupported']);
  });

  it('malformed SSML fails with parse-failure before espeak-ng runs', async () => {
    const { e } = await engine();
    for (const bad of ['<speak>unclosed', '<notspeak>x</notspeak>', '<speak><p>a</s></speak>', 'plain']) {
      const r = await speakAll(e, speakJob(bad, { contentType: 'application/ssml+xml' })).done;
      assert.deepEqual(r.events, ['throw:parse-failure'], bad);
    }
    assert.equal(e.stats.processes, 0);
  });

  it('hostile SSML (huge, deeply nested, entity expansion) is refused with bounded memory', async () => {
    const { e } = await engine();
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><speak>&lol3;</speak>';
    const hostile = [
      lol,
      '<speak>' + '<prosody rate="slow">'.repeat(5000) + 'x' + '</prosody>'.repeat(5000) + '</speak>',
      '<speak>' + 'word '.repeat(200_000) + '</speak>',
      '<speak>' + '<break/>'.repeat(50_000) + '</speak>',
      '<speak>' + '<mark name="m"/>a '.repeat(500) + '</speak>',
      '<speak>&undefined;</speak>',
    ];
    global.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (const doc of hostile) {
      const r = await speakAll(e, speakJob(doc, { contentType: 'application/ssml+xml' })).done;
      assert.deepEqual(r.events, ['throw:parse-failure'], doc.slice(0, 60));
    }
    assert.ok(process.memoryUsage().heapUsed - before < 64 << 20, 'no large allocation');
    assert.equal(e.stats.processes, 0, 'espeak-ng never saw them');
  });

  it('a text/uri-list fails with uri-failure (nothing is fetched)', async () => {
    const { e } = await engine();
    const r = await speakAll(e, speakJob('http://example.invalid/a.wav', { contentType: 'text/uri-list' }))
      .done;
    assert.deepEqual(r.events, ['throw:uri-failure']);
  });

  it('without espeak-ng on PATH: one clear start-up error, no language served, an error per request', async () => {
    const log = logCapture();
    const { e, h } = await engine({ env: { PATH: '/nonexistent' }, logger: log });
    assert.equal(h.ok, false);
    assert.match(h.error ?? '', /espeak-ng: not found/);
    assert.equal(log.lines.filter((l) => l.startsWith('error')).length, 1);
    assert.match(log.lines.find((l) => l.startsWith('error')) ?? '', /espeak-ng unavailable/);
    assert.deepEqual(e.languages, []);
    assert.equal(
      new EngineRegistry([e]).synthesizer('en-US'),
      undefined,
      'the machine answers language-unsupported',
    );
    const r = await speakAll(e, speakJob('hello')).done;
    assert.deepEqual(r.events, ['throw:error']);
  });

  it('a crashing espeak-ng fails only its own request; the engine goes on', async () => {
    const env = { ...process.env, FAKE_ESPEAK_MODE: 'crash' };
    const { e } = await engine({ espeakPath: FAKE, env });
    const crashed = await speakAll(e, speakJob('first')).done;
    assert.equal(crashed.cause, 'error');
    assert.match(crashed.reason ?? '', /SIGSEGV/);
    env.FAKE_ESPEAK_MODE = 'ok';
    const fine = await speakAll(e, speakJob('second')).done;
    assert.equal(fine.events.at(-1), 'end');
    assert.ok(fine.samples.length > 3000);
    assert.equal(e.stats.running, 0);
  });

  it('cancel (STOP / barge-in) kills the espeak-ng process', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vg-fake-espeak-'));
    const pidFile = join(dir, 'pid');
    const env = { ...process.env, FAKE_ESPEAK_MODE: 'hang', FAKE_ESPEAK_PID: pidFile };
    const { e } = await engine({ espeakPath: FAKE, env });
    let cancel: () => void = () => undefined;
    const wrote = new Promise<void>((resolve) => {
      const h = speakAll(e, speakJob('hang'), () => resolve());
      cancel = h.cancel;
    });
    await wrote;
    const pid = Number(await readFile(pidFile, 'utf8'));
    assert.ok(alive(pid));
    cancel();
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(alive(pid), false, 'process killed');
    assert.equal(e.stats.running, 0, 'slot released');
  });

  it('bounds concurrent espeak-ng processes and the queue', async () => {
    const { e } = await engine({ maxProcesses: 1, maxQueue: 1, cacheEntryBytes: 1 });
    let maxRunning = 0;
    const watch = () => void (maxRunning = Math.max(maxRunning, e.stats.running));
    const a = speakAll(e, speakJob('first of three prompts'), watch);
    const b = speakAll(e, speakJob('second of three prompts'), watch);
    const c = speakAll(e, speakJob('third of three prompts'), watch);
    const [ra, rb, rc] = await Promise.all([a.done, b.done, c.done]);
    assert.equal(ra.events.at(-1), 'end');
    assert.equal(rb.events.at(-1), 'end');
    assert.deepEqual(rc.events, ['throw:error']);
    assert.match(rc.reason ?? '', /queue is full/);
    assert.equal(maxRunning, 1);
  });
});
