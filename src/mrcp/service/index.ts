/** The networked MRCPv2 server: SIP UAS, TCP control channels, RTP audio over the sans-IO core. */
export {
  MrcpServer,
  mrcpServerSipOptions,
  DEFAULT_SERVER_CODECS,
  type MrcpServerOptions,
} from './mrcp-server.js';
export { DEFAULT_CONNECTION_LIMITS, type ServerConnectionLimits } from './server-connection.js';
export type { ServerSessionState } from './server-session.js';
