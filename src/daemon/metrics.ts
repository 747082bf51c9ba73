/**
 * Prometheus metrics: Node's process metrics plus voicegate's own (prefixed `voicegate_`).
 * Lower layers never import prom-client: they keep plain counters, and the daemon registers
 * collectors that read them at scrape time — nothing on the packet path touches a metric object.
 */
import client from 'prom-client';

export interface DaemonMetrics {
  registry: client.Registry;
  ready: client.Gauge;
  draining: client.Gauge;
  configReloads: client.Counter<'result'>;
  unhandledRejections: client.Counter;
}

export function createMetrics(version: string): DaemonMetrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry });
  const buildInfo = new client.Gauge({
    name: 'voicegate_build_info',
    help: 'voicegate version and Node.js version; always 1',
    labelNames: ['version', 'node'] as const,
    registers: [registry],
  });
  buildInfo.set({ version, node: process.version }, 1);
  const start = new client.Gauge({
    name: 'voicegate_start_time_seconds',
    help: 'Unix time the daemon started',
    registers: [registry],
  });
  start.set(Math.floor(Date.now() / 1000));
  return {
    registry,
    ready: new client.Gauge({
      name: 'voicegate_ready',
      help: '1 when every listener is up and the daemon is not draining',
      registers: [registry],
    }),
    draining: new client.Gauge({
      name: 'voicegate_draining',
      help: '1 while the daemon drains before exit',
      registers: [registry],
    }),
    configReloads: new client.Counter({
      name: 'voicegate_config_reloads_total',
      help: 'SIGHUP config reloads by result (ok, invalid)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    unhandledRejections: new client.Counter({
      name: 'voicegate_unhandled_rejections_total',
      help: 'Promise rejections nobody handled (each is a bug, logged with its stack)',
      registers: [registry],
    }),
  };
}
