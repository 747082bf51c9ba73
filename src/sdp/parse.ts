/**
 * SDP text → ParsedSdp. The text is scanned and bounded first (scan.ts), then parsed by
 * sdp-transform, whose lenient output is checked field by field here: a broken v/o/m/c line is a
 * coded error; a broken optional attribute (ptime, rtcp...) is ignored and stays in `attributes`.
 */
import { isIP } from 'node:net';
import sdpTransform from 'sdp-transform';
import { STATIC_AUDIO_PT } from './codecs.js';
import { DEFAULT_SDP_LIMITS, type SdpLimits } from './limits.js';
import type { Connection, Direction, MediaSection, ParsedSdp, RawAttribute, RtpFormat } from './model.js';
import { DIRECTIONS } from './model.js';
import { type Result, ok, sdpError } from './result.js';
import { scanSdp } from './scan.js';

type TransformConnection = { version: number; ip: string } | undefined;

function connectionOf(c: TransformConnection): Result<Connection | undefined> {
  if (c === undefined) return ok(undefined);
  if (typeof c.ip !== 'string' || (c.version !== 4 && c.version !== 6)) {
    return sdpError('bad_connection', 'c= must be "IN IP4|IP6 <address>"');
  }
  // RFC 4566 §5.7: multicast addresses carry /ttl[/count]; the address is before the first slash.
  const address = c.ip.split('/')[0] as string;
  const kind = isIP(address);
  if (kind === 0) {
    return /^(?=.*[A-Za-z])[A-Za-z0-9.-]+$/.test(address)
      ? sdpError('unsupported_address', `c= names a host (${address}); only IP addresses are supported`)
      : sdpError('bad_connection', `c= address "${address}" is not an IP address`);
  }
  if (kind !== c.version) return sdpError('bad_connection', `c= address ${address} is not IP${c.version}`);
  const family = kind === 4 ? 'IP4' : 'IP6';
  return ok({ family, address, unspecified: address === '0.0.0.0' || address === '::' });
}

function isPositiveInt(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= max;
}

function directionOf(v: unknown): Direction | undefined {
  return typeof v === 'string' && (DIRECTIONS as readonly string[]).includes(v)
    ? (v as Direction)
    : undefined;
}

function valueOf(attrs: readonly RawAttribute[], name: string): string | undefined {
  return attrs.find((a) => a.name === name)?.value?.trim();
}

function rtpFormats(formats: readonly string[], m: sdpTransform.MediaDescription): RtpFormat[] {
  const out: RtpFormat[] = [];
  for (const f of formats) {
    if (!/^\d{1,3}$/.test(f)) continue;
    const pt = Number(f);
    if (pt > 127) continue;
    const map = (m.rtp ?? []).find((r) => r.payload === pt);
    const fmtp = (m.fmtp ?? []).find((x) => x.payload === pt)?.config;
    if (map && typeof map.codec === 'string' && isPositiveInt(map.rate, 1_000_000)) {
      const channels = map.encoding === undefined ? 1 : Number(map.encoding);
      out.push({
        pt,
        name: map.codec,
        clockRate: map.rate,
        channels: Number.isInteger(channels) ? channels : 0,
        fmtp,
      });
    } else {
      const s = STATIC_AUDIO_PT[pt];
      out.push({ pt, name: s?.name ?? '', clockRate: s?.clockRate ?? 0, channels: s?.channels ?? 1, fmtp });
    }
  }
  return out;
}

export function parseSdp(
  input: string | Uint8Array,
  limits: SdpLimits = DEFAULT_SDP_LIMITS,
): Result<ParsedSdp> {
  const scanned = scanSdp(input, limits);
  if (!scanned.ok) return scanned;
  let raw: sdpTransform.SessionDescription;
  try {
    raw = sdpTransform.parse(scanned.value.text);
  } catch (err) {
    return sdpError('parse_failed', `SDP parser failed: ${(err as Error).message}`);
  }
  const session = connectionOf(raw.connection as TransformConnection);
  if (!session.ok) return session;
  const sessionDirection = directionOf(raw.direction);
  const media: MediaSection[] = [];
  const list = raw.media ?? [];
  for (let index = 0; index < list.length; index++) {
    const m = list[index] as sdpTransform.MediaDescription;
    const attributes = scanned.value.mediaAttributes[index] ?? [];
    if (
      typeof m.type !== 'string' ||
      m.type === '' ||
      !Number.isInteger(m.port) ||
      m.port < 0 ||
      m.port > 65535
    ) {
      return sdpError('bad_media_line', `m= line ${index + 1} must be "<media> <port> <proto> <fmt>..."`);
    }
    if (typeof m.protocol !== 'string' || m.protocol === '') {
      return sdpError('bad_media_line', `m= line ${index + 1} has no transport protocol`);
    }
    const formats =
      m.payloads === undefined
        ? []
        : String(m.payloads)
            .split(/\s+/)
            .filter((f) => f !== '');
    const conn = connectionOf(m.connection as TransformConnection);
    if (!conn.ok) return conn;
    const connection = conn.value ?? session.value;
    if (!connection && m.port !== 0) {
      return sdpError('missing_connection', `m= line ${index + 1} has no c= at media or session level`);
    }
    let rtcp: MediaSection['rtcp'];
    if (m.rtcp && isPositiveInt(m.rtcp.port, 65535)) {
      const rc =
        m.rtcp.address !== undefined && (m.rtcp.ipVer === 4 || m.rtcp.ipVer === 6)
          ? connectionOf({ version: m.rtcp.ipVer, ip: m.rtcp.address })
          : ok(undefined);
      rtcp = { port: m.rtcp.port, connection: rc.ok ? rc.value : undefined };
    }
    const connectionType = valueOf(attributes, 'connection');
    media.push({
      index,
      kind: m.type,
      port: m.port,
      protocol: m.protocol,
      formats,
      rtp: /(^|\/)RTP\//.test(m.protocol) ? rtpFormats(formats, m) : [],
      connection,
      direction: directionOf(m.direction) ?? sessionDirection ?? 'sendrecv',
      ptime: isPositiveInt(m.ptime, 1000) ? m.ptime : undefined,
      maxptime: isPositiveInt(m.maxptime, 1000) ? m.maxptime : undefined,
      rtcp,
      rtcpMux: m.rtcpMux === 'rtcp-mux',
      mid: typeof m.mid === 'string' || typeof m.mid === 'number' ? String(m.mid) : undefined,
      setup: valueOf(attributes, 'setup'),
      connectionType: connectionType === 'new' || connectionType === 'existing' ? connectionType : undefined,
      resource: valueOf(attributes, 'resource'),
      channel: valueOf(attributes, 'channel'),
      cmid: attributes.filter((a) => a.name === 'cmid' && a.value).map((a) => (a.value as string).trim()),
      attributes,
    });
  }
  return ok({
    origin: scanned.value.origin,
    sessionName: typeof raw.name === 'string' ? raw.name : '',
    connection: session.value,
    direction: sessionDirection,
    media,
  });
}
