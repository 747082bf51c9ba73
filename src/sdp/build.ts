/**
 * Our own SDP, from a LocalDescription, written by sdp-transform. The session-level c= carries the
 * first active section's address; a section on another address gets its own media-level c=.
 */
import { isIP } from 'node:net';
import sdpTransform from 'sdp-transform';
import type { Direction } from './model.js';

export interface LocalFormat {
  readonly pt: number;
  readonly name: string;
  readonly clockRate: number;
  readonly fmtp?: string | undefined;
}

export interface LocalAudioSection {
  readonly kind: 'audio';
  /** 0 when the stream is rejected or removed (RFC 3264 §6, §8.2). */
  readonly port: number;
  readonly address: string;
  readonly formats: readonly LocalFormat[];
  readonly ptime: number | undefined;
  readonly direction: Direction;
  readonly rtcpPort: number | undefined;
  readonly rtcpMux: boolean;
  readonly mid: string | undefined;
}

export interface LocalApplicationSection {
  readonly kind: 'application';
  readonly port: number;
  readonly address: string;
  readonly protocol: string;
  readonly formats: readonly string[];
  readonly setup: 'active' | 'passive' | undefined;
  readonly connectionType: 'new' | 'existing' | undefined;
  readonly resource: string | undefined;
  readonly channel: string | undefined;
  readonly cmid: readonly string[];
}

/** A section we do not use, echoed with port 0 (RFC 3264 §6: the answer keeps every m= line). */
export interface LocalRejectedSection {
  readonly kind: 'rejected';
  readonly port: 0;
  readonly media: string;
  readonly protocol: string;
  readonly formats: readonly string[];
}

export type LocalSection = LocalAudioSection | LocalApplicationSection | LocalRejectedSection;

export interface LocalDescription {
  readonly username: string;
  readonly sessionId: string;
  readonly sessionVersion: bigint;
  readonly sessionName: string;
  readonly address: string;
  readonly sections: readonly LocalSection[];
}

function ipVer(address: string): 4 | 6 {
  return isIP(address) === 6 ? 6 : 4;
}

function sectionAddress(s: LocalSection): string | undefined {
  return s.kind === 'rejected' ? undefined : s.address;
}

export function writeSdp(d: LocalDescription): string {
  const media: sdpTransform.MediaDescription[] = [];
  for (const s of d.sections) {
    const address = sectionAddress(s);
    const connection =
      address !== undefined && address !== d.address ? { version: ipVer(address), ip: address } : undefined;
    if (s.kind === 'audio') {
      media.push({
        type: 'audio',
        port: s.port,
        protocol: 'RTP/AVP',
        payloads: s.formats.map((f) => f.pt).join(' '),
        ...(connection ? { connection } : {}),
        rtp: s.formats.map((f) => ({ payload: f.pt, codec: f.name, rate: f.clockRate })),
        fmtp: s.formats
          .filter((f) => f.fmtp !== undefined)
          .map((f) => ({ payload: f.pt, config: f.fmtp as string })),
        ...(s.port !== 0 && s.ptime !== undefined ? { ptime: s.ptime } : {}),
        ...(s.port !== 0 ? { direction: s.direction } : {}),
        ...(s.port !== 0 && !s.rtcpMux && s.rtcpPort !== undefined ? { rtcp: { port: s.rtcpPort } } : {}),
        ...(s.port !== 0 && s.rtcpMux ? { rtcpMux: 'rtcp-mux' as const } : {}),
        ...(s.mid !== undefined ? { mid: s.mid } : {}),
      });
    } else if (s.kind === 'application') {
      const extra = [
        ...(s.resource !== undefined ? [{ value: `resource:${s.resource}` }] : []),
        ...(s.channel !== undefined ? [{ value: `channel:${s.channel}` }] : []),
        ...s.cmid.map((c) => ({ value: `cmid:${c}` })),
      ];
      media.push({
        type: 'application',
        port: s.port,
        protocol: s.protocol,
        payloads: s.formats.join(' '),
        ...(connection ? { connection } : {}),
        rtp: [],
        fmtp: [],
        ...(s.setup !== undefined ? { setup: s.setup } : {}),
        ...(s.connectionType !== undefined ? { connectionType: s.connectionType } : {}),
        ...(extra.length > 0 ? { invalid: extra } : {}),
      });
    } else {
      media.push({
        type: s.media,
        port: 0,
        protocol: s.protocol,
        payloads: s.formats.join(' '),
        rtp: [],
        fmtp: [],
      });
    }
  }
  const version = ipVer(d.address);
  return sdpTransform.write({
    version: 0,
    origin: {
      username: d.username,
      sessionId: d.sessionId,
      sessionVersion: d.sessionVersion.toString() as unknown as number,
      netType: 'IN',
      ipVer: version,
      address: d.address,
    },
    name: d.sessionName,
    connection: { version, ip: d.address },
    timing: { start: 0, stop: 0 },
    media,
  });
}
