/** The MRCPv2 client: server pools, SIP UAC, TCP control channels, RTP audio, typed results. */
export { MrcpClient, trunkName, type OpenSessionOptions } from './mrcp-client.js';
export {
  MrcpSpeechSession,
  type Handle,
  type Headers,
  type RecognizeOptions,
  type SpeakOptions,
  type SpeechSessionEvents,
} from './speech-session.js';
export { ClientChannel, type RequestEnd, type RequestHandle, type RequestOptions } from './client-channel.js';
export { MrcpClientError, FAILOVER_CODES, type MrcpClientErrorCode } from './client-errors.js';
export {
  DEFAULT_CLIENT_LIMITS,
  DEFAULT_TIMEOUTS,
  type ClientLimits,
  type ClientTimeouts,
  type MrcpClientOptions,
  type MrcpPoolEntry,
  type MrcpServerEntry,
} from './options.js';
export type { CompletionResult, RecognizeResult, RecordResult, SpeakResult } from './results.js';
export type { ClientSessionState } from './client-session.js';
