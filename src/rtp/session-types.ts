/** The public shapes of an RTP session: options, stream configuration, delegate, statistics. */
import type { Clock } from './clock.js';
import type { RtpDropCounters } from './counters.js';
import type { DigitEvent } from './dtmf-receiver.js';
import type { JitterBufferOptions, JitterStats } from './jitter-buffer.js';
import type { Logger } from './logger.js';
import type { PortPool } from './port-pool.js';
import type { RtcpPacket } from './rtcp.js';
import type { FilterMode } from './source-filter.js';

export interface RtpSessionOptions {
  readonly pool: PortPool;
  /** Address the sockets bind to (IPv4 or IPv6); also what SDP advertises. */
  readonly host: string;
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** Shared drop counters (the daemon's metrics); each session also keeps its own. */
  readonly counters?: RtpDropCounters;
  /** SO_RCVBUF for each socket (default 1 MiB; the kernel caps it at net.core.rmem_max). */
  readonly recvBufferSize?: number;
  readonly sendBufferSize?: number;
  /** Bind only the RTP port (RTCP muxed, RFC 5761) from the start. */
  readonly rtcpMux?: boolean;
  /** `latch` (default): symmetric RTP, the first valid source within the window; `fixed`: the SDP address only. */
  readonly sourceFilter?: FilterMode;
  /** Latching window after the remote is set, ms (default 2000). */
  readonly latchWindowMs?: number;
  /** No RTP/RTCP received for this long while receiving → onInactive (default 30 000; 0 = off). */
  readonly inactivityTimeoutMs?: number;
  /** Datagrams per second accepted per session before the rest count as flood (default 400). */
  readonly maxPacketsPerSecond?: number;
  /** RFC 3550 §6.5.1 CNAME (default `voicegate@<host>`). */
  readonly cname?: string;
  /** Jitter buffer settings, or false to take audio only through onAudio (a bridge). */
  readonly jitterBuffer?: JitterBufferOptions | false;
  readonly dtmf?: {
    /** Receive: an event without packets for this long ends (default 600 ms). */
    readonly timeoutMs?: number;
    /** Send defaults. */
    readonly durationMs?: number;
    readonly gapMs?: number;
    readonly volume?: number;
    readonly maxQueue?: number;
  };
  readonly rtcp?: {
    readonly enabled?: boolean;
    /** Session bandwidth for the §6.2 interval, kbit/s (default 80: G.711 with headers). */
    readonly sessionKbps?: number;
    /** §6.2 reduced minimum (360 / kbps seconds) instead of 5 s. */
    readonly reducedMinimum?: boolean;
  };
  /** Port pairs tried when a bind fails (another process holds the port). Default 16. */
  readonly bindAttempts?: number;
  /** Uniform [0, 1): SSRC, initial sequence/timestamp, RTCP randomisation. */
  readonly random?: () => number;
}

/** What negotiation decided (the media layer maps the SDP layer's NegotiatedAudio onto this). */
export interface RtpStreamConfig {
  /** undefined: the peer asked for nothing to be sent (c=0.0.0.0 hold). */
  readonly remoteAddress: string | undefined;
  readonly remotePort: number;
  readonly remoteRtcpAddress?: string | undefined;
  readonly remoteRtcpPort?: number;
  readonly rtcpMux?: boolean;
  readonly sendPayloadType: number;
  readonly recvPayloadType: number;
  readonly clockRate: number;
  /** Packetisation we send (the peer's a=ptime), ms. */
  readonly sendPtimeMs?: number;
  /** Packetisation we receive, ms (jitter buffer frame). */
  readonly recvPtimeMs?: number;
  readonly telephoneEvent?: { readonly sendPayloadType: number; readonly recvPayloadType: number };
  readonly send: boolean;
  readonly recv: boolean;
}

/**
 * One accepted audio packet, before the jitter buffer: the payload is `length` bytes at `offset` of
 * `buffer` (the datagram, not copied). One object reused for every packet: valid during the
 * callback only (subarray or copy what you keep).
 */
export interface ReceivedAudio {
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
  buffer: Uint8Array;
  offset: number;
  length: number;
}

/** Typed callbacks of a session; a throwing callback is logged and never reaches the socket. */
export interface RtpSessionDelegate {
  onAudio?(packet: ReceivedAudio): void;
  onDigit?(digit: DigitEvent): void;
  onDigitBegin?(event: number, digit: string): void;
  /** No media for inactivityTimeoutMs while receiving: the call is probably dead. */
  onInactive?(silentForMs: number): void;
  onSsrcChange?(previous: number, next: number): void;
  /** The peer latched (symmetric RTP): where we now send. */
  onLatched?(address: string, port: number): void;
  onRtcp?(packets: readonly RtcpPacket[]): void;
  onBye?(reason: string | undefined): void;
}

export interface RtpSessionStats {
  readonly localPort: number;
  readonly localRtcpPort: number | undefined;
  readonly ssrc: number;
  readonly remoteSsrc: number | undefined;
  readonly remote: { readonly address: string | undefined; readonly port: number; readonly latched: boolean };
  readonly sent: { readonly packets: number; readonly octets: number; readonly digits: number };
  readonly received: {
    readonly packets: number;
    readonly octets: number;
    readonly expected: number;
    readonly lost: number;
    readonly lossPercent: number;
    readonly jitterMs: number;
    readonly digits: number;
  };
  /** What the peer reports about our stream (its last RR/SR block for us). */
  readonly remoteReport:
    { readonly fractionLost: number; readonly cumulativeLost: number; readonly jitterMs: number } | undefined;
  readonly rttMs: number | undefined;
  readonly rFactor: number;
  readonly mos: number;
  readonly ssrcChanges: number;
  readonly drops: RtpDropCounters;
  readonly jitterBuffer: (JitterStats & { readonly delayMs: number; readonly targetMs: number }) | undefined;
  readonly rtcp: { readonly sent: number; readonly received: number };
  readonly recvBufferSize: number;
}
