import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  GrammarError,
  grammarKind,
  PronunciationDict,
  readSpeechGrammar,
  SpeechGrammarCompiler,
  WordMatcher,
} from '../../../../src/mrcp/index.js';
import { builtin, inline } from './speech-helpers.js';

const fixtures = fileURLToPath(new URL('../../../../../test/fixtures/speech/', import.meta.url));
const COLORS_XML = readFileSync(fixtures + 'colors.grxml', 'utf8');
const COLORS_ABNF = readFileSync(fixtures + 'colors.abnf', 'utf8');
const dict = new PronunciationDict('/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict');
const XML = 'application/srgs+xml';
const ABNF = 'application/srgs';

async function fails(g: ReturnType<typeof inline>, cause: string, message: RegExp): Promise<void> {
  const c = new SpeechGrammarCompiler(dict);
  await assert.rejects(c.request([g]), (err: unknown) => {
    assert.ok(err instanceof GrammarError, String(err));
    assert.equal(err.completionCause, cause);
    assert.match(err.message, message);
    return true;
  });
}

describe('speech grammars: SRGS XML / ABNF / builtins → JSGF and exact word matching', () => {
  it('classifies grammars as DTMF or speech', () => {
    assert.equal(grammarKind(builtin('builtin:dtmf/digits?length=4')), 'dtmf');
    assert.equal(grammarKind(builtin('builtin:grammar/boolean')), 'speech');
    assert.equal(grammarKind(inline(XML, '<grammar mode="dtmf" root="r"/>')), 'dtmf');
    assert.equal(grammarKind(inline(XML, COLORS_XML)), 'speech');
    assert.equal(grammarKind(inline(ABNF, '#ABNF 1.0;\nmode dtmf;\n$r = 1;')), 'dtmf');
    assert.equal(grammarKind(inline(ABNF, COLORS_ABNF)), 'speech');
  });

  for (const [form, type, text] of [
    ['XML', XML, COLORS_XML],
    ['ABNF', ABNF, COLORS_ABNF],
  ] as const) {
    it(`SRGS ${form}: rules, optional items, alternatives and rule references; tags give the instance`, () => {
      const m = new WordMatcher(readSpeechGrammar(inline(type, text)));
      const inst = (ws: string[]) => {
        const tags = m.match(ws);
        return tags && m.instance(ws, tags);
      };
      assert.equal(inst(['red']), 'RED');
      assert.equal(inst(['the', 'green', 'please']), 'GREEN');
      assert.equal(inst(['blue', 'please']), 'BLUE');
      assert.equal(inst(['the']), undefined);
      assert.equal(inst(['red', 'blue']), undefined);
      assert.equal(inst(['please', 'red']), undefined);
    });
  }

  it('compiles grammars to one JSGF with weights, a noise path and a small dictionary', async () => {
    const c = new SpeechGrammarCompiler(dict);
    const r = await c.request([inline(XML, COLORS_XML), builtin('builtin:grammar/digits?length=3', 2)]);
    assert.match(r.jsgf, /^#JSGF V1\.0;\ngrammar voicegate;\n/);
    assert.match(r.jsgf, /public <vg_root> = \/1\/ <g0_r0> \| \/2\/ <g1_r0> \| \/0\.5\/ <vg_noise>;/);
    assert.match(
      r.jsgf,
      /<g0_r0> = \( \( \[ the \] \) \( \( red \) \| \( green \) \| \( blue \) \) <g0_r1> \);/,
    );
    assert.match(r.jsgf, /<g1_r0> = \( <vg_s0> <vg_s0> <vg_s0> \);/);
    assert.ok(r.dict.includes('red R EH D\n') && r.dict.includes('one(2) HH W AH N\n'));
    assert.ok(r.dict.startsWith('_spn_ +SPN+\n_nsn_ +NSN+\n'));
    assert.equal(r.dict.split('\n').length < 40, true, 'only the grammar words');
  });

  it('weighted alternatives and large repeats: the JSGF is looser, the matcher exact', async () => {
    const text = '#ABNF 1.0;\nroot $r;\n$r = /0.2/ yes | /0.8/ no; $d = one<3-30>;';
    const c = new SpeechGrammarCompiler(dict);
    const r = await c.request([inline(ABNF, text)]);
    assert.match(r.jsgf, /\( \/0\.2\/ yes \| \/0\.8\/ no \)/);
    const d = new WordMatcher({ ...readSpeechGrammar(inline(ABNF, text)), root: 'd' });
    assert.equal(d.match(['one', 'one']), undefined);
    assert.deepEqual(d.match(Array(30).fill('one')), []);
    assert.equal(d.match(Array(31).fill('one')), undefined);
  });

  it('builtin:grammar/boolean and builtin:grammar/digits (length, minlength, maxlength)', () => {
    const b = new WordMatcher(readSpeechGrammar(builtin('builtin:grammar/boolean')));
    assert.equal(b.instance(['yes'], b.match(['yes']) ?? []), 'true');
    assert.equal(b.instance(['nope'], b.match(['nope']) ?? []), 'false');
    assert.equal(b.match(['maybe']), undefined);
    const d = new WordMatcher(readSpeechGrammar(builtin('builtin:grammar/digits?minlength=2;maxlength=3')));
    assert.equal(d.match(['one']), undefined);
    assert.equal(d.instance(['nine', 'one', 'one'], d.match(['nine', 'one', 'one']) ?? []), '911');
    assert.equal(d.match(['one', 'two', 'three', 'four']), undefined);
    const four = new WordMatcher(readSpeechGrammar(builtin('builtin:grammar/digits?length=4')));
    assert.ok(four.match(['one', 'two', 'three', 'four']));
    assert.equal(four.match(['one', 'two', 'three']), undefined);
  });

  it('SISR literals: out="x", out.field="v" and bare literals', () => {
    const text =
      '<grammar root="r" xmlns="http://www.w3.org/2001/06/grammar"><rule id="r"><one-of>' +
      '<item>pizza<tag>out.food="pizza"; out.size=\'large\';</tag></item>' +
      '<item>soup<tag>SOUP</tag></item></one-of></rule></grammar>';
    const m = new WordMatcher(readSpeechGrammar(inline(XML, text)));
    assert.deepEqual(m.instance(['pizza'], m.match(['pizza']) ?? []), { food: 'pizza', size: 'large' });
    assert.equal(m.instance(['soup'], m.match(['soup']) ?? []), 'SOUP');
  });

  it('GARBAGE and NULL/VOID special rules', () => {
    const g = '#ABNF 1.0;\nroot $r;\n$r = $GARBAGE yes $NULL; $v = $VOID;';
    const m = new WordMatcher(readSpeechGrammar(inline(ABNF, g)));
    assert.ok(m.match(['_spn_', '_spn_', 'yes']));
    assert.ok(m.match(['yes']));
    const v = new WordMatcher({ ...readSpeechGrammar(inline(ABNF, g)), root: 'v' });
    assert.equal(v.match([]), undefined);
  });

  it('a rule recursion is a compilation failure', async () => {
    await fails(
      inline(XML, '<grammar root="r"><rule id="r"><item>a</item><ruleref uri="#r"/></rule></grammar>'),
      'grammar-compilation-failure',
      /recursive rule r/,
    );
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $a;\n$a = go $b; $b = [$a];'),
      'grammar-compilation-failure',
      /recursive/,
    );
  });

  it('100,000 items, deep nesting and repeat blow-up are compilation failures, quickly', async () => {
    const items = Array.from({ length: 100_000 }, () => 'a').join('|');
    const t0 = performance.now();
    await fails(
      inline(ABNF, `#ABNF 1.0;\nroot $r;\n$r = ${items};`),
      'grammar-compilation-failure',
      /more than 20000 items/,
    );
    const xml =
      '<grammar root="r"><rule id="r"><one-of>' +
      '<item>yes</item>'.repeat(100_000) +
      '</one-of></rule></grammar>';
    await fails(inline(XML, xml), 'grammar-compilation-failure', /larger than/);
    const xml2 =
      '<grammar root="r"><rule id="r"><one-of>' +
      '<item>a</item>'.repeat(15_000) +
      '</one-of></rule></grammar>';
    await fails(inline(XML, xml2), 'grammar-compilation-failure', /more than 20000/);
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $r;\n$r = ' + '('.repeat(5000) + 'yes' + ')'.repeat(5000) + ';'),
      'grammar-compilation-failure',
      /nested deeper/,
    );
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $a;\n$a = $b<100>; $b = $c<100>; $c = $d<100>; $d = yes<100>;'),
      'grammar-compilation-failure',
      /states/,
    );
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $a;\n$a = yes<5000>;'),
      'grammar-compilation-failure',
      /out of range/,
    );
    assert.ok(performance.now() - t0 < 10_000);
  });

  it('undefined rules, external references, unknown words and bad syntax fail to compile', async () => {
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $a;\n$a = $nothere;'),
      'grammar-compilation-failure',
      /undefined rule/,
    );
    await fails(
      inline(
        XML,
        '<grammar root="r"><rule id="r"><ruleref uri="http://x.invalid/g.grxml#r"/></rule></grammar>',
      ),
      'grammar-compilation-failure',
      /external rule reference/,
    );
    await fails(
      inline(ABNF, '#ABNF 1.0;\nroot $a;\n$a = yes | qzxvbnm;'),
      'grammar-compilation-failure',
      /no pronunciation for qzxvbnm/,
    );
    await fails(inline(ABNF, 'root $a; $a = yes;'), 'grammar-compilation-failure', /#ABNF/);
    await fails(inline(XML, '<grammar root="r"><rule id="r">yes'), 'grammar-compilation-failure', /./);
    await fails(
      inline(XML, '<!DOCTYPE g [<!ENTITY a "yes">]><grammar root="r"><rule id="r">&a;</rule></grammar>'),
      'grammar-compilation-failure',
      /DOCTYPE/i,
    );
    await fails(
      inline('application/x-jsgf', '#JSGF V1.0;'),
      'grammar-compilation-failure',
      /unsupported grammar type/,
    );
  });

  it('unknown builtins fail to load; URIs are not fetched', async () => {
    await fails(builtin('builtin:grammar/shoesize'), 'grammar-load-failure', /unknown builtin/);
    await fails(
      { ref: 'http://x.invalid/g.grxml', contentType: 'uri', weight: 1 },
      'uri-failure',
      /cannot fetch/,
    );
  });
});
