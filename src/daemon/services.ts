/**
 * Builds the layers' services from the config. The daemon is the only place that knows all of
 * them; each layer's issue adds its service here.
 */
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { Service } from './service.js';
import { createMediaShared, createMrcp, registerMrcpMetrics } from './mrcp-service.js';
import { createSipStack, registerSipMetrics, sipService } from './sip-service.js';

export interface ServiceContext {
  config: Config;
  logger: Logger;
  metrics: DaemonMetrics;
}

export function buildServices(ctx: ServiceContext): Service[] {
  const stack = createSipStack(ctx.config, ctx.logger);
  registerSipMetrics(ctx.metrics.registry, stack);
  // --- MRCP (issue 6): the built-in MRCPv2 server and the MRCP client. `media` (RTP port pool,
  // frame clock, drop counters) must be the daemon's only one: the call layer shares it.
  const media = createMediaShared(ctx.config);
  const mrcp = createMrcp(ctx.config, ctx.logger, media);
  registerMrcpMetrics(ctx.metrics.registry, mrcp);
  // --- end MRCP
  return [sipService(stack), mrcp.service];
}
