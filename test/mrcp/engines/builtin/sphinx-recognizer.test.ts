import assert from 'node:assert/strict';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  createBuiltinEngines,
  createSphinxRecognizer,
  EngineError,
  posteriors,
  type MrcpLogger,
  type RecognizerEngine,
} from '../../../../src/mrcp/index.js';
import { builtin, espeakPcm, inline, recognizeAudio } from './speech-helpers.js';

const fixtures = fileURLToPath(new URL('../../../../../test/fixtures/speech/', import.meta.url));
const COLORS_XML = readFileSync(fixtures + 'colors.grxml', 'utf8');
const COLORS_ABNF = readFileSync(fixtures + 'colors.abnf', 'utf8');
const BOOL = builtin('builtin:grammar/boolean');
const sphinx = createSphinxRecognizer();

async function builtinRecognizer(
  o: Parameters<typeof createBuiltinEngines>[0] = {},
): Promise<RecognizerEngine> {
  const engines = await createBuiltinEngines({ synthesizer: false, ...o });
  return engines.find((e) => e.kind === 'recognizer') as RecognizerEngine;
}

function top(
  r: Awaited<ReturnType<typeof recognizeAudio>>,
): { instance: unknown; confidence: number } | undefined {
  const i = r.outcome?.interpretations[0];
  return i ? { instance: i.instance, confidence: i.confidence ?? 0 } : undefined;
}

