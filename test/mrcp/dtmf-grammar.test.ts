import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  compileAbnfDtmf,
  compileBuiltinDtmf,
  compileSrgsXmlDtmf,
  GrammarCompileError,
} from '../../src/mrcp/index.js';

const bodies = fileURLToPath(new URL('../../../test/fixtures/mrcp/bodies/', import.meta.url));

describe('DTMF grammars', () => {
  it('builtin:dtmf/digits with length, minlength/maxlength, and boolean', () => {
    const four = compileBuiltinDtmf('builtin:dtmf/digits?length=4')!;
    assert.deepEqual(
      ['', '1', '123', '1234', '12345', '12a', '1#'].map((k) => four.state(k)),
      ['partial', 'partial', 'partial', 'final', 'none', 'none', 'none'],
    );
    const range = compileBuiltinDtmf('builtin:dtmf/digits?minlength=2;maxlength=3')!;
    assert.deepEqual(
      ['1', '12', '123', '1234'].map((k) => range.state(k)),
      ['partial', 'complete', 'final', 'none'],
    );
    const any = compileBuiltinDtmf('builtin:dtmf/digits')!;
    assert.equal(any.state('9876543210'), 'complete');
    const yn = compileBuiltinDtmf('builtin:dtmf/boolean')!;
    assert.deepEqual(
      [yn.state('1'), yn.instanceOf('1'), yn.instanceOf('2'), yn.state('3')],
      ['final', 'true', 'false', 'none'],
    );
    assert.equal(compileBuiltinDtmf('builtin:grammar/boolean'), undefined);
    assert.throws(() => compileBuiltinDtmf('builtin:dtmf/digits?length=x'), GrammarCompileError);
  });

  it('SRGS XML in DTMF mode (corpus pin grammar), voice mode left to speech', () => {
    const pin = compileSrgsXmlDtmf('session:pin', readFileSync(bodies + 'pin.dtmf.grxml', 'utf8'))!;
    assert.deepEqual(
      ['12', '1234', '1234#', '12345'].map((k) => pin.state(k)),
      ['partial', 'complete', 'final', 'none'],
    );
    assert.equal(compileSrgsXmlDtmf('g', readFileSync(bodies + 'booking.grxml', 'utf8')), undefined);
    assert.throws(
      () =>
        compileSrgsXmlDtmf(
          'g',
          '<grammar mode="dtmf" root="a"><rule id="a"><ruleref uri="#b"/></rule></grammar>',
        ),
      /undefined rule b/,
    );
    assert.throws(
      () =>
        compileSrgsXmlDtmf(
          'g',
          '<grammar mode="dtmf" root="a"><rule id="a">1 <ruleref uri="http://x/y"/></rule></grammar>',
        ),
      /external rule/,
    );
  });

  it('SRGS ABNF in DTMF mode: alternatives, groups, optionals, repeats, rule references, comments', () => {
    const menu = compileAbnfDtmf('m', readFileSync(bodies + 'menu.dtmf.abnf', 'utf8'))!;
    assert.deepEqual(
      ['1', '9', '99', '4'].map((k) => menu.state(k)),
      ['final', 'partial', 'final', 'none'],
    );
    const g = compileAbnfDtmf(
      'g',
      '#ABNF 1.0 UTF-8;\nmode dtmf;\nroot $acct;\n// account then optional pound\n$d = 0|1|2|3|4|5|6|7|8|9;\npublic $acct = * $d <2-3> [#] {out=1};\n',
    )!;
    assert.deepEqual(
      ['*', '*1', '*12', '*123', '*12#', '*123#', '12'].map((k) => g.state(k)),
      ['partial', 'partial', 'complete', 'complete', 'final', 'final', 'none'],
    );
    assert.equal(compileAbnfDtmf('v', readFileSync(bodies + 'yesno.abnf', 'utf8')), undefined);
    assert.throws(() => compileAbnfDtmf('x', 'mode dtmf; $a = 1;'), /#ABNF 1\.0/);
    assert.throws(() => compileAbnfDtmf('x', '#ABNF 1.0;\nmode dtmf;\n$a = 1 (2;\n'), GrammarCompileError);
    assert.throws(() => compileAbnfDtmf('x', '#ABNF 1.0;\nmode dtmf;\n$a = hello;\n'), /not a DTMF key/);
  });
});
