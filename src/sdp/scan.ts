/**
 * First pass over SDP text, before any parser sees it: bounds (size, lines, m= lines, a= lines),
 * line syntax `<type>=<value>` (RFC 4566 §5), v=0, and the exact o= line (its numbers kept as text).
 */
import type { SdpLimits } from './limits.js';
import type { Origin, RawAttribute } from './model.js';
import { type Result, ok, sdpError } from './result.js';

export interface ScannedSdp {
  /** The text with CRLF line ends, ready for the full parser. */
  readonly text: string;
  readonly origin: Origin;
  /** a= lines of the session part, then of each media section. */
  readonly sessionAttributes: readonly RawAttribute[];
  readonly mediaAttributes: readonly (readonly RawAttribute[])[];
}

// RFC 4566 §5: <type>=<value>, type one lower-case letter. Control characters other than tab are not text.
const LINE = /^[a-z]=/;
const ORIGIN = /^o=(\S+) (\S+) (\d{1,20}) IN (IP4|IP6) (\S+)$/;

function hasControl(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function attribute(line: string): RawAttribute {
  const body = line.slice(2);
  const colon = body.indexOf(':');
  return colon < 0
    ? { name: body, value: undefined }
    : { name: body.slice(0, colon), value: body.slice(colon + 1) };
}

export function scanSdp(input: string | Uint8Array, limits: SdpLimits): Result<ScannedSdp> {
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > limits.maxBytes) return sdpError('too_large', `SDP of ${size} bytes exceeds ${limits.maxBytes}`);
  const text =
    typeof input === 'string'
      ? input
      : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('latin1');
  const rawLines = text.split('\n');
  if (rawLines.length > limits.maxLines) {
    return sdpError('too_many_lines', `SDP has ${rawLines.length} lines, limit ${limits.maxLines}`);
  }
  const lines: string[] = [];
  let origin: Origin | undefined;
  const sessionAttributes: RawAttribute[] = [];
  const mediaAttributes: RawAttribute[][] = [];
  let current = sessionAttributes;
  for (let i = 0; i < rawLines.length; i++) {
    const line = (rawLines[i] as string).replace(/\r$/, '');
    if (line.length === 0) continue;
    if (line.length > limits.maxLineLength) {
      return sdpError(
        'line_too_long',
        `line ${i + 1} has ${line.length} characters, limit ${limits.maxLineLength}`,
      );
    }
    if (!LINE.test(line) || hasControl(line))
      return sdpError('malformed_line', `line ${i + 1} is not <type>=<value>`);
    if (lines.length === 0 && line !== 'v=0') return sdpError('bad_version', 'SDP must start with v=0');
    const type = line.charCodeAt(0);
    if (type === 0x6d /* m */) {
      if (mediaAttributes.length >= limits.maxMedia) {
        return sdpError('too_many_media', `more than ${limits.maxMedia} m= lines`);
      }
      current = [];
      mediaAttributes.push(current);
    } else if (type === 0x61 /* a */) {
      if (current.length >= limits.maxAttributesPerSection) {
        return sdpError(
          'too_many_attributes',
          `more than ${limits.maxAttributesPerSection} a= lines in a section`,
        );
      }
      current.push(attribute(line));
    } else if (type === 0x6f /* o */) {
      const m = ORIGIN.exec(line);
      if (!m || origin)
        return sdpError(
          'bad_origin',
          `line ${i + 1}: o= must be "<user> <sess-id> <version> IN IP4|IP6 <address>"`,
        );
      origin = {
        username: m[1] as string,
        sessionId: m[2] as string,
        sessionVersion: m[3] as string,
        family: m[4] as 'IP4' | 'IP6',
        address: m[5] as string,
      };
    }
    lines.push(line);
  }
  if (lines.length === 0) return sdpError('bad_version', 'empty SDP');
  if (!origin) return sdpError('bad_origin', 'SDP has no o= line');
  return ok({ text: lines.join('\r\n') + '\r\n', origin, sessionAttributes, mediaAttributes });
}
