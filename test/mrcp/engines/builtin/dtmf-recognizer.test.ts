import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createDtmfRecognizer,
  createRoutingRecognizer,
  parseNlsml,
  type RecognizerEngine,
} from '../../../../src/mrcp/index.js';
import { bodyText, briefs, flush, harness, headerValue } from '../../helpers.js';

type H = ReturnType<typeof harness>;

function dtmfOnly(): RecognizerEngine {
  return createRoutingRecognizer({
    routes: [{ languages: ['*'], grammarTypes: ['dtmf'], engine: createDtmfRecognizer() }],
  });
}

function h(): H {
  return harness([dtmfOnly()], ['speechrecog']);
}

async function recognize(
  x: H,
  body: string,
  headers: [string, string][] = [],
  type = 'text/uri-list',
): Promise<number> {
  const id = x.send('speechrecog', 'RECOGNIZE', [['Content-Type', type], ...headers], body);
  await flush();
  return id;
}

async function keys(x: H, digits: string): Promise<void> {
  for (const d of digits) {
    x.session.channel('speechrecog')!.pushDtmf(d);
    x.clock.advance(100);
  }
  await flush();
}

function result(x: H): { cause: string; nlsml: ReturnType<typeof parseNlsml> } {
  const m = x.take().find((e) => e.kind === 'event' && e.event === 'RECOGNITION-COMPLETE');
  assert.ok(m, 'RECOGNITION-COMPLETE sent');
  return { cause: headerValue(m.headers, 'Completion-Cause') ?? '', nlsml: parseNlsml(bodyText(m)) };
}

const PIN_XML = `<?xml version="1.0"?>
<grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" mode="dtmf" root="pin">
  <rule id="pin"><item repeat="4"><ruleref uri="#d"/></item></rule>
  <rule id="d"><one-of><item>0</item><item>1</item><item>2</item><item>3</item><item>4</item>
    <item>5</item><item>6</item><item>7</item><item>8</item><item>9</item></one-of></rule>
</grammar>`;
const MENU_ABNF = '#ABNF 1.0;\nmode dtmf;\nroot $menu;\n$menu = 1 | 2 | 3 | 9 9;';

