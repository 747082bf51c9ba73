/** Coded errors of the MRCP client: every promise it rejects carries one of these codes. */

export type MrcpClientErrorCode =
  /** No server of the pool could set a session up (each attempt's error is in `attempts`). */
  | 'no-server'
  | 'unknown-pool'
  | 'unknown-resource'
  /** The server did not answer the INVITE in time. */
  | 'invite-timeout'
  /** The server answered the INVITE with a failure, or the SIP request could not be sent. */
  | 'invite-rejected'
  | 'sip-error'
  /** The SDP answer was unusable or refused a resource. */
  | 'bad-answer'
  | 'resource-refused'
  /** The MRCP TCP connection could not be opened in time, or failed. */
  | 'connect-timeout'
  | 'connect-failed'
  /** No response to a request, or no completion event, in time. */
  | 'response-timeout'
  | 'completion-timeout'
  /** A request larger than `limits.maxMessageSize`: not sent, only that request fails. */
  | 'message-too-large'
  /** Local RTP ports exhausted. */
  | 'rtp-unavailable'
  /** The session ended (hangup, BYE from the server, connection lost) before the step finished. */
  | 'closed'
  | 'shutdown';

export class MrcpClientError extends Error {
  constructor(
    readonly code: MrcpClientErrorCode,
    message: string,
    /** For `no-server`: each server tried and why it failed. */
    readonly attempts: readonly { server: string; code: MrcpClientErrorCode; message: string }[] = [],
  ) {
    super(message);
    this.name = 'MrcpClientError';
  }
}

/** Errors after which the next server of the pool is tried. */
export const FAILOVER_CODES: ReadonlySet<MrcpClientErrorCode> = new Set([
  'invite-timeout',
  'invite-rejected',
  'sip-error',
  'bad-answer',
  'resource-refused',
  'connect-timeout',
  'connect-failed',
  'response-timeout',
]);
