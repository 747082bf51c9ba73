/**
 * What calls and sessions need from the stack, as an interface so they do not import it: the
 * layers below, the dialog table, timers, counters, and the helpers that stamp Via/Contact and
 * pick the next hop.
 */
import type { Clock } from '../clock.js';
import type { SessionTimerConfig } from '../dialog/session-timer.js';
import type { Dialog } from '../dialog/dialog.js';
import type { SipLogger } from '../logger.js';
import type { SipRequest } from '../message/message.js';
import type { SipCounters } from '../metrics.js';
import type { ServerTransaction } from '../transaction/server.js';
import type { TransactionLayer } from '../transaction/layer.js';
import type { TimerConfig } from '../transaction/timers.js';
import type { IncomingRequest, SendTarget, TransportLayer } from '../transport/transport-layer.js';
import type { TransportProtocol } from '../transport/transport.js';
import type { DigestCredentials } from './digest.js';

/** An entry of the dialog table: whoever handles requests inside that dialog. */
export interface DialogUser {
  receiveRequest(req: IncomingRequest, tx: ServerTransaction): void;
  /** The ACK for a 2xx (§13.2.2.4), routed by dialog. */
  receiveAck?(req: IncomingRequest): void;
}

export interface UaConfig {
  userAgent: string;
  /** Methods we accept, in Allow. */
  allow: readonly string[];
  /** Option tags we support (Supported / checked against Require, §8.2.2.3). */
  supported: readonly string[];
  /** 100rel: offer it ('supported'), insist on it ('required') or never use it. */
  prack: 'supported' | 'required' | 'disabled';
  sessionTimer: SessionTimerConfig;
  /** Most early dialogs kept per outgoing INVITE (forking). */
  maxForks: number;
  /** Longest we wait for an ACK before a BYE (§13.3.1.4: 64*T1). */
}

export interface UaContext {
  readonly clock: Clock;
  readonly timers: TimerConfig;
  readonly counters: SipCounters;
  readonly logger: SipLogger;
  readonly debug: boolean;
  readonly config: UaConfig;
  readonly transport: TransportLayer;
  readonly transactions: TransactionLayer;
  addDialog(key: string, user: DialogUser): void;
  removeDialog(key: string, user: DialogUser): void;
  /** Top Via for a new request over `protocol`, with a fresh branch. */
  via(protocol: TransportProtocol, remoteAddress: string): { value: string; branch: string };
  /** Our Contact URI for `protocol`. */
  contact(protocol: TransportProtocol, remoteAddress: string): string;
  /** Where requests in this dialog go (§12.2.1.1, §8.1.2); `fallback` when the URI is not an IP. */
  dialogTarget(dialog: Dialog, fallback: SendTarget): SendTarget;
  /** Adds Via (and User-Agent) and sends an ACK or other request outside any transaction. */
  sendStateless(req: SipRequest, target: SendTarget): Buffer;
  /** A session ended or a call finished: releases trunk counters. */
  callEnded(trunk: string | null): void;
  /** The trunk's credentials for challenges to our requests (§22.2), if it has any. */
  credentialsFor(trunk: string | null): DigestCredentials | undefined;
}
