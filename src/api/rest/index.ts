export { BearerAuth } from './auth.js';
export {
  STATUS_OF,
  type ApplicationSpec,
  type CallCommand,
  type CallDetail,
  type CallEvent,
  type CallFilter,
  type CallsPort,
  type CallSummary,
  type OriginateRequest,
  type PortError,
  type PortErrorCode,
  type PortResult,
} from './calls-port.js';
export { EventsStream, type EventsCounters, type EventsOptions } from './events-ws.js';
export { readJsonBody } from './json-body.js';
export { openApiDocument } from './openapi.js';
export { RateLimiter } from './rate-limit.js';
export { apiRoutes, registerRestRoutes, type ApiRoute } from './routes.js';
