import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { createLogger, flushLogger } from '../../src/daemon/logger.js';

function capture(isTTY: boolean): { stream: Writable & { isTTY: boolean }; out: string[] } {
  const out: string[] = [];
  const stream = Object.assign(
    new Writable({
      write(chunk: Buffer, _e, cb) {
        out.push(chunk.toString());
        cb();
      },
    }),
    { isTTY },
  );
  return { stream, out };
}

describe('logger', () => {
  it('writes one JSON object per line, with the call id of a call child logger', async () => {
    const { stream, out } = capture(false);
    const log = createLogger({ level: 'info', format: 'auto', stream });
    const call = log.child({ component: 'call', callId: 'abc@host' });
    call.info('answered', { code: 200 });
    log.debug('hidden');
    log.warn('plain', { err: new Error('boom') });
    await flushLogger(log);
    const lines = out.join('').trim().split('\n');
    assert.equal(lines.length, 2);
    const first = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(first), ['time', 'level', 'component', 'callId', 'msg', 'code']);
    assert.equal(first.callId, 'abc@host');
    assert.equal(first.component, 'call');
    const second = JSON.parse(lines[1]!) as Record<string, unknown>;
    assert.equal(second.component, 'daemon');
    assert.equal(second.err, 'boom');
  });

  it('is human-readable on a TTY', async () => {
    const { stream, out } = capture(true);
    const log = createLogger({ level: 'info', format: 'auto', stream });
    log.child({ component: 'sip', callId: 'c1' }).info('hello', { n: 1 });
    await flushLogger(log);
    assert.match(out.join(''), /^\S+ info {2}\[sip\] <c1> hello \{"n":1\}\n$/);
  });
});
