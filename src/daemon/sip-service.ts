/**
 * Builds the trunk-facing SipStack from the `sip` config section as a daemon Service and publishes
 * its plain counters as metrics. TLS files are read here: the SIP layer reads no files.
 */
import { readFileSync } from 'node:fs';
import type client from 'prom-client';
import { SipStack } from '../sip/index.js';
import type { Config } from './config/index.js';
import { toSipStackOptions } from './config/sip-schema.js';
import type { Logger } from './logger.js';
import { registerPlainMetrics } from './plain-metrics.js';
import type { Service } from './service.js';

/** OPTIONS keepalive per SIP trunk that sets none itself (from its carrier profile). */
export type KeepaliveDefaults = Readonly<Record<string, { intervalSeconds: number; downAfter: number }>>;

export function createSipStack(config: Config, logger: Logger, keepalive: KeepaliveDefaults = {}): SipStack {
  const sip = {
    ...config.sip,
    trunks: config.sip.trunks.map((t) =>
      t.keepalive || !keepalive[t.name] ? t : { ...t, keepalive: keepalive[t.name] },
    ),
  };
  const pem = {
    ...(sip.tls.cert ? { cert: readFileSync(sip.tls.cert) } : {}),
    ...(sip.tls.key ? { key: readFileSync(sip.tls.key) } : {}),
    ...(sip.tlsClient.ca ? { ca: readFileSync(sip.tlsClient.ca) } : {}),
  };
  return new SipStack({
    ...toSipStackOptions(sip, pem),
    logger: logger.child({ component: 'sip' }),
    debug: config.log.level === 'debug',
  });
}

export function sipService(stack: SipStack): Service {
  return {
    name: 'sip',
    start: () => stack.start(),
    drain: () => stack.drain(),
    stop: () => stack.stop(),
    listeners: () => stack.listeners(),
    summary: () => stack.summary(),
  };
}

export function registerSipMetrics(registry: client.Registry, stack: SipStack): void {
  registerPlainMetrics(registry, () => stack.counters as unknown as Record<string, unknown>, [
    {
      field: 'messagesReceived',
      name: 'sip_messages_received_total',
      help: 'SIP messages received',
      type: 'counter',
    },
    { field: 'messagesSent', name: 'sip_messages_sent_total', help: 'SIP messages sent', type: 'counter' },
    {
      field: 'parseErrors',
      name: 'sip_parse_errors_total',
      help: 'Malformed SIP messages by cause',
      type: 'counter',
      label: 'cause',
    },
    {
      field: 'requestsReceived',
      name: 'sip_requests_received_total',
      help: 'SIP requests by method',
      type: 'counter',
      label: 'method',
    },
    {
      field: 'transactions',
      name: 'sip_transactions_total',
      help: 'Completed SIP transactions by method and final status',
      type: 'counter',
      label: 'outcome',
    },
    {
      field: 'retransmissionsSent',
      name: 'sip_retransmissions_sent_total',
      help: 'SIP retransmissions sent',
      type: 'counter',
      label: 'message',
    },
    {
      field: 'retransmissionsReceived',
      name: 'sip_retransmissions_received_total',
      help: 'SIP retransmissions received and absorbed',
      type: 'counter',
      label: 'message',
    },
    {
      field: 'transactionsActive',
      name: 'sip_transactions_active',
      help: 'SIP transactions in the table',
      type: 'gauge',
    },
    { field: 'dialogsActive', name: 'sip_dialogs_active', help: 'SIP dialogs alive', type: 'gauge' },
    {
      field: 'dialogsCreated',
      name: 'sip_dialogs_created_total',
      help: 'SIP dialogs created',
      type: 'counter',
    },
    {
      field: 'aclRejected',
      name: 'sip_acl_rejected_total',
      help: 'Requests from unknown peers answered 403 or challenged',
      type: 'counter',
    },
    {
      field: 'aclDropped',
      name: 'sip_acl_dropped_total',
      help: 'Requests from unknown peers dropped',
      type: 'counter',
    },
    {
      field: 'authChallenges',
      name: 'sip_auth_challenges_total',
      help: 'Digest challenges sent',
      type: 'counter',
    },
    {
      field: 'authFailures',
      name: 'sip_auth_failures_total',
      help: 'Digest authentications failed',
      type: 'counter',
    },
    {
      field: 'rateLimited',
      name: 'sip_rate_limited_total',
      help: 'INVITEs refused by a trunk CPS or concurrency limit',
      type: 'counter',
    },
    {
      field: 'strayResponses',
      name: 'sip_stray_responses_total',
      help: 'Responses matching no transaction',
      type: 'counter',
    },
    {
      field: 'transportErrors',
      name: 'sip_transport_errors_total',
      help: 'SIP transport errors',
      type: 'counter',
    },
    {
      field: 'overloaded',
      name: 'sip_overloaded_total',
      help: 'Requests answered 503 because a table was full',
      type: 'counter',
    },
  ]);
}