describe('built-in DTMF recognizer through the recognizer machine (fake time)', () => {
  it('builtin:dtmf/digits?length=4: exact match ends at the 4th key; NLSML mode="dtmf"', async () => {
    const x = h();
    await recognize(x, 'builtin:dtmf/digits?length=4\n');
    assert.deepEqual(briefs(x.take()), ['res 1 200 IN-PROGRESS']);
    await keys(x, '1234');
    const r = result(x);
    assert.equal(r.cause, '000 success');
    assert.ok(r.nlsml.ok);
    const i = r.nlsml.ok ? r.nlsml.result.interpretations[0] : undefined;
    assert.equal(i?.instance, '1234');
    assert.equal(i?.mode, 'dtmf');
    assert.equal(i?.input, '1 2 3 4');
    assert.equal(i?.grammar, 'builtin:dtmf/digits?length=4');
  });

  it('minlength/maxlength: the term timeout ends a complete match; interdigit timeout a partial one', async () => {
    const x = h();
    await recognize(x, 'builtin:dtmf/digits?minlength=2;maxlength=4\n', [['DTMF-Term-Timeout', '1500']]);
    x.take();
    await keys(x, '12');
    x.clock.advance(1500);
    await flush();
    assert.equal(result(x).cause, '000 success');
    const y = h();
    await recognize(y, 'builtin:dtmf/digits?minlength=3\n', [['DTMF-Interdigit-Timeout', '2000']]);
    y.take();
    await keys(y, '7');
    y.clock.advance(2000);
    await flush();
    assert.equal(result(y).cause, '013 partial-match');
  });

  it('DTMF-Term-Char ends input; a key that cannot match is no-match', async () => {
    const x = h();
    await recognize(x, 'builtin:dtmf/digits?minlength=1;maxlength=10\n', [
      ['DTMF-Term-Char', '#'],
      ['DTMF-Term-Timeout', '5000'],
    ]);
    x.take();
    await keys(x, '42#');
    const r = result(x);
    assert.equal(r.cause, '000 success');
    assert.equal(r.nlsml.ok && r.nlsml.result.interpretations[0]?.instance, '42');
    const y = h();
    await recognize(y, 'builtin:dtmf/digits?length=3\n');
    y.take();
    await keys(y, '1*');
    assert.equal(result(y).cause, '001 no-match');
  });

  it('builtin:dtmf/boolean: 1 is true, 2 is false', async () => {
    for (const [k, v] of [
      ['1', 'true'],
      ['2', 'false'],
    ]) {
      const x = h();
      await recognize(x, 'builtin:dtmf/boolean\n');
      x.take();
      await keys(x, k as string);
      const r = result(x);
      assert.equal(r.nlsml.ok && r.nlsml.result.interpretations[0]?.instance, v);
    }
  });

  it('SRGS XML DTMF grammar inline: four digits', async () => {
    const x = h();
    await recognize(x, PIN_XML, [], 'application/srgs+xml');
    x.take();
    await keys(x, '9876');
    const r = result(x);
    assert.equal(r.cause, '000 success');
    assert.equal(r.nlsml.ok && r.nlsml.result.interpretations[0]?.instance, '9876');
  });

  it('SRGS ABNF DTMF grammar defined with DEFINE-GRAMMAR and referenced by session: URI', async () => {
    const x = h();
    x.send(
      'speechrecog',
      'DEFINE-GRAMMAR',
      [
        ['Content-Type', 'application/srgs'],
        ['Content-ID', '<menu@x>'],
      ],
      MENU_ABNF,
    );
    await flush();
    assert.deepEqual(briefs(x.take()), ['res 1 200 COMPLETE 000 success']);
    await recognize(x, 'session:menu@x\n', [['DTMF-Term-Timeout', '1000']]);
    x.take();
    await keys(x, '99');
    assert.equal(result(x).cause, '000 success');
    await recognize(x, 'session:menu@x\n');
    x.take();
    await keys(x, '4');
    assert.equal(result(x).cause, '001 no-match');
  });

  it('hostile DTMF grammars: recursion, oversized and deeply nested are compilation failures', async () => {
    const rec = '<grammar mode="dtmf" root="a"><rule id="a">1<ruleref uri="#a"/></rule></grammar>';
    const big = '#ABNF 1.0;\nmode dtmf;\nroot $a;\n$a = ' + Array(60_000).fill('1').join(' | ') + ';';
    const deep =
      '#ABNF 1.0;\nmode dtmf;\nroot $a;\n$a = ' + '('.repeat(20_000) + '1' + ')'.repeat(20_000) + ';';
    for (const [type, g] of [
      ['application/srgs+xml', rec],
      ['application/srgs', big],
      ['application/srgs', deep],
    ] as const) {
      const x = h();
      await recognize(x, g, [], type);
      const [res] = x.take();
      assert.equal(res?.kind === 'response' && res.statusCode, 407);
      assert.equal(headerValue(res!.headers, 'Completion-Cause'), '005 grammar-compilation-failure');
    }
  });

  it('an unknown DTMF builtin fails to load', async () => {
    const x = h();
    await recognize(x, 'builtin:dtmf/shoesize\n');
    const [res] = x.take();
    assert.equal(headerValue(res!.headers, 'Completion-Cause'), '004 grammar-load-failure');
  });

  it('INTERPRET checks keys against DTMF grammars', async () => {
    const x = h();
    x.send(
      'speechrecog',
      'INTERPRET',
      [
        ['Content-Type', 'text/uri-list'],
        ['Interpret-Text', '1 2 3'],
      ],
      'builtin:dtmf/digits?length=3\n',
    );
    await flush();
    const msgs = x.take();
    assert.deepEqual(briefs(msgs), [
      'res 1 200 IN-PROGRESS',
      'evt INTERPRETATION-COMPLETE 1 COMPLETE 000 success',
    ]);
  });
});
