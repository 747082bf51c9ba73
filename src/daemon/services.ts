/**
 * Builds the layers' services from the config. Each layer's issue adds its service here:
 * the daemon is the only place that knows all of them.
 */
import type { Config } from './config/index.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { Service } from './service.js';

export interface ServiceContext {
  config: Config;
  logger: Logger;
  metrics: DaemonMetrics;
}

export function buildServices(_ctx: ServiceContext): Service[] {
  return [];
}
