/**
 * MRCPv2 control-channel m= lines (RFC 6787 §4.2). The client offers `m=application 9 TCP/MRCPv2 1`
 * with a=setup:active, a=connection:new|existing, a=resource and a=cmid naming the audio a=mid; the
 * server answers its real TCP port, a=setup:passive and a=channel:<id>@<resource>. A resource is
 * removed by port 0 in a re-offer (§4.2); several resources share one SIP session.
 */
import type { LocalApplicationSection } from './build.js';
import type { MediaSection } from './model.js';

export type MrcpTransport = 'TCP' | 'TLS';
export type MrcpConnection = 'new' | 'existing';

const PROTOCOL: Record<MrcpTransport, string> = { TCP: 'TCP/MRCPv2', TLS: 'TCP/TLS/MRCPv2' };
const TOKEN = /^[A-Za-z0-9._-]{1,64}$/;
const CHANNEL = /^([A-Za-z0-9._-]{1,128})@([A-Za-z0-9._-]{1,64})$/;

/** What a client asks for: one control channel per resource. */
export interface MrcpResourceOffer {
  /** speechsynth, speechrecog, recorder, speakverify, dtmfrecog... */
  readonly resource: string;
  /** Reuse an open TCP connection to the same server (default new). */
  readonly connection?: MrcpConnection;
  readonly transport?: MrcpTransport;
}

/** What a server offers its clients. */
export interface MrcpServerCapabilities {
  readonly address: string;
  /** Our MRCPv2 TCP (or TLS) listening port. */
  readonly port: number;
  readonly transports?: readonly MrcpTransport[];
  readonly resources: readonly string[];
  /**
   * Allocates the channel for a newly requested resource: returns the channel id (without
   * `@resource`) and optionally the connection the client must use, or undefined to refuse it.
   */
  readonly allocateChannel: (
    request: MrcpChannelRequest,
  ) => { id: string; connection?: MrcpConnection } | undefined;
}

export interface MrcpChannelRequest {
  readonly index: number;
  readonly resource: string;
  readonly connection: MrcpConnection;
  readonly transport: MrcpTransport;
  readonly cmid: readonly string[];
}

/** An agreed control channel. On the client, `address`/`port` is the server's TCP endpoint. */
export interface MrcpChannel {
  readonly index: number;
  readonly resource: string;
  /** The full channel identifier, `<id>@<resource>` (RFC 6787 §6.2.1 Channel-Identifier). */
  readonly channel: string;
  readonly transport: MrcpTransport;
  readonly connection: MrcpConnection;
  readonly address: string;
  readonly port: number;
  readonly cmid: readonly string[];
}

export interface NegotiatedMrcp {
  readonly channels: readonly MrcpChannel[];
  /** Channels that appeared in this exchange. */
  readonly added: readonly MrcpChannel[];
  /** Channels ended by this exchange (port 0, or gone from the SDP). */
  readonly removed: readonly {
    readonly index: number;
    readonly resource: string;
    readonly channel: string;
  }[];
  /** Requested resources the peer refused (port 0 in the answer), with the reason when we refused. */
  readonly rejected: readonly {
    readonly index: number;
    readonly resource: string | undefined;
    readonly reason: string;
  }[];
}

export function transportOf(protocol: string): MrcpTransport | undefined {
  const p = protocol.toUpperCase();
  if (p === 'TCP/MRCPV2') return 'TCP';
  if (p === 'TCP/TLS/MRCPV2') return 'TLS';
  return undefined;
}

export function isMrcpSection(m: MediaSection): boolean {
  return m.kind === 'application' && transportOf(m.protocol) !== undefined;
}

/** The client's offer line for a resource (RFC 6787 §4.2: port 9, setup active). */
export function offerMrcp(
  r: MrcpResourceOffer,
  address: string,
  cmid: string | undefined,
): LocalApplicationSection {
  return {
    kind: 'application',
    port: 9,
    address,
    protocol: PROTOCOL[r.transport ?? 'TCP'],
    formats: ['1'],
    setup: 'active',
    connectionType: r.connection ?? 'new',
    resource: r.resource,
    channel: undefined,
    cmid: cmid === undefined ? [] : [cmid],
  };
}

/** A removed resource: the same line with port 0 (RFC 6787 §4.2, RFC 3264 §8.2). */
export function removedMrcp(s: LocalApplicationSection): LocalApplicationSection {
  return { ...s, port: 0, channel: undefined };
}

