/** Options of the SipStack, with their defaults. */
import type { Clock } from '../clock.js';
import type { SessionTimerConfig } from '../dialog/session-timer.js';
import type { SipLogger } from '../logger.js';
import type { TimerConfig } from '../transaction/timers.js';
import type { Transport } from '../transport/transport.js';
import type { TrunkConfig } from './trunk.js';

export interface ListenConfig {
  protocol: 'udp' | 'tcp' | 'tls';
  host: string;
  /** 0 picks an ephemeral port. */
  port: number;
}

export interface SipStackOptions {
  /** Sockets to open. Ignored when `transports` is given. */
  listen?: ListenConfig[];
  /** Ready-made transports (tests use the in-memory network). */
  transports?: Transport[];
  /** Host (and port) written into Via and Contact instead of the bound address (public address). */
  advertise?: { host: string; port?: number };
  /** PEM certificate and key for TLS listeners (the daemon reads the files). */
  tls?: { cert: string | Buffer; key: string | Buffer; ca?: string | Buffer; rejectUnauthorized?: boolean };
  trunks?: TrunkConfig[];
  /** Requests from addresses in no trunk's ACL: 403, dropped unparsed, or digest-challenged. */
  unknownPeers?: 'reject' | 'drop' | 'challenge';
  /** Realm of our digest challenges (default "voicegate"). */
  realm?: string;
  /** Most 403/401 answers per second to unknown peers; beyond, they are dropped (default 50). */
  rejectRate?: number;
  timers?: Partial<TimerConfig>;
  limits?: {
    maxTransactions?: number;
    /** Most dialogs (early and confirmed); new INVITEs get 503 beyond (default 50,000). */
    maxDialogs?: number;
    maxMessageBytes?: number;
    maxHeaders?: number;
    maxHeaderLineBytes?: number;
    maxTcpConnections?: number;
    tcpIdleSeconds?: number;
  };
  userAgent?: string;
  prack?: 'supported' | 'required' | 'disabled';
  sessionTimer?: Partial<SessionTimerConfig>;
  /** Requests over the MTU go by TCP when the trunk allows (§18.1.1); default 1300 bytes. */
  mtu?: number;
  clock?: Clock;
  logger?: SipLogger;
  /** Debug lines for every state transition (they cost allocations on the packet path). */
  debug?: boolean;
}

/** Methods voicegate serves (Allow). MESSAGE is answered inside dialogs only. */
export const ALLOW = [
  'INVITE',
  'ACK',
  'CANCEL',
  'BYE',
  'OPTIONS',
  'PRACK',
  'UPDATE',
  'INFO',
  'REFER',
  'NOTIFY',
];
