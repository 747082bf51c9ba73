import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MrcpStreamParser, parseMessage, serializeMessage, type PushResult } from '../../src/mrcp/index.js';

const dir = fileURLToPath(new URL('../../../test/fixtures/mrcp/', import.meta.url));
const corpus = readdirSync(dir)
  .filter((f) => f.endsWith('.mrcp'))
  .sort()
  .map((f) => readFileSync(dir + f));

/** xorshift32: reproducible randomness, so a failure names its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}

const MAX = 4096;

function feed(p: MrcpStreamParser, bytes: Buffer, rand: () => number): PushResult[] {
  const out: PushResult[] = [];
  let i = 0;
  while (i < bytes.length) {
    const n = 1 + Math.floor(rand() * 300);
    out.push(p.push(bytes.subarray(i, i + n)));
    assert.ok(p.buffered <= MAX + 300 + 2, `buffer bounded (${p.buffered})`);
    i += n;
  }
  return out;
}

function mutate(b: Buffer, rand: () => number): Buffer {
  const m = Buffer.from(b);
  const ops = 1 + Math.floor(rand() * 4);
  let out = m;
  for (let k = 0; k < ops; k++) {
    const at = Math.floor(rand() * out.length);
    const op = Math.floor(rand() * 5);
    if (op === 0) out[at] = Math.floor(rand() * 256);
    else if (op === 1) out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else if (op === 2)
      out = Buffer.concat([
        out.subarray(0, at),
        Buffer.from([[13, 10, 32, 58, 48 + Math.floor(rand() * 10)][Math.floor(rand() * 5)]!]),
        out.subarray(at),
      ]);
    else if (op === 3)
      out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 20), out.subarray(at)]);
    else out = out.subarray(0, at);
  }
  return out;
}

describe('mrcp parser fuzz', () => {
  it('valid streams split and coalesced at random yield exactly the corpus, 200 rounds', () => {
    const rand = rng(0xc0ffee);
    for (let round = 0; round < 200; round++) {
      const order = corpus
        .map((_, i) => i)
        .sort(() => rand() - 0.5)
        .slice(0, 20);
      const stream = Buffer.concat(order.map((i) => corpus[i]!));
      const p = new MrcpStreamParser();
      const got = feed(p, stream, rand).flatMap((r) => r.items);
      assert.equal(got.length, order.length, `round ${round}`);
      got.forEach((item, k) => {
        assert.ok(item.ok, `round ${round}`);
        assert.ok(serializeMessage(item.message).equals(corpus[order[k]!]!));
      });
      assert.equal(p.buffered, 0);
    }
  });

  it('mutated messages never throw, the buffer stays bounded, and a dead stream stays dead, 3000 rounds', () => {
    const rand = rng(12345);
    let fatal = 0;
    let perMessage = 0;
    let okCount = 0;
    for (let round = 0; round < 3000; round++) {
      const pick = () => corpus[Math.floor(rand() * corpus.length)]!;
      const stream = Buffer.concat([mutate(pick(), rand), pick(), mutate(pick(), rand)]);
      const p = new MrcpStreamParser({ maxMessageSize: MAX });
      let dead = false;
      for (const r of feed(p, stream, rand)) {
        if (dead) assert.equal(r.state, 'error');
        for (const item of r.items) {
          if (item.ok) okCount++;
          else if (item.error.fatal) fatal++;
          else perMessage++;
        }
        if (r.state === 'error') dead = true;
      }
      // One-shot parse of the same bytes must not throw either.
      parseMessage(stream);
    }
    assert.ok(
      fatal > 0 && perMessage > 0 && okCount > 0,
      `${fatal} fatal, ${perMessage} per-message, ${okCount} ok`,
    );
  });

  it('random bytes and random "MRCP/2.0 " prefixed noise never throw, 2000 rounds', () => {
    const rand = rng(777);
    for (let round = 0; round < 2000; round++) {
      const len = Math.floor(rand() * 600);
      const noise = Buffer.alloc(len);
      for (let i = 0; i < len; i++) noise[i] = Math.floor(rand() * 256);
      const stream =
        round % 2 ? Buffer.concat([Buffer.from(`MRCP/2.0 ${Math.floor(rand() * 900)} `), noise]) : noise;
      const p = new MrcpStreamParser({ maxMessageSize: MAX });
      feed(p, stream, rand);
      parseMessage(stream);
    }
  });
});
