/**
 * Character classes of the RFC 3261 §25.1 ABNF as lookup tables, so a scan is one array read per
 * character. Only ASCII is classified; everything above 0x7f is "not in the class".
 */

function table(chars: string, alnum: boolean): Uint8Array {
  const t = new Uint8Array(128);
  if (alnum) {
    for (let c = 0x30; c <= 0x39; c++) t[c] = 1;
    for (let c = 0x41; c <= 0x5a; c++) t[c] = 1;
    for (let c = 0x61; c <= 0x7a; c++) t[c] = 1;
  }
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", true);
/** word (Call-ID) = token chars plus ( ) < > : \ DQUOTE / [ ] ? { } */
export const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', true);
/** unreserved = alphanum / mark */
const MARK = "-_.!~*'()";
/** user = 1*( unreserved / escaped / user-unreserved ) */
export const USER = table(MARK + '&=+$,;?/%', true);
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD = table(MARK + '&=+$,%', true);
/** paramchar = param-unreserved / unreserved / escaped */
export const PARAMCHAR = table(MARK + '[]/:&+$%', true);
/** hname / hvalue = *( hnv-unreserved / unreserved / escaped ) */
export const HNV = table(MARK + '[]/?:+$%', true);
/** hostname characters plus IPv6 reference characters. */
export const HOST = table('-.[]:_', true);
/** tel URI (RFC 3966) characters in number and parameters. */
export const TEL = table("-.()+*#;=%!~'[]/:&$_", true);
/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) */
export const SCHEME = table('+-.', true);

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || TOKEN[c] !== 1) return false;
  }
  return true;
}

/** True when every character of s[from, to) is in the table. */
export function allIn(t: Uint8Array, s: string, from = 0, to = s.length): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 127 || t[c] !== 1) return false;
  }
  return true;
}

/** Escapes (%HH) are well formed: a "%" is followed by two hex digits. */
export function escapesValid(s: string): boolean {
  let i = s.indexOf('%');
  while (i !== -1) {
    if (!isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return false;
    i = s.indexOf('%', i + 3);
  }
  return true;
}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

export function isWs(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Decodes %HH escapes (RFC 3261 §19.1.4: comparisons are made on unescaped text). */
export function unescape(s: string): string {
  if (s.indexOf('%') === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    // Not UTF-8 once decoded (e.g. %00 alone is fine, %C0 is not): decode byte by byte.
    return s.replace(/%([0-9A-Fa-f]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
}

/** Index of the next unquoted, un-bracketed `ch` from `from`, or -1. Quoted strings honour `\` escapes. */
export function indexOfUnquoted(s: string, ch: number, from = 0): number {
  let inQuote = false;
  let angle = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
      continue;
    }
    if (c === 0x22) inQuote = true;
    else if (c === 0x3c) angle++;
    else if (c === 0x3e && angle > 0) angle--;
    else if (c === ch && angle === 0) return i;
  }
  return -1;
}

/**
 * Splits a comma-separated header value (RFC 3261 §7.3.1) at commas outside quoted strings and
 * angle brackets. Returns null when a quoted string is unterminated.
 */
export function splitList(s: string): string[] | null {
  const out: string[] = [];
  let start = 0;
  let inQuote = false;
  let angle = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
      continue;
    }
    if (c === 0x22) inQuote = true;
    else if (c === 0x3c) angle++;
    else if (c === 0x3e && angle > 0) angle--;
    else if (c === 0x2c && angle === 0) {
      out.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (inQuote) return null;
  out.push(s.slice(start).trim());
  return out;
}
