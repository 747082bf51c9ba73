/**
 * HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760): MD5, SHA-256 and
 * SHA-512/256, with and without `-sess`, qop=auth (and auth-int for the UAC). The UAC answers
 * 401/407 challenges, picking the strongest algorithm offered (RFC 8760 §2.4); the UAS issues
 * stateless nonces (timestamp + HMAC) and verifies responses with a constant-time compare.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { quotedEnd, unquote } from '../message/name-addr.js';

export const DIGEST_ALGORITHMS = [
  'MD5',
  'MD5-sess',
  'SHA-256',
  'SHA-256-sess',
  'SHA-512-256',
  'SHA-512-256-sess',
] as const;
export type DigestAlgorithm = (typeof DIGEST_ALGORITHMS)[number];

const HASH: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
const STRENGTH: Record<string, number> = { MD5: 1, 'SHA-256': 2, 'SHA-512-256': 3 };

function baseOf(alg: string): string {
  return alg.replace(/-sess$/i, '').toUpperCase();
}

function h(alg: string, s: string | Buffer): string {
  return createHash(HASH[baseOf(alg)] ?? 'md5')
    .update(s)
    .digest('hex');
}

/** Splits `Digest a=b, c="d, e"` into lower-cased names and unquoted values; null if not Digest. */
export function parseAuthParams(v: string): { scheme: string; params: Map<string, string> } | null {
  const m = /^\s*([A-Za-z0-9._-]+)\s*/.exec(v);
  if (!m) return null;
  const params = new Map<string, string>();
  let i = m[0].length;
  while (i < v.length) {
    while (i < v.length && /[\s,]/.test(v[i]!)) i++;
    const nm = /^([A-Za-z0-9._-]+)\s*=\s*/.exec(v.slice(i));
    if (!nm) break;
    i += nm[0].length;
    let value: string;
    if (v[i] === '"') {
      const end = quotedEnd(v, i);
      if (end < 0) return null;
      value = unquote(v.slice(i, end));
      i = end;
    } else {
      const e = v.slice(i).search(/[\s,]/);
      value = e === -1 ? v.slice(i) : v.slice(i, i + e);
      i += value.length;
    }
    params.set(nm[1]!.toLowerCase(), value);
  }
  return { scheme: m[1]!, params };
}

export interface DigestChallenge {
  realm: string;
  nonce: string;
  algorithm: DigestAlgorithm;
  qop: 'auth' | 'auth-int' | null;
  opaque: string | null;
  stale: boolean;
}

function normAlgorithm(a: string | undefined): DigestAlgorithm | null {
  const want = (a ?? 'MD5').toUpperCase();
  return DIGEST_ALGORITHMS.find((x) => x.toUpperCase() === want) ?? null;
}

export function parseChallenge(v: string): DigestChallenge | null {
  const p = parseAuthParams(v);
  if (!p || p.scheme.toLowerCase() !== 'digest') return null;
  const realm = p.params.get('realm');
  const nonce = p.params.get('nonce');
  const algorithm = normAlgorithm(p.params.get('algorithm'));
  if (realm === undefined || nonce === undefined || !algorithm) return null;
  const qops = (p.params.get('qop') ?? '').split(',').map((q) => q.trim().toLowerCase());
  const qop = qops.includes('auth') ? 'auth' : qops.includes('auth-int') ? 'auth-int' : null;
  return {
    realm,
    nonce,
    algorithm,
    qop,
    opaque: p.params.get('opaque') ?? null,
    stale: /^true$/i.test(p.params.get('stale') ?? ''),
  };
}

/** The strongest challenge we support among several (RFC 8760 §2.4: the UAC picks the first it supports; we prefer strength). */
export function pickChallenge(values: readonly string[]): DigestChallenge | null {
  let best: DigestChallenge | null = null;
  for (const v of values) {
    const c = parseChallenge(v);
    if (c && (!best || (STRENGTH[baseOf(c.algorithm)] ?? 0) > (STRENGTH[baseOf(best.algorithm)] ?? 0)))
      best = c;
  }
  return best;
}

export interface DigestCredentials {
  username: string;
  password: string;
}

export function digestResponse(
  c: { algorithm: string; realm: string; nonce: string; qop: string | null },
  cred: DigestCredentials,
  method: string,
  uri: string,
  cnonce: string,
  nc: string,
  body: Buffer = Buffer.alloc(0),
): string {
  let ha1 = h(c.algorithm, `${cred.username}:${c.realm}:${cred.password}`);
  if (/-sess$/i.test(c.algorithm)) ha1 = h(c.algorithm, `${ha1}:${c.nonce}:${cnonce}`);
  const ha2 =
    c.qop === 'auth-int'
      ? h(c.algorithm, `${method}:${uri}:${h(c.algorithm, body)}`)
      : h(c.algorithm, `${method}:${uri}`);
  return c.qop
    ? h(c.algorithm, `${ha1}:${c.nonce}:${nc}:${cnonce}:${c.qop}:${ha2}`)
    : h(c.algorithm, `${ha1}:${c.nonce}:${ha2}`);
}