export type MrcpAnswerOutcome =
  | {
      readonly ok: true;
      readonly section: LocalApplicationSection;
      readonly channel: MrcpChannel;
      readonly isNew: boolean;
    }
  | { readonly ok: false; readonly section: LocalApplicationSection; readonly reason: string };

/** Problems of an offered MRCP line that make us refuse it (port 0), or undefined when it is usable. */
function offerProblem(m: MediaSection, caps: MrcpServerCapabilities): string | undefined {
  const transport = transportOf(m.protocol);
  if (!transport || !(caps.transports ?? ['TCP']).includes(transport))
    return `transport ${m.protocol} not offered`;
  if (m.resource === undefined || !TOKEN.test(m.resource)) return 'missing or invalid a=resource';
  if (!caps.resources.includes(m.resource)) return `resource ${m.resource} not available`;
  // We only accept connections (RFC 4145 §4.1): the client must be active (or actpass).
  if (m.setup !== undefined && m.setup !== 'active' && m.setup !== 'actpass')
    return `a=setup:${m.setup} unsupported`;
  return undefined;
}

/** The server's answer to one offered MRCP line; `existing` is the channel this index already had. */
export function answerMrcp(
  m: MediaSection,
  caps: MrcpServerCapabilities,
  existing: { resource: string; channel: string } | undefined,
): MrcpAnswerOutcome {
  const transport = transportOf(m.protocol) ?? 'TCP';
  const refused: LocalApplicationSection = {
    kind: 'application',
    port: 0,
    address: caps.address,
    protocol: m.protocol,
    formats: m.formats.length > 0 ? m.formats : ['1'],
    setup: 'passive',
    connectionType: m.connectionType,
    resource: undefined,
    channel: undefined,
    cmid: m.cmid,
  };
  if (m.port === 0) return { ok: false, section: refused, reason: 'removed by the offer (port 0)' };
  const problem = offerProblem(m, caps);
  if (problem) return { ok: false, section: refused, reason: problem };
  const resource = m.resource as string;
  const connection = m.connectionType ?? 'new';
  let id: string;
  let answerConnection: MrcpConnection = connection;
  let isNew = false;
  if (existing && existing.resource === resource) {
    id = existing.channel.slice(0, existing.channel.lastIndexOf('@'));
  } else {
    const got = caps.allocateChannel({ index: m.index, resource, connection, transport, cmid: m.cmid });
    if (!got || !TOKEN.test(got.id)) return { ok: false, section: refused, reason: 'no channel available' };
    id = got.id;
    answerConnection = got.connection ?? connection;
    isNew = true;
  }
  const channel = `${id}@${resource}`;
  return {
    ok: true,
    isNew,
    section: { ...refused, port: caps.port, connectionType: answerConnection, channel },
    channel: {
      index: m.index,
      resource,
      channel,
      transport,
      connection: answerConnection,
      address: caps.address,
      port: caps.port,
      cmid: m.cmid,
    },
  };
}

export type MrcpClientOutcome =
  | { readonly ok: true; readonly channel: MrcpChannel }
  | { readonly ok: false; readonly rejected: boolean; readonly reason: string };

/** Reads the server's answer to one of our MRCP lines (RFC 6787 §4.2). */
export function applyMrcpAnswer(offered: LocalApplicationSection, m: MediaSection): MrcpClientOutcome {
  if (m.port === 0) return { ok: false, rejected: true, reason: 'the server refused the resource (port 0)' };
  const transport = transportOf(m.protocol);
  if (!transport || m.protocol.toUpperCase() !== offered.protocol.toUpperCase()) {
    return {
      ok: false,
      rejected: false,
      reason: `answer transport ${m.protocol} differs from ${offered.protocol}`,
    };
  }
  const match = m.channel === undefined ? null : CHANNEL.exec(m.channel);
  if (!match) return { ok: false, rejected: false, reason: 'answer has no valid a=channel:<id>@<resource>' };
  if (match[2] !== offered.resource) {
    return {
      ok: false,
      rejected: false,
      reason: `a=channel names ${match[2]}, we asked for ${offered.resource}`,
    };
  }
  if (!m.connection || m.connection.unspecified) {
    return { ok: false, rejected: false, reason: 'answer has no usable connection address' };
  }
  return {
    ok: true,
    channel: {
      index: m.index,
      resource: offered.resource as string,
      channel: m.channel as string,
      transport,
      connection: m.connectionType ?? offered.connectionType ?? 'new',
      address: m.connection.address,
      port: m.port,
      cmid: m.cmid,
    },
  };
}
