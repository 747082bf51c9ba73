/** What every leg needs from the call manager: the SIP stack, media plumbing, time and logging. */
import type { Clock, RtpSessionOptions } from '../rtp/index.js';
import type { FrameClock, InbandDetect, StreamRate } from '../media/index.js';
import type { SipStack } from '../sip/index.js';

export interface CallLogger {
  debug(msg: string, meta?: Record<string, unknown>): void;
  info(msg: string, meta?: Record<string, unknown>): void;
  warn(msg: string, meta?: Record<string, unknown>): void;
  error(msg: string, meta?: Record<string, unknown>): void;
}

export interface LegContext {
  readonly stack: SipStack;
  readonly frameClock: FrameClock;
  /** RTP session options shared by every leg (pool, host, counters, timeouts...). */
  readonly rtp: RtpSessionOptions;
  readonly rate: StreamRate | 'codec';
  readonly inbandDetect: InbandDetect;
  /** Host named in our Warning headers. */
  readonly agentHost: string;
  readonly clock: Clock;
  readonly logger: CallLogger;
}
