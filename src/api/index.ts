/** HTTP + WebSocket call-control and ops API. May import: call. */
export {
  HttpServer,
  jsonReply,
  type HttpReply,
  type HttpServerOptions,
  type RouteHandler,
} from './http-server.js';
export { registerOpsRoutes, type OpsProviders, type Readiness } from './ops-routes.js';
