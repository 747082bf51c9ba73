import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  causeTableOf,
  COMPLETION_CAUSES,
  EVENT_TABLE,
  firstIllegalHeader,
  getHeader,
  HEADER_TABLE,
  METHOD_TABLE,
  MrcpStreamParser,
  parseHeaderValue,
  parseMessage,
  REQUEST_STATES,
  serializeMessage,
  STATUS_TABLE,
  type MrcpMessage,
} from '../../src/mrcp/index.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/mrcp/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.mrcp'))
  .sort();
const corpus = files.map((f) => ({ name: f, bytes: readFileSync(dir + f) }));

function parsed(): { name: string; bytes: Buffer; msg: MrcpMessage }[] {
  return corpus.map(({ name, bytes }) => {
    const r = parseMessage(bytes);
    assert.ok(r.ok, `${name}: ${r.ok ? '' : r.error.code + ' ' + r.error.detail}`);
    return { name, bytes, msg: r.message };
  });
}

describe('mrcp corpus', () => {
  it('holds a large corpus', () => assert.ok(corpus.length >= 100, `${corpus.length} files`));

  it('every message parses and prints back byte for byte', () => {
    for (const { name, bytes, msg } of parsed()) {
      assert.equal(
        msg.kind,
        name.startsWith('req-') ? 'request' : name.startsWith('res-') ? 'response' : 'event',
        name,
      );
      const out = serializeMessage(msg);
      assert.ok(
        out.equals(bytes),
        `${name} differs:\n${out.toString('latin1')}\n---\n${bytes.toString('latin1')}`,
      );
    }
  });

  it('the whole corpus as one stream, cut at every 7th octet, yields the same messages', () => {
    const all = Buffer.concat(corpus.map((c) => c.bytes));
    const p = new MrcpStreamParser();
    const got: Buffer[] = [];
    for (let i = 0; i < all.length; i += 7) {
      const r = p.push(all.subarray(i, i + 7));
      for (const item of r.items) {
        assert.ok(item.ok);
        got.push(serializeMessage(item.message));
      }
    }
    assert.equal(got.length, corpus.length);
    got.forEach((g, i) => assert.ok(g.equals(corpus[i]!.bytes), corpus[i]!.name));
  });

  it('every known header value in the corpus is legal for its kind (GET-PARAMS empties aside)', () => {
    for (const { name, msg } of parsed()) {
      if (msg.kind === 'request' && msg.method === 'GET-PARAMS') continue;
      const bad = firstIllegalHeader(msg.headers);
      assert.equal(bad, undefined, `${name}: ${JSON.stringify(bad)}`);
    }
  });

  it('covers every method, event, status, request state, completion cause and header', () => {
    const methods = new Set<string>();
    const events = new Set<string>();
    const statuses = new Set<number>();
    const states = new Set<string>();
    const headers = new Set<string>();
    const causes = new Set<string>();
    const types = new Set<string>();
    for (const { msg } of parsed()) {
      if (msg.kind === 'request') methods.add(msg.method);
      if (msg.kind === 'event') events.add(msg.event);
      if (msg.kind === 'response') statuses.add(msg.statusCode);
      if (msg.kind !== 'request') states.add(msg.requestState);
      for (const h of msg.headers) headers.add(h.name.toLowerCase());
      const ch = getHeader(msg.headers, 'Channel-Identifier');
      assert.ok(ch.present && ch.ok, 'Channel-Identifier in every message');
      const cause = getHeader(msg.headers, 'Completion-Cause');
      if (cause.present && cause.ok)
        causes.add(`${causeTableOf(ch.value.resource)}:${cause.value.code}:${cause.value.name}`);
      const ct = getHeader(msg.headers, 'Content-Type');
      if (ct.present && ct.ok) types.add(ct.value.mediaType);
    }
    for (const m of METHOD_TABLE) assert.ok(methods.has(m.name), `method ${m.name}`);
    for (const e of EVENT_TABLE) assert.ok(events.has(e.name), `event ${e.name}`);
    for (const s of Object.keys(STATUS_TABLE)) assert.ok(statuses.has(Number(s)), `status ${s}`);
    assert.ok(statuses.has(499), 'a resource-specific 4xx');
    for (const s of REQUEST_STATES) assert.ok(states.has(s), `state ${s}`);
    for (const h of HEADER_TABLE) assert.ok(headers.has(h.name.toLowerCase()), `header ${h.name}`);
    for (const [table, names] of Object.entries(COMPLETION_CAUSES)) {
      names.forEach((n, i) => assert.ok(causes.has(`${table}:${i}:${n}`), `cause ${table} ${i} ${n}`));
    }
    for (const t of [
      'application/ssml+xml',
      'text/plain',
      'text/uri-list',
      'application/srgs+xml',
      'application/srgs',
      'application/nlsml+xml',
      'application/x-nlsml',
      'text/grammar-ref-list',
      'application/pls+xml',
    ]) {
      assert.ok(types.has(t), `body type ${t}`);
    }
  });

  it('keeps unknown and duplicate headers in order, with their exact spelling', () => {
    const r = parseMessage(readFileSync(dir + 'req-get-params-synth-raw-forms.mrcp'));
    assert.ok(r.ok);
    assert.deepEqual(
      r.message.headers.map((h) => [h.name, h.value]),
      [
        ['channel-identifier', '32AECB23433802@speechsynth'],
        ['VOICE-GENDER', ''],
        ['voice-age', ''],
        ['Speech-Language', 'x'],
        ['X-Vendor-Trace', 'a'],
        ['X-Vendor-Trace', 'b'],
      ],
    );
    const set = parseMessage(readFileSync(dir + 'req-set-params-synth.mrcp'));
    assert.ok(set.ok);
    const vendor = set.message.headers.filter((h) => h.name === 'Vendor-Specific-Parameters');
    assert.equal(vendor.length, 2);
    const v = parseHeaderValue('vendor', vendor[0]!.value);
    assert.ok(v.ok);
    assert.deepEqual(v.value, [
      { name: 'com.example.engine', value: 'fast' },
      { name: 'com.example.beep', value: 'a;b' },
    ]);
    assert.equal(set.message.headers.filter((h) => h.name === 'Set-Cookie').length, 2);
  });

  it('unfolds a folded header value but prints the fold back', () => {
    const bytes = readFileSync(dir + 'req-extension-method.mrcp');
    const r = parseMessage(bytes);
    assert.ok(r.ok && r.message.kind === 'request');
    assert.equal(r.message.method, 'X-VOICEGATE-PING');
    assert.equal(r.message.headers[1]!.value, 'folded continuation of the value');
    assert.ok(serializeMessage(r.message).equals(bytes));
  });
});
