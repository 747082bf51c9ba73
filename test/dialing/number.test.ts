import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expandDigits,
  formatNumber,
  parseDigits,
  parsePrivacyNumber,
  type NumberErrorCode,
  type NumberFormat,
  type NumberParseOptions,
  type StructuredNumber,
} from '../../src/dialing/index.js';

type Valid = [
  input: string | StructuredNumber,
  national: string,
  extension: string | undefined,
  kind?: 'landline',
  terminator?: true,
];
type Invalid = [input: string | StructuredNumber, code: NumberErrorCode, opts?: NumberParseOptions];

const valid: Valid[] = [
  // The separators of the spec.
  ['17012345678-1234', '17012345678', '1234'],
  ['17012345678－1234', '17012345678', '1234'],
  ['17012345678_1234', '17012345678', '1234'],
  ['17012345678,1234', '17012345678', '1234'],
  ['17012345678，1234', '17012345678', '1234'],
  ['17012345678#1234', '17012345678', '1234'],
  ['17012345678*1234', '17012345678', '1234'],
  ['17012345678转1234', '17012345678', '1234'],
  ['17012345678轉1234', '17012345678', '1234'],
  ['17012345678分机1234', '17012345678', '1234'],
  ['17012345678分機1234', '17012345678', '1234'],
  ['17012345678分机号1234', '17012345678', '1234'],
  ['17012345678 ext 1234', '17012345678', '1234'],
  ['17012345678ext1234', '17012345678', '1234'],
  ['17012345678 Ext. 1234', '17012345678', '1234'],
  ['17012345678 extension 1234', '17012345678', '1234'],
  ['17012345678x1234', '17012345678', '1234'],
  ['17012345678X1234', '17012345678', '1234'],
  ['tel:+8617012345678;ext=1234', '17012345678', '1234'],
  // Other dashes and full-width forms.
  ['17012345678—1234', '17012345678', '1234'],
  ['17012345678–1234', '17012345678', '1234'],
  ['１７０１２３４５６７８－１２３４', '17012345678', '1234'],
  ['１７０１２３４５６７８＃１２３４＃', '17012345678', '1234', undefined, true],
  ['１７０１２３４５６７８　转　１２３４', '17012345678', '1234'],
  // Country code, spaces and grouping.
  ['+86 17012345678-1234', '17012345678', '1234'],
  ['+8617012345678转1234', '17012345678', '1234'],
  ['＋８６ １７０ １２３４ ５６７８ 转 １２３４', '17012345678', '1234'],
  ['8617012345678-1234', '17012345678', '1234'],
  ['008617012345678,1234', '17012345678', '1234'],
  ['+86-170-1234-5678-1234', '17012345678', '1234'],
  ['170 1234 5678 转 1234', '17012345678', '1234'],
  ['17012345678 1234', '17012345678', '1234'],
  ['  17012345678-1234  ', '17012345678', '1234'],
  // Trailing '#'.
  ['17012345678-1234#', '17012345678', '1234', undefined, true],
  ['17012345678#1234#', '17012345678', '1234', undefined, true],
  ['17012345678转1234 #', '17012345678', '1234', undefined, true],
  // Extensions of 1-4 digits.
  ['17012345678-1', '17012345678', '1'],
  ['17012345678-12', '17012345678', '12'],
  ['17012345678-123', '17012345678', '123'],
  ['13800138000转0001', '13800138000', '0001'],
  ['19912345678-9999', '19912345678', '9999'],
  // Landline X.
  ['01012345678-1234', '01012345678', '1234', 'landline'],
  ['010-12345678-1234', '01012345678', '1234', 'landline'],
  ['(010) 1234-5678 ext 123', '01012345678', '123', 'landline'],
  ['0755-1234567转88', '07551234567', '88', 'landline'],
  ['075512345678转5', '075512345678', '5', 'landline'],
  ['+86 10 12345678-1234', '01012345678', '1234', 'landline'],
  ['+86 (0)10 1234 5678 转 1234', '01012345678', '1234', 'landline'],
  ['861012345678,1234', '01012345678', '1234', 'landline'],
  // Hyphens group digits when the whole is a valid X: write the extension with 转/ext/#/, here.
  ['0101234567-12', '010123456712', undefined, 'landline'],
  ['0101234567转12', '0101234567', '12', 'landline'],
  ['17012345678--1234', '17012345678', '1234'],
  // Plain numbers (no extension).
  ['17012345678', '17012345678', undefined],
  ['+8613800138000', '13800138000', undefined],
  ['170-1234-5678', '17012345678', undefined],
  ['010-12345678', '01012345678', undefined, 'landline'],
  ['17012345678#', '17012345678', undefined, undefined, true],
  ['17012345678-', '17012345678', undefined],
  // Structured.
  [{ number: '17012345678', extension: '1234' }, '17012345678', '1234'],
  [{ number: '+86 170 1234 5678', extension: '１２３４' }, '17012345678', '1234'],
  [{ number: '17012345678-1234', extension: '1234' }, '17012345678', '1234'],
  [{ number: '17012345678' }, '17012345678', undefined],
  [{ number: '17012345678', extension: '' }, '17012345678', undefined],
];