describe('PocketSphinx recognizer (real pocketsphinx, speech made by espeak-ng)', () => {
  for (const rate of [8000, 16000]) {
    it(`builtin:grammar/boolean at ${rate} Hz: "yes" is true and "no" is false`, async () => {
      for (const [word, value] of [
        ['yes', 'true'],
        ['no', 'false'],
      ] as const) {
        const r = await recognizeAudio(sphinx, [BOOL], espeakPcm(word, rate), { rate });
        assert.equal(r.fail, undefined, JSON.stringify(r.fail));
        assert.equal(r.outcome?.match, 'complete', word);
        assert.equal(r.outcome?.mode, 'speech');
        assert.equal(top(r)?.instance, value, word);
        assert.ok((top(r)?.confidence ?? 0) > 0.5, `${word}: confidence ${top(r)?.confidence}`);
        assert.equal(r.outcome?.interpretations[0]?.grammar, 'builtin:grammar/boolean');
        assert.deepEqual(r.events.slice(0, 3), ['start:speech', 'speech:on:none', 'speech:off:complete']);
      }
    });
  }

  it('builtin:grammar/digits: "one two three" (length=3) and "four"', async () => {
    const r = await recognizeAudio(
      sphinx,
      [builtin('builtin:grammar/digits?length=3')],
      espeakPcm('one two three', 8000),
    );
    assert.equal(top(r)?.instance, '123');
    assert.ok((top(r)?.confidence ?? 0) > 0.9);
    const f = await recognizeAudio(sphinx, [builtin('builtin:grammar/digits')], espeakPcm('four', 8000));
    assert.equal(top(f)?.instance, '4');
  });

  it('N-best: alternatives with confidences that sum to at most 1, best first', async () => {
    const r = await recognizeAudio(sphinx, [builtin('builtin:grammar/digits')], espeakPcm('four', 8000));
    const list = r.outcome?.interpretations ?? [];
    assert.ok(list.length >= 2, 'more than one interpretation');
    const confs = list.map((i) => i.confidence ?? 0);
    assert.deepEqual(
      [...confs].sort((a, b) => b - a),
      confs,
    );
    assert.ok(confs.reduce((a, b) => a + b, 0) <= 1.001);
    assert.deepEqual(
      posteriors(
        [
          { words: ['a'], score: -100 },
          { words: ['a'], score: -300 },
          { words: ['b'], score: -100 - 200 * Math.log(3) },
        ],
        1 / 200,
      ).map((p) => [p.words[0], Math.round(p.p * 1000) / 1000]),
      [
        ['a', 0.75],
        ['b', 0.25],
      ],
      'duplicates merged, softmax of scaled scores',
    );
  });

  it('SRGS XML and ABNF grammars: instances from their tags', async () => {
    const x = await recognizeAudio(
      sphinx,
      [inline('application/srgs+xml', COLORS_XML)],
      espeakPcm('green', 8000),
    );
    assert.equal(top(x)?.instance, 'GREEN');
    assert.equal(x.outcome?.interpretations[0]?.grammar, 'session:g1');
    const a = await recognizeAudio(
      sphinx,
      [inline('application/srgs', COLORS_ABNF, 'session:c')],
      espeakPcm('red', 8000),
    );
    assert.equal(top(a)?.instance, 'RED');
    assert.equal(a.outcome?.interpretations[0]?.input, 'red');
  });

  it('out-of-grammar speech and noise end in no match', async () => {
    const oog = await recognizeAudio(sphinx, [BOOL], espeakPcm('purple elephants dance', 8000));
    assert.equal(oog.outcome?.match, 'none');
    assert.deepEqual(oog.outcome?.interpretations, []);
    const noise = new Int16Array(8000);
    let seed = 7;
    for (let i = 0; i < noise.length; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      noise[i] = (seed % 12000) - 6000;
    }
    const n = await recognizeAudio(sphinx, [BOOL], noise);
    assert.equal(n.outcome?.match, 'none');
    assert.equal(n.outcome?.input, '');
  });

  it('silence only: no START-OF-INPUT, and finish gives no match at once', async () => {
    const r = await recognizeAudio(sphinx, [BOOL], new Int16Array(8000));
    assert.deepEqual(r.events, []);
    assert.equal(r.outcome?.match, 'none');
  });

  it('INTERPRET matches text against speech grammars', async () => {
    const o = await sphinx.interpret!({
      channelId: 'T@speechrecog',
      requestId: 3,
      sampleRate: 8000,
      language: 'en-US',
      params: [],
      vendor: [],
      grammars: [inline('application/srgs+xml', COLORS_XML)],
      text: 'The blue, please',
    });
    assert.equal(o.match, 'complete');
    assert.equal(o.interpretations[0]?.instance, 'BLUE');
  });

  it('hostile grammars fail with grammar-compilation-failure before any process starts', async () => {
    const before = sphinx.stats.processes;
    const items = Array.from({ length: 100_000 }, () => 'yes').join(' | ');
    for (const g of [
      inline('application/srgs', `#ABNF 1.0;\nroot $r;\n$r = ${items};`),
      inline('application/srgs+xml', '<grammar root="r"><rule id="r">go<ruleref uri="#r"/></rule></grammar>'),
    ])
      await assert.rejects(recognizeAudio(sphinx, [g], new Int16Array(160)), (e: unknown) => {
        assert.ok(e instanceof EngineError);
        assert.equal(e.completionCause, 'grammar-compilation-failure');
        return true;
      });
    assert.equal(sphinx.stats.processes, before);
  });

  it('routing: speech grammars in an unsupported language fail with language-unsupported; DTMF goes on', async () => {
    const rec = await builtinRecognizer();
    for (const language of ['fr-FR', 'cmn'])
      await assert.rejects(
        recognizeAudio(rec, [BOOL], new Int16Array(160), { language }),
        (e: unknown) => e instanceof EngineError && e.completionCause === 'language-unsupported',
      );
    const task = await rec.recognize(
      {
        channelId: 'T@speechrecog',
        requestId: 1,
        sampleRate: 8000,
        language: 'fr-FR',
        params: [],
        vendor: [],
        grammars: [builtin('builtin:dtmf/boolean')],
        hotword: false,
      },
      { startOfInput() {}, dtmfState() {}, speechState() {}, result() {}, fail() {} },
    );
    task.cancel();
  });

  it('routing: speech and DTMF grammars together; the first key takes over from speech', async () => {
    const rec = await builtinRecognizer();
    const events: string[] = [];
    let outcome: unknown;
    const task = await rec.recognize(
      {
        channelId: 'T@speechrecog',
        requestId: 1,
        sampleRate: 8000,
        language: 'en-US',
        params: [],
        vendor: [],
        grammars: [BOOL, builtin('builtin:dtmf/boolean')],
        hotword: false,
      },
      {
        startOfInput: (m) => void events.push(`start:${m}`),
        dtmfState: (s) => void events.push(`dtmf:${s}`),
        speechState: (s) => void events.push(`speech:${s}`),
        result: (o) => void (outcome = o),
        fail: (c) => void events.push(`fail:${c}`),
      },
    );
    const yes = espeakPcm('yes', 8000);
    for (let i = 0; i + 160 <= 4000; i += 160) task.audio(yes.slice(i, i + 160));
    task.dtmf('2');
    task.finish();
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(events.slice(-2), ['start:dtmf', 'dtmf:final']);
    assert.equal((outcome as { mode: string }).mode, 'dtmf');
    assert.equal(
      (outcome as { interpretations: { instance: string }[] }).interpretations[0]?.instance,
      'false',
    );
  });

  it('without PocketSphinx: one start-up error, speech grammars get language-unsupported, DTMF works', async () => {
    const lines: string[] = [];
    const logger: MrcpLogger = {
      debug() {},
      info() {},
      warn() {},
      error: (m) => void lines.push(m),
    };
    const rec = await builtinRecognizer({
      pocketsphinx: { sphinxPath: '/nonexistent/pocketsphinx_batch' },
      logger,
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /pocketsphinx unavailable.*not found/);
    await assert.rejects(
      recognizeAudio(rec, [BOOL], new Int16Array(160)),
      (e: unknown) => e instanceof EngineError && e.completionCause === 'language-unsupported',
    );
    const keys: string[] = [];
    const task = await rec.recognize(
      {
        channelId: 'T@speechrecog',
        requestId: 1,
        sampleRate: 8000,
        language: 'en-US',
        params: [],
        vendor: [],
        grammars: [builtin('builtin:dtmf/digits?length=2')],
        hotword: false,
      },
      { startOfInput() {}, dtmfState: (s) => void keys.push(s), speechState() {}, result() {}, fail() {} },
    );
    task.dtmf('4');
    task.dtmf('2');
    assert.deepEqual(keys, ['partial', 'final']);
    task.cancel();
  });

  it('a crashing decoder fails only its request with recognizer-error', async () => {
    const crash = createSphinxRecognizer({ sphinxPath: fixtures + 'fake-sphinx.sh' });
    const r = await recognizeAudio(crash, [BOOL], espeakPcm('yes', 8000));
    assert.equal(r.fail?.cause, 'recognizer-error');
    assert.match(r.fail?.reason ?? '', /exited with code 139|SIGSEGV/);
    assert.equal(crash.stats.running, 0);
    const ok = await recognizeAudio(sphinx, [BOOL], espeakPcm('yes', 8000));
    assert.equal(top(ok)?.instance, 'true');
  });

  it('cancel kills the decoder, frees its slot and removes its files; the slot count is bounded', async () => {
    const root = await mkdtemp(join(tmpdir(), 'vg-sphinx-test-'));
    const one = createSphinxRecognizer({ maxProcesses: 1, queueWaitMs: 300, tmpRoot: root });
    const job = {
      channelId: 'T@speechrecog',
      requestId: 1,
      sampleRate: 8000,
      language: 'en-US',
      params: [],
      vendor: [],
      grammars: [BOOL],
      hotword: false,
    };
    const l = { startOfInput() {}, dtmfState() {}, speechState() {}, result() {}, fail() {} };
    const task = await one.recognize(job, l);
    assert.equal(one.stats.running, 1);
    assert.equal((await readdir(root)).length, 1);
    await assert.rejects(one.recognize({ ...job, requestId: 2 }, l), (e: unknown) => {
      assert.ok(e instanceof EngineError);
      assert.equal(e.completionCause, 'recognizer-error');
      assert.match(e.message, /no PocketSphinx slot free/);
      return true;
    });
    task.cancel();
    assert.equal(one.stats.running, 0);
    for (let i = 0; i < 50 && (await readdir(root)).length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(await readdir(root), []);
  });
});
