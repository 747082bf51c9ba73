import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildNlsml, isNlsmlContentType, parseNlsml, parseXml } from '../../src/mrcp/index.js';

const bodies = fileURLToPath(new URL('../../../test/fixtures/mrcp/bodies/', import.meta.url));

describe('nlsml', () => {
  it('builds N-best results that parse back to the same interpretations', () => {
    const doc = buildNlsml({
      grammar: 'session:g1',
      interpretations: [
        {
          grammar: 'session:g1',
          confidence: 0.82,
          instance: { action: 'book', city: 'Paris & Lyon' },
          input: 'book Paris',
          mode: 'speech',
        },
        {
          grammar: 'session:g1',
          confidence: 0.4,
          instance: 'cancel',
          input: 'cancel',
          mode: 'speech',
          inputConfidence: 0.5,
        },
      ],
    });
    assert.match(
      doc,
      /^<\?xml version="1\.0"\?>\n<result xmlns="urn:ietf:params:xml:ns:mrcpv2" grammar="session:g1">/,
    );
    assert.match(doc, /<city>Paris &amp; Lyon<\/city>/);
    const r = parseNlsml(doc);
    assert.ok(r.ok);
    assert.equal(r.result.interpretations.length, 2);
    const [a, b] = r.result.interpretations;
    assert.deepEqual(a!.instance, { action: 'book', city: 'Paris & Lyon' });
    assert.equal(a!.confidence, 0.82);
    assert.equal(a!.mode, 'speech');
    assert.equal(a!.input, 'book Paris');
    assert.equal(b!.instance, 'cancel');
    assert.equal(b!.inputConfidence, 0.5);
  });

  it('builds and parses <noinput/> and <nomatch/> with the input mode', () => {
    const ni = parseNlsml(buildNlsml({ interpretations: [], noInput: true }));
    assert.ok(ni.ok && ni.result.noInput && ni.result.interpretations.length === 0);
    const doc = buildNlsml({ interpretations: [], noMatch: true, input: '7 7', mode: 'dtmf' });
    assert.match(doc, /<input mode="dtmf"><nomatch\/>7 7<\/input>/);
    const nm = parseNlsml(doc);
    assert.ok(nm.ok && nm.result.noMatch && nm.result.mode === 'dtmf' && nm.result.input === '7 7');
  });

  it('parses the corpus results, including a DTMF one', () => {
    const r = parseNlsml(readFileSync(bodies + 'result.nlsml', 'utf8'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.result.interpretations.map((i) => [i.grammar, i.confidence, i.instance, i.input]),
      [
        ['session:request1@form-level.store', 0.6, { action: 'book' }, 'I would like to book a flight'],
        ['session:request1@form-level.store', 0.4, { action: 'cancel' }, 'I would like to cancel a flight'],
      ],
    );
    assert.equal(r.result.interpretations[0]!.instanceXml, '<action>book</action>');
    const d = parseNlsml(readFileSync(bodies + 'dtmf-result.nlsml', 'utf8'));
    assert.ok(
      d.ok &&
        d.result.interpretations[0]!.mode === 'dtmf' &&
        d.result.interpretations[0]!.instance === '1234',
    );
    const ni = parseNlsml(readFileSync(bodies + 'noinput.nlsml', 'utf8'));
    assert.ok(ni.ok && ni.result.noInput === true);
    const nm = parseNlsml(readFileSync(bodies + 'nomatch.nlsml', 'utf8'));
    assert.ok(nm.ok && nm.result.noMatch === true);
  });

  it('accepts both content types, any case and with parameters', () => {
    assert.ok(isNlsmlContentType('application/nlsml+xml'));
    assert.ok(isNlsmlContentType('Application/X-NLSML; charset=utf-8'));
    assert.ok(!isNlsmlContentType('application/xml'));
  });

  it('normalises 0-100 confidences from older servers', () => {
    const r = parseNlsml(
      '<result><interpretation confidence="85"><instance>yes</instance><input mode="voice">yes</input></interpretation></result>',
    );
    assert.ok(
      r.ok &&
        r.result.interpretations[0]!.confidence === 0.85 &&
        r.result.interpretations[0]!.mode === 'speech',
    );
  });

  it('refuses DOCTYPE/entity declarations, undeclared entities, deep nesting, huge and malformed input', () => {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><result>&b;</result>';
    assert.deepEqual(parseNlsml(bomb), {
      ok: false,
      error: 'DOCTYPE and entity declarations are not accepted',
    });
    assert.equal(parseNlsml('<result>&ext;</result>').ok, false);
    const deep = '<result>' + '<a>'.repeat(100) + '</a>'.repeat(100) + '</result>';
    assert.match(String((parseNlsml(deep) as { error: string }).error), /nesting deeper than 32/);
    assert.match(
      String((parseNlsml('<result>' + 'x'.repeat(300_000) + '</result>') as { error: string }).error),
      /larger than/,
    );
    const many = '<result>' + '<i/>'.repeat(20_000) + '</result>';
    assert.match(String((parseNlsml(many) as { error: string }).error), /more than 10000 nodes/);
    for (const bad of [
      '',
      '<result>',
      '<result></other>',
      '<a x=1/>',
      '<result/><result/>',
      'text',
      '<result a="<"/>',
      '<!-- x',
    ]) {
      assert.equal(parseNlsml(bad).ok, false, bad);
    }
    assert.equal(parseNlsml('<other/>').ok, false);
  });

  it('decodes predefined entities, character references and CDATA', () => {
    const x = parseXml('<a t="&lt;&#65;&#x42;">x &amp; y<![CDATA[<raw>]]></a>');
    assert.ok(x.ok);
    assert.equal(x.root.attrs.t, '<AB');
    assert.deepEqual(x.root.children, ['x & y', '<raw>']);
  });
});
