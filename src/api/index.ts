/** HTTP + WebSocket call-control and ops API. May import: call. */
export {
  HttpServer,
  jsonReply,
  type HttpReply,
  type HttpServerOptions,
  type RouteHandler,
  type UpgradeHandler,
} from './http-server.js';
export { registerOpsRoutes, type OpsProviders, type Readiness } from './ops-routes.js';
export * from './rest/index.js';
export { mountCallApi, type CallApiOptions, type CallApi } from './call-api.js';
export { ManagerCallsPort, portErrorOf } from './manager-calls-port.js';