const invalid: Invalid[] = [
  ['', 'empty'],
  ['   ', 'empty'],
  ['1'.repeat(65), 'too_long'],
  ['170****5678', 'masked_number'],
  ['170****5678-1234', 'masked_number'],
  ['170xxxx5678转1234', 'masked_number'],
  ['170●●●●5678', 'masked_number'],
  ['１７０＊＊＊＊５６７８', 'masked_number'],
  ['17012345678-****', 'masked_extension'],
  ['17012345678转12??', 'masked_extension'],
  ['+1 4155550100', 'foreign_country_code'],
  ['+44 20 7946 0958-12', 'foreign_country_code'],
  ['0044 2079460958', 'international_prefix'],
  ['1701234567-1234', 'number_too_short'],
  ['170123456789-1234', 'number_too_long'],
  ['12012345678-1234', 'invalid_mobile'],
  ['10086-1234', 'number_too_short'],
  ['4008208820-1234', 'invalid_prefix'],
  ['95588', 'invalid_prefix'],
  ['010123-12', 'number_too_short'],
  ['0101234567890-1', 'number_too_long'],
  ['17012345678转-1234', 'extension_not_digits'],
  ['17012345678转', 'extension_empty'],
  ['17012345678-12345', 'extension_too_long'],
  ['17012345678转12a4', 'extension_not_digits'],
  ['17012345678转1234转5', 'multiple_extensions'],
  ['17012345678#1234*5', 'multiple_extensions'],
  ['转1234', 'missing_number'],
  ['abc', 'invalid_character'],
  ['17012345678 + 1234', 'invalid_character'],
  ['1701234567８a', 'invalid_character'],
  ['17012345678-1234', 'extension_too_short', { extensionMin: 5, extensionMax: 6 }],
  ['17012345678-12', 'extension_too_short', { extensionMin: 4 }],
  ['17012345678-123456', 'extension_too_long', { extensionMax: 5 }],
  ['17012345678', 'extension_required', { requireExtension: true }],
  [{ number: '17012345678-1234', extension: '5678' }, 'conflicting_extension'],
  [{ number: '17012345678', extension: '12ab' }, 'extension_not_digits'],
  [{ number: '170****5678', extension: '1234' }, 'masked_number'],
];

