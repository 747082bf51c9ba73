import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  buildCdr,
  CALL_EDGES,
  callCanGo,
  DigitQueue,
  formatDtmfInfo,
  isDtmfInfoType,
  LEG_EDGES,
  legCanGo,
  parseDtmfInfo,
  parseReason,
  q850ForSip,
  reasonHeader,
  Router,
  sipForQ850,
  type CallState,
  type LegState,
} from '../../src/call/index.js';

describe('Q.850 causes (RFC 3326, RFC 3398)', () => {
  it('maps SIP statuses to causes and back', () => {
    assert.equal(q850ForSip(486), 17);
    assert.equal(q850ForSip(404), 1);
    assert.equal(q850ForSip(480), 18);
    assert.equal(q850ForSip(503), 34);
    assert.equal(q850ForSip(699), 31);
    assert.equal(sipForQ850(17), 486);
    assert.equal(sipForQ850(1), 404);
    assert.equal(sipForQ850(16), 480);
  });

  it('writes and reads Reason headers', () => {
    assert.equal(reasonHeader(16), 'Q.850;cause=16;text="Normal call clearing"');
    assert.deepEqual(parseReason('Q.850 ; cause=17 ;text="User busy"'), {
      protocol: 'Q.850',
      cause: 17,
      text: 'User busy',
    });
    assert.deepEqual(parseReason('SIP;cause=600;text="Busy Everywhere", Q.850;cause=17'), {
      protocol: 'SIP',
      cause: 600,
      text: 'Busy Everywhere',
    });
    assert.equal(parseReason(undefined), undefined);
    assert.equal(parseReason(';;;'), undefined);
  });
});

describe('INFO DTMF bodies', () => {
  it('reads application/dtmf-relay and application/dtmf, refuses the rest', () => {
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', Buffer.from('Signal=5\r\nDuration=160\r\n')), {
      digit: '5',
      durationMs: 160,
    });
    assert.deepEqual(
      parseDtmfInfo('Application/DTMF-Relay; charset=x', Buffer.from('signal= #\nduration=90')),
      {
        digit: '#',
        durationMs: 90,
      },
    );
    assert.deepEqual(parseDtmfInfo('application/dtmf-relay', Buffer.from('Signal=11')), {
      digit: '#',
      durationMs: undefined,
    });
    assert.deepEqual(parseDtmfInfo('application/dtmf', Buffer.from('a')), {
      digit: 'A',
      durationMs: undefined,
    });
    assert.deepEqual(parseDtmfInfo('application/dtmf', Buffer.from('10')), {
      digit: '*',
      durationMs: undefined,
    });
    assert.equal(parseDtmfInfo('application/dtmf-relay', Buffer.from('Signal=X')), undefined);
    assert.equal(parseDtmfInfo('application/dtmf', Buffer.from('55')), undefined);
    assert.equal(parseDtmfInfo('text/plain', Buffer.from('5')), undefined);
    assert.equal(isDtmfInfoType('application/dtmf'), true);
    assert.equal(isDtmfInfoType('application/sdp'), false);
    assert.equal(
      formatDtmfInfo('application/dtmf-relay', '7', 100).toString(),
      'Signal=7\r\nDuration=100\r\n',
    );
    assert.equal(formatDtmfInfo('application/dtmf', '7', 100).toString(), '7');
  });
});

describe('Router', () => {
  it('takes the first route matching trunk, prefix and pattern', () => {
    const r = new Router([
      { trunk: 'a', calledPrefix: '400', app: 'a400' },
      { calledPattern: '9\\d{3}', app: 'nine' },
      { calledPrefix: '4', app: 'four' },
    ]);
    assert.equal(r.route('a', '4001'), 'a400');
    assert.equal(r.route('b', '4001'), 'four');
    assert.equal(r.route(null, '9123'), 'nine');
    assert.equal(r.route(null, '91234'), undefined, 'the pattern is anchored');
    assert.equal(r.route(null, '555'), undefined);
  });
});

describe('DigitQueue', () => {
  it('keeps type-ahead (bounded), hands digits to one waiter, tells every watcher', () => {
    const q = new DigitQueue(2);
    const seen: string[] = [];
    const unwatch = q.watch((d) => seen.push(d));
    q.push('1');
    q.push('2');
    q.push('3');
    assert.equal(q.dropped, 1);
    assert.equal(q.take(), '2');
    let got = '';
    q.next((d) => (got = d));
    assert.equal(q.take(), '3');
    q.push('4');
    assert.equal(got, '4');
    assert.equal(q.size, 0, 'the waiter consumed it');
    unwatch();
    q.push('5');
    assert.deepEqual(seen, ['1', '2', '3', '4']);
    assert.deepEqual(q.history, ['1', '2', '3', '4', '5']);
  });
});

describe('state tables', () => {
  const legStates = Object.keys(LEG_EDGES) as LegState[];
  const callStates = Object.keys(CALL_EDGES) as CallState[];
  it('the leg machine allows exactly its listed edges', () => {
    for (const a of legStates)
      for (const b of legStates) assert.equal(legCanGo(a, b), LEG_EDGES[a].includes(b), `${a} -> ${b}`);
    assert.deepEqual(LEG_EDGES.terminated, []);
    assert.equal(legCanGo('connected', 'early'), false);
    assert.equal(legCanGo('terminating', 'connected'), false);
  });
  it('the call machine allows exactly its listed edges', () => {
    for (const a of callStates)
      for (const b of callStates) assert.equal(callCanGo(a, b), CALL_EDGES[a].includes(b), `${a} -> ${b}`);
    assert.equal(callCanGo('ended', 'active'), false);
  });
});

describe('CDR', () => {
  it('names who ended the call from its direction, and keeps times as ISO', () => {
    const base = {
      callId: 'c',
      trunk: 't',
      from: 'a',
      to: 'b',
      app: null,
      times: { start: 1000, ring: 1500, answer: 2000, end: 12000 },
      stats: undefined,
      earlyMedia: false,
      holds: 0,
      digits: ['1', '#'],
      steps: [],
    };
    const remote = { by: 'remote' as const, sipCode: undefined, q850: 16, reason: undefined, what: 'bye' };
    const inbound = buildCdr({ ...base, direction: 'inbound', end: remote });
    assert.equal(inbound.endCause.by, 'caller');
    assert.equal(inbound.durationMs, 11000);
    assert.equal(inbound.talkMs, 10000);
    assert.equal(inbound.answer, '1970-01-01T00:00:02.000Z');
    assert.equal(inbound.digits, '1#');
    assert.equal(inbound.rtp, null);
    assert.equal(buildCdr({ ...base, direction: 'outbound', end: remote }).endCause.by, 'callee');
    const local = buildCdr({ ...base, direction: 'outbound', end: { ...remote, by: 'local' } });
    assert.equal(local.endCause.by, 'voicegate');
  });
});
