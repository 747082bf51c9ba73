import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEventList, parseEventList } from '../../src/sdp/index.js';

describe('telephone-event fmtp (RFC 4733 §7.1.1)', () => {
  const table: [string | undefined, number[] | undefined][] = [
    [undefined, Array.from({ length: 16 }, (_, i) => i)],
    ['0-15', Array.from({ length: 16 }, (_, i) => i)],
    ['0-16', Array.from({ length: 17 }, (_, i) => i)],
    ['0-11,16', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]],
    [' 0 - 3 , 5 ', [0, 1, 2, 3, 5]],
    ['16', [16]],
    ['3-1', undefined],
    ['0-256', undefined],
    ['a-b', undefined],
    ['', undefined],
    [Array.from({ length: 40 }, (_, i) => `${i}`).join(','), undefined],
  ];
  for (const [text, events] of table) {
    it(`parses ${JSON.stringify(text)}`, () => assert.deepEqual(parseEventList(text), events));
  }
  it('formats compact ranges', () => {
    assert.equal(formatEventList([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16]), '0-11,16');
    assert.equal(formatEventList([5]), '5');
    assert.equal(formatEventList([]), '');
  });
});
