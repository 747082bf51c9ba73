/** What a client session sees of the MRCP client that owns it. */
import type { SipStack } from '../../sip/index.js';
import type { CodecId } from '../../sdp/index.js';
import type { MrcpAudioOptions } from '../audio/media-audio.js';
import type { MrcpNetCounters } from '../net/metrics.js';
import type { Clock, MrcpLogger } from '../server/clock.js';
import type { ConnectionPool } from './client-connection.js';
import type { ClientLimits, ClientTimeouts, MrcpServerEntry } from './options.js';

/** One server of a pool, resolved: its SIP trunk in the client's SipStack. */
export interface ServerTarget {
  /** `<pool>/<server>`. */
  readonly name: string;
  readonly trunk: string;
  readonly user: string;
  readonly codecs: readonly CodecId[];
  readonly entry: MrcpServerEntry;
}

export interface ClientContext {
  readonly clock: Clock;
  readonly logger: MrcpLogger;
  readonly counters: MrcpNetCounters;
  readonly timeouts: ClientTimeouts;
  readonly limits: ClientLimits;
  readonly sip: SipStack;
  readonly connections: ConnectionPool;
  /** Each server's MRCP endpoint as its last answer gave it (to offer `a=connection:existing`). */
  readonly endpoints: Map<string, { address: string; port: number }>;
  /** Our RTP address for SDP offers. */
  readonly rtpAddress: string;
  audioOptions(logger: MrcpLogger): MrcpAudioOptions;
  /** Completion deadline of a method (SPEAK, RECOGNIZE, RECORD...). */
  completionMs(method: string): number;
}
