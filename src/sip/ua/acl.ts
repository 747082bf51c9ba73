/**
 * Address lists (ACLs) of CIDR blocks, IPv4 and IPv6. An IPv4-mapped IPv6 source
 * (::ffff:192.0.2.1, what a dual-stack socket reports) matches the IPv4 block.
 */
import { isIP } from 'node:net';

interface Block {
  v6: boolean;
  bits: bigint;
  mask: bigint;
}

function v4ToBig(a: string): bigint {
  return a.split('.').reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function v6ToBig(a: string): bigint {
  let s = a;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (v4) {
    const n = v4ToBig(v4[1]!);
    s = s.slice(0, -v4[1]!.length) + ((n >> 16n) & 0xffffn).toString(16) + ':' + (n & 0xffffn).toString(16);
  }
  const [head, tail] = s.includes('::') ? s.split('::') : [s, undefined];
  const hp = head ? head.split(':') : [];
  const tp = tail !== undefined && tail.length ? tail.split(':') : [];
  const groups = tail === undefined ? hp : [...hp, ...Array(8 - hp.length - tp.length).fill('0'), ...tp];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n);
}

/** Normalises an address: IPv4-mapped IPv6 becomes IPv4. */
export function normalizeAddress(a: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1]! : a;
}

export class Acl {
  private readonly blocks: Block[] = [];

  /** Throws on a malformed entry (config validation names it). */
  constructor(entries: readonly string[]) {
    for (const e of entries) this.blocks.push(parseBlock(e));
  }

  get size(): number {
    return this.blocks.length;
  }

  has(address: string): boolean {
    const a = normalizeAddress(address);
    const fam = isIP(a);
    if (fam === 0) return false;
    const v6 = fam === 6;
    const n = v6 ? v6ToBig(a) : v4ToBig(a);
    for (const b of this.blocks) if (b.v6 === v6 && (n & b.mask) === b.bits) return true;
    return false;
  }
}

export function parseBlock(entry: string): Block {
  const [addr, lenText] = entry.split('/');
  const a = normalizeAddress(addr ?? '');
  const fam = isIP(a);
  if (fam === 0) throw new Error(`"${entry}" is not an IP address or CIDR block`);
  const v6 = fam === 6;
  const width = v6 ? 128 : 32;
  const len = lenText === undefined ? width : Number(lenText);
  if (!Number.isInteger(len) || len < 0 || len > width) throw new Error(`"${entry}" has a bad prefix length`);
  const all = (1n << BigInt(width)) - 1n;
  const mask = len === 0 ? 0n : (all << BigInt(width - len)) & all;
  const n = v6 ? v6ToBig(a) : v4ToBig(a);
  return { v6, bits: n & mask, mask };
}