function q(s: string): string {
  return '"' + s.replace(/(["\\])/g, '\\$1') + '"';
}

/** The Authorization / Proxy-Authorization value answering a challenge (§22.2, RFC 7616 §3.4). */
export function authorize(
  c: DigestChallenge,
  cred: DigestCredentials,
  method: string,
  uri: string,
  nc = 1,
  body?: Buffer,
): string {
  const cnonce = randomBytes(8).toString('hex');
  const ncs = nc.toString(16).padStart(8, '0');
  const response = digestResponse(c, cred, method, uri, cnonce, ncs, body);
  let v = `Digest username=${q(cred.username)}, realm=${q(c.realm)}, nonce=${q(c.nonce)}, uri=${q(uri)}, response=${q(response)}, algorithm=${c.algorithm}`;
  if (c.qop) v += `, qop=${c.qop}, nc=${ncs}, cnonce=${q(cnonce)}`;
  if (c.opaque !== null) v += `, opaque=${q(c.opaque)}`;
  return v;
}

export interface DigestServerOptions {
  realm: string;
  /** Algorithms offered, strongest first (one challenge header each). */
  algorithms?: readonly DigestAlgorithm[];
  /** How long a nonce stays valid (default 300 s). */
  nonceTtlMs?: number;
  now?: () => number;
}

export type VerifyResult = 'ok' | 'stale' | 'bad';

/** UAS side: stateless nonces and response checks. */
export class DigestServer {
  private readonly secret = randomBytes(32);
  private readonly algorithms: readonly DigestAlgorithm[];

  constructor(private readonly opts: DigestServerOptions) {
    this.algorithms = opts.algorithms ?? ['SHA-256', 'MD5'];
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private nonce(): string {
    const ts = Math.floor(this.now()).toString(16);
    const mac = createHmac('sha256', this.secret).update(ts).digest('base64url').slice(0, 22);
    return `${ts}.${mac}`;
  }

  /** WWW-Authenticate values for a 401 (one per algorithm, RFC 8760 §2.4). */
  challenges(stale = false): string[] {
    const nonce = this.nonce();
    return this.algorithms.map(
      (a) =>
        `Digest realm=${q(this.opts.realm)}, nonce=${q(nonce)}, algorithm=${a}, qop="auth"${stale ? ', stale=true' : ''}`,
    );
  }

  private nonceState(nonce: string): 'fresh' | 'stale' | 'bad' {
    const dot = nonce.indexOf('.');
    if (dot <= 0) return 'bad';
    const ts = nonce.slice(0, dot);
    const mac = createHmac('sha256', this.secret).update(ts).digest('base64url').slice(0, 22);
    const given = Buffer.from(nonce.slice(dot + 1));
    if (given.length !== mac.length || !timingSafeEqual(given, Buffer.from(mac))) return 'bad';
    const age = this.now() - parseInt(ts, 16);
    return age >= 0 && age <= (this.opts.nonceTtlMs ?? 300_000) ? 'fresh' : 'stale';
  }

  /**
   * Checks an Authorization value for `method` against `passwordOf(username)`. Returns the
   * user name with the verdict.
   */
  verify(
    value: string,
    method: string,
    passwordOf: (username: string) => string | undefined,
  ): { result: VerifyResult; username: string | null } {
    const p = parseAuthParams(value);
    if (!p || p.scheme.toLowerCase() !== 'digest') return { result: 'bad', username: null };
    const g = (k: string) => p.params.get(k);
    const username = g('username');
    const nonce = g('nonce');
    const uri = g('uri');
    const response = g('response');
    const algorithm = normAlgorithm(g('algorithm'));
    if (!username || !nonce || !uri || !response || !algorithm || g('realm') !== this.opts.realm) {
      return { result: 'bad', username: username ?? null };
    }
    if (!this.algorithms.includes(algorithm)) return { result: 'bad', username };
    const password = passwordOf(username);
    if (password === undefined) return { result: 'bad', username };
    const qop = g('qop') ?? null;
    if (qop !== null && qop !== 'auth') return { result: 'bad', username };
    const expected = digestResponse(
      { algorithm, realm: this.opts.realm, nonce, qop },
      { username, password },
      method,
      uri,
      g('cnonce') ?? '',
      g('nc') ?? '',
    );
    const a = Buffer.from(expected);
    const b = Buffer.from(response.toLowerCase());
    if (a.length !== b.length || !timingSafeEqual(a, b)) return { result: 'bad', username };
    const state = this.nonceState(nonce);
    return { result: state === 'fresh' ? 'ok' : state === 'stale' ? 'stale' : 'bad', username };
  }
}
