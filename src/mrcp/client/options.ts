/** Options of the MRCP client: server pools, timeouts and bounds, with their defaults. */
import type { Clock as RtpClock, PortPool, RtpDropCounters } from '../../rtp/index.js';
import type { CodecId } from '../../sdp/index.js';
import type { SipStackOptions } from '../../sip/index.js';
import type { FrameClock } from '../audio/media-audio.js';
import type { MrcpNetCounters } from '../net/metrics.js';
import type { Clock, MrcpLogger } from '../server/clock.js';

/** One MRCPv2 server (ours or a vendor's). */
export interface MrcpServerEntry {
  name: string;
  /** SIP address `host[:port]` (`[v6]:port`); default port 8060. */
  sip: string;
  /** SIP transport towards this server (default udp). */
  transport?: 'udp' | 'tcp';
  /** User part of the Request-URI (default "mrcp"; UniMRCP ignores it). */
  user?: string;
  /** Audio codecs offered, in order (default PCMU, PCMA, G722, L16/8000). */
  codecs?: readonly CodecId[];
  /**
   * One SIP session for all resources (false, default), or one per resource — what FreeSWITCH
   * mod_unimrcp and Asterisk do, and what some vendor servers require.
   */
  sessionPerResource?: boolean;
}

export interface MrcpPoolEntry {
  name: string;
  /** Tried in turn (round robin), the next one when a session cannot be set up. */
  servers: readonly MrcpServerEntry[];
}

export interface ClientTimeouts {
  /** INVITE → final answer (default 5 s); then CANCEL and the next server. */
  inviteMs: number;
  /** MRCP TCP connect (default 3 s). */
  connectMs: number;
  /** Request → response (default 5 s). */
  responseMs: number;
  /** IN-PROGRESS → completion event, per method family (defaults 10 min, 2 min, 10 min). */
  speakMs: number;
  recognizeMs: number;
  recordMs: number;
  /** After a failed setup, how long a server is tried after the others (default 30 s). */
  retryAfterMs: number;
}

export const DEFAULT_TIMEOUTS: ClientTimeouts = {
  inviteMs: 5000,
  connectMs: 3000,
  responseMs: 5000,
  speakMs: 600_000,
  recognizeMs: 120_000,
  recordMs: 600_000,
  retryAfterMs: 30_000,
};

export interface ClientLimits {
  /** Largest MRCP message accepted from a server, and sent to one (default 1 MiB). */
  maxMessageSize: number;
  /** Octets queued towards a server that does not read before the connection is cut (default 4 MiB). */
  maxWriteBuffer: number;
  /** Channels sharing one TCP connection (default 256); more open another connection. */
  maxChannelsPerConnection: number;
  /** An unused TCP connection is kept this long for the next session (default 5 s; 0 closes at once). */
  connectionLingerMs: number;
  /** Requests outstanding per channel (default 64). */
  maxPendingRequests: number;
  /** Caller audio frames queued towards the server (default 10 = 200 ms). */
  maxQueuedFrames: number;
}

export const DEFAULT_CLIENT_LIMITS: ClientLimits = {
  maxMessageSize: 1 << 20,
  maxWriteBuffer: 4 << 20,
  maxChannelsPerConnection: 256,
  connectionLingerMs: 5000,
  maxPendingRequests: 64,
  maxQueuedFrames: 10,
};

export interface MrcpClientOptions {
  pools: readonly MrcpPoolEntry[];
  /** The client's SIP user agent: where it listens (its trunks come from the pools). */
  sip: {
    host: string;
    /** 0 (default) picks an ephemeral port. */
    port?: number;
    protocols?: readonly ('udp' | 'tcp')[];
    advertise?: { host: string; port?: number };
    /** Anything else of SipStackOptions (timers, session timers, limits). */
    extra?: Omit<SipStackOptions, 'listen' | 'trunks' | 'transports'>;
  };
  rtp: { pool: PortPool; host: string; counters?: RtpDropCounters; clock?: RtpClock };
  timeouts?: Partial<ClientTimeouts>;
  limits?: Partial<ClientLimits>;
  /** Send BARGE-IN-OCCURRED to the synthesizer when the recognizer reports START-OF-INPUT (default true). */
  autoBargeIn?: boolean;
  clock?: Clock;
  logger?: MrcpLogger;
  /** The process-wide 20 ms frame clock (default: one of its own). */
  frameClock?: FrameClock;
  counters?: MrcpNetCounters;
}