describe('privacy-number parsing', () => {
  it(`has a table of at least 60 cases (${valid.length + invalid.length})`, () => {
    assert.ok(valid.length + invalid.length >= 60);
  });

  for (const [input, national, extension, kind, terminator] of valid) {
    it(`accepts ${JSON.stringify(input)}`, () => {
      const r = parsePrivacyNumber(input);
      assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
      assert.equal(r.value.national, national);
      assert.equal(r.value.extension, extension);
      assert.equal(r.value.kind, kind ?? 'mobile');
      assert.equal(r.value.terminator, terminator ?? false);
    });
  }

  for (const [input, code, opts] of invalid) {
    it(`rejects ${JSON.stringify(input).slice(0, 40)} with ${code}`, () => {
      const r = parsePrivacyNumber(input, opts);
      assert.equal(r.ok, false, JSON.stringify(r));
      if (!r.ok) {
        assert.equal(r.error.code, code, r.error.message);
        assert.ok(r.error.message.length > 10);
      }
    });
  }

  it('error messages name what is wrong', () => {
    const m = (s: string) => {
      const r = parsePrivacyNumber(s);
      return r.ok ? '' : r.error.message;
    };
    assert.match(m('170****5678'), /masked.*\*\*\*\*/);
    assert.match(m('1701234567-1234'), /1701234567 has 10 digits, needs 11/);
    assert.match(m('17012345678-12345'), /12345 has 5 digits, at most 4/);
    assert.match(m('17012345678转1a'), /"1a" must be digits only/);
    assert.match(m('abc'), /unexpected character "a"/);
  });

  it('extension length is configurable per platform (1-8)', () => {
    const r = parsePrivacyNumber('17012345678-123456', { extensionMin: 6, extensionMax: 6 });
    assert.ok(r.ok);
    assert.equal(r.value.extension, '123456');
    const capped = parsePrivacyNumber('17012345678-123456789', { extensionMax: 20 });
    assert.equal(capped.ok ? '' : capped.error.code, 'extension_too_long');
  });

  it('never throws on hostile input', () => {
    for (const s of [
      '\u0000',
      '\uffff'.repeat(64),
      '+',
      '++86',
      '8',
      '#',
      '##',
      '*',
      'x',
      '转',
      '-',
      ' - ',
      '+86',
      '0086',
    ]) {
      const r = parsePrivacyNumber(s);
      assert.equal(r.ok, false, s);
    }
    const weird = parsePrivacyNumber({ number: 5 as unknown as string });
    assert.equal(weird.ok ? '' : weird.error.code, 'missing_number');
  });
});

describe('number formatting per trunk', () => {
  const mobile = { kind: 'mobile' as const, national: '17012345678' };
  const land = { kind: 'landline' as const, national: '01012345678' };
  const cases: [NumberFormat, string, string][] = [
    [{ style: 'e164' }, '+8617012345678', '+861012345678'],
    [{ style: 'e164-digits' }, '8617012345678', '861012345678'],
    [{ style: 'international' }, '008617012345678', '00861012345678'],
    [{ style: 'national' }, '17012345678', '01012345678'],
    [{ style: 'national', landlineZero: 'strip' }, '17012345678', '1012345678'],
    [{ style: 'national', mobileZero: true }, '017012345678', '01012345678'],
    [{ style: 'national', prefix: '9' }, '917012345678', '901012345678'],
    [{ style: 'e164', prefix: '9' }, '+8617012345678', '+861012345678'],
  ];
  for (const [f, m, l] of cases) {
    it(`${JSON.stringify(f)}: ${m} / ${l}`, () => {
      assert.equal(formatNumber(mobile, f), m);
      assert.equal(formatNumber(land, f), l);
    });
  }
});

describe('digit strings', () => {
  it('splits digits and w/W pauses, adding adjacent pauses', () => {
    const r = parseDigits('ww1234#W*a');
    assert.ok(r.ok);
    assert.deepEqual(r.value, [
      { kind: 'pause', ms: 1000 },
      { kind: 'digits', digits: '1234#' },
      { kind: 'pause', ms: 1000 },
      { kind: 'digits', digits: '*A' },
    ]);
  });

  it('rejects empty, overlong and non-DTMF strings', () => {
    const code = (s: string) => {
      const r = parseDigits(s);
      return r.ok ? 'ok' : r.error.code;
    };
    assert.equal(code(''), 'digits_empty');
    assert.equal(code('1'.repeat(65)), 'digits_too_long');
    assert.equal(code('12e4'), 'digits_invalid');
    assert.equal(code('1,2'), 'digits_invalid');
  });

  it('expands {ext} and checks templates', () => {
    assert.deepEqual(expandDigits('w{ext}#', '1234'), { ok: true, value: 'w1234#' });
    assert.deepEqual(expandDigits('1', undefined), { ok: true, value: '1' });
    const bad = expandDigits('{extension}', '1');
    assert.equal(bad.ok ? '' : bad.error.code, 'template_invalid');
    const none = expandDigits('{ext}', undefined);
    assert.equal(none.ok ? '' : none.error.code, 'template_invalid');
  });
});
