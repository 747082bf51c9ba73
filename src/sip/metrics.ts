/**
 * The SIP layer's counters: plain numbers and bounded records the daemon publishes as
 * Prometheus metrics. Keys are bounded: methods outside the known set count as `other`,
 * statuses are 100–699 and parse errors are the coded set.
 */

export interface SipCounters {
  messagesReceived: number;
  messagesSent: number;
  /** Parse and core-header errors by code. */
  parseErrors: Record<string, number>;
  requestsReceived: Record<string, number>;
  /** Completed transactions by `METHOD status` (final status; `METHOD timeout` on Timer B/F). */
  transactions: Record<string, number>;
  /** Retransmissions we sent, by `METHOD` for requests and `METHOD status` for responses. */
  retransmissionsSent: Record<string, number>;
  /** Retransmissions received and absorbed by a transaction, by method or `status`. */
  retransmissionsReceived: Record<string, number>;
  transactionsActive: number;
  dialogsActive: number;
  dialogsCreated: number;
  /** Requests from addresses in no trunk's ACL: answered 403, dropped, or challenged. */
  aclRejected: number;
  aclDropped: number;
  authChallenges: number;
  authFailures: number;
  /** INVITEs refused (503) by a trunk's CPS or concurrency limit. */
  rateLimited: number;
  /** Responses that matched no transaction, or whose Via was not ours. */
  strayResponses: number;
  transportErrors: number;
  /** Requests answered 503 because a table (transactions, dialogs) was full. */
  overloaded: number;
}

export function createCounters(): SipCounters {
  return {
    messagesReceived: 0,
    messagesSent: 0,
    parseErrors: {},
    requestsReceived: {},
    transactions: {},
    retransmissionsSent: {},
    retransmissionsReceived: {},
    transactionsActive: 0,
    dialogsActive: 0,
    dialogsCreated: 0,
    aclRejected: 0,
    aclDropped: 0,
    authChallenges: 0,
    authFailures: 0,
    rateLimited: 0,
    strayResponses: 0,
    transportErrors: 0,
    overloaded: 0,
  };
}

const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'PRACK',
  'UPDATE',
  'INFO',
  'REFER',
  'NOTIFY',
  'SUBSCRIBE',
  'MESSAGE',
  'PUBLISH',
]);

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}

export function inc(rec: Record<string, number>, key: string, by = 1): void {
  rec[key] = (rec[key] ?? 0) + by;
}
