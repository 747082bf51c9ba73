/**
 * Random tags, branches and Call-IDs (RFC 3261 §19.3, §8.1.1.7): at least 32 bits of randomness
 * each, drawn from a refilled pool so the per-call cost is a few string operations.
 */
import { randomFillSync } from 'node:crypto';
import { MAGIC_COOKIE } from './via.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';
const pool = Buffer.alloc(4096);
let pos = pool.length;

/** `n` random characters of [a-z0-9] (~5.2 bits each). */
export function randomToken(n: number): string {
  if (pos + n > pool.length) {
    randomFillSync(pool);
    pos = 0;
  }
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHABET[pool[pos++]! % 36];
  return s;
}

export function generateTag(): string {
  return randomToken(10);
}

export function generateBranch(): string {
  return MAGIC_COOKIE + randomToken(16);
}

export function generateCallId(host?: string): string {
  return host ? `${randomToken(20)}@${host}` : randomToken(24);
}
