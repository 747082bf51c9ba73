/**
 * Builds the layers' services from the config. The daemon is the only place that knows all of
 * them; each layer's issue adds its service here.
 */
import type { CallApi, HttpServer } from '../api/index.js';
import type { Cdr } from '../call/index.js';
import {
  callService,
  createCallLayer,
  keepaliveDefaults,
  loadDialingProfiles,
  mountCallsApi,
  registerCallMetrics,
} from './call-service.js';
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import { createMediaShared } from './media-shared.js';
import type { DaemonMetrics } from './metrics.js';
import { createMrcp, registerMrcpMetrics } from './mrcp-service.js';
import type { Service } from './service.js';
import { createSipStack, registerSipMetrics, sipService } from './sip-service.js';

export interface ServiceContext {
  config: Config;
  logger: Logger;
  metrics: DaemonMetrics;
}

export interface DaemonParts {
  services: Service[];
  /**
   * Mounts the call-control API (/v1/calls, /v1/events, /v1/openapi.json) on the daemon's HTTP
   * server, over the call layer's manager (outbound dials included).
   */
  mountApi(http: HttpServer, version: string): CallApi;
}

export function buildServices(ctx: ServiceContext): Service[] {
  return buildDaemonParts(ctx).services;
}

export function buildDaemonParts(ctx: ServiceContext): DaemonParts {
  // Dialing profiles first: a trunk's carrier profile gives its OPTIONS keepalive when the trunk
  // sets none (RFC 3261 §11 pings at the profile's optionsIntervalS).
  const profiles = loadDialingProfiles(ctx.config, ctx.logger.child({ component: 'call' }));
  const stack = createSipStack(
    ctx.config,
    ctx.logger,
    profiles ? keepaliveDefaults(ctx.config, profiles) : {},
  );
  registerSipMetrics(ctx.metrics.registry, stack);
  // One RTP port pool, frame clock and drop counter set for calls and MRCP sessions alike.
  const media = createMediaShared(ctx.config, ctx.logger);
  const hook: { cdr?: (cdr: Cdr) => void } = {};
  // The MRCP client (to the built-in server by default) is the call layer's speech provider.
  const mrcp = createMrcp(ctx.config, ctx.logger, media);
  registerMrcpMetrics(ctx.metrics.registry, mrcp);
  const calls = createCallLayer(
    ctx.config,
    stack,
    ctx.logger,
    media,
    (cdr) => hook.cdr?.(cdr),
    mrcp.speech,
    undefined,
    profiles ?? null,
  );
  hook.cdr = registerCallMetrics(ctx.metrics.registry, calls);
  // Services stop in reverse order: calls end (BYE) and MRCP sessions close before the SIP stack.
  return {
    services: [sipService(stack), mrcp.service, callService(calls)],
    mountApi: (http, version) => mountCallsApi(http, calls, ctx.config, version),
  };
}
