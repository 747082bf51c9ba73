/**
 * Builds the layers' services from the config. The daemon is the only place that knows all of
 * them; each layer's issue adds its service here.
 */
import type { Cdr } from '../call/index.js';
import { callService, createCallLayer, registerCallMetrics } from './call-service.js';
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { Service } from './service.js';
import { createSipStack, registerSipMetrics, sipService } from './sip-service.js';

export interface ServiceContext {
  config: Config;
  logger: Logger;
  metrics: DaemonMetrics;
}

export function buildServices(ctx: ServiceContext): Service[] {
  const stack = createSipStack(ctx.config, ctx.logger);
  registerSipMetrics(ctx.metrics.registry, stack);
  const hook: { cdr?: (cdr: Cdr) => void } = {};
  const calls = createCallLayer(ctx.config, stack, ctx.logger, (cdr) => hook.cdr?.(cdr));
  hook.cdr = registerCallMetrics(ctx.metrics.registry, calls);
  // Services stop in reverse order: the calls (BYE) before the SIP stack closes its sockets.
  return [sipService(stack), callService(calls)];
}
