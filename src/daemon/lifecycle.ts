/**
 * The daemon's lifecycle: start every service, then READY=1; SIGTERM/SIGINT drain in-flight work
 * for up to shutdown.graceSeconds and exit 0; SIGHUP reloads the config (an invalid file keeps the
 * old one). State machine: starting → running ⇄ reloading; running → draining → stopped.
 */
import { HttpServer, registerOpsRoutes } from '../api/index.js';
import { diffConfig, loadConfig, type Config } from './config/index.js';
import type { Logger } from './logger.js';
import type { DaemonMetrics } from './metrics.js';
import type { Service } from './service.js';
import type { SystemdNotifier } from './systemd.js';

export type DaemonState = 'idle' | 'starting' | 'running' | 'reloading' | 'draining' | 'stopped';

const transitions: Record<DaemonState, readonly DaemonState[]> = {
  idle: ['starting'],
  starting: ['running', 'draining', 'stopped'],
  running: ['reloading', 'draining'],
  reloading: ['running', 'draining'],
  draining: ['stopped'],
  stopped: [],
};

/** Keys applied without a restart; a change to any other key is logged as needing one. */
const LIVE_KEYS = new Set(['log.level', 'log.format', 'shutdown.graceSeconds']);

export interface DaemonDeps {
  config: Config;
  configFile: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  metrics: DaemonMetrics;
  notifier: SystemdNotifier;
  version: string;
  /** The layers' services, built from the config (the HTTP server is the daemon's own). */
  services: Service[];
  /** Mounts the call-control API (/v1/...) on the daemon's HTTP server; returns its closer. */
  mountApi?: (http: HttpServer, version: string) => { close(): void };
}

export class Daemon {
  private state: DaemonState = 'idle';
  private config: Config;
  readonly http: HttpServer;
  private drainPromise: Promise<void> | undefined;
  private readonly api: { close(): void } | undefined;

  constructor(private readonly deps: DaemonDeps) {
    this.config = deps.config;
    this.http = new HttpServer({
      host: deps.config.http.host,
      port: deps.config.http.port,
      maxConnections: deps.config.http.maxConnections,
      logger: deps.logger.child({ component: 'http' }),
    });
    registerOpsRoutes(this.http, {
      version: deps.version,
      readiness: () => ({
        ready: this.isReady(),
        draining: this.state === 'draining' || this.state === 'stopped',
        listeners: this.listeners(),
      }),
      metrics: async () => ({
        contentType: deps.metrics.registry.contentType,
        body: await deps.metrics.registry.metrics(),
      }),
    });
    this.api = deps.mountApi?.(this.http, deps.version);
  }

  get currentState(): DaemonState {
    return this.state;
  }

  get currentConfig(): Config {
    return this.config;
  }

  private transition(to: DaemonState): void {
    if (!transitions[this.state].includes(to)) {
      throw new Error(`daemon: illegal transition ${this.state} -> ${to}`);
    }
    this.deps.logger.debug(`state ${this.state} -> ${to}`, { component: 'lifecycle' });
    this.state = to;
    this.deps.metrics.ready.set(this.isReady() ? 1 : 0);
    this.deps.metrics.draining.set(to === 'draining' ? 1 : 0);
  }

  listeners(): Record<string, boolean> {
    const all: Record<string, boolean> = { http: this.http.isListening };
    for (const s of this.deps.services) Object.assign(all, s.listeners());
    return all;
  }

  isReady(): boolean {
    return (
      (this.state === 'running' || this.state === 'reloading') &&
      Object.values(this.listeners()).every(Boolean)
    );
  }

  statusLine(): string {
    const parts = [this.state, ...this.deps.services.map((s) => s.summary?.()).filter(Boolean)];
    return parts.join('; ');
  }

  /** Starts the HTTP listener and every service; throws (after releasing what started) on failure. */
  async start(): Promise<void> {
    this.transition('starting');
    const { logger } = this.deps;
    const started: Service[] = [];
    try {
      await this.http.start();
      const a = this.http.address();
      logger.info('http listening', { component: 'http', host: a.address, port: a.port });
      for (const s of this.deps.services) {
        await s.start();
        started.push(s);
      }
    } catch (err) {
      for (const s of started.reverse()) await s.stop().catch(() => undefined);
      await this.http.stop();
      this.transition('stopped');
      throw err;
    }
    this.transition('running');
    const watchdogMs = this.deps.notifier.startWatchdog();
    this.deps.notifier.ready(this.statusLine());
    logger.info('voicegate ready', {
      component: 'lifecycle',
      version: this.deps.version,
      listeners: this.listeners(),
      ...(watchdogMs ? { watchdogMs } : {}),
    });
  }

  /**
   * Drains and stops. Resolves when everything is released; a second call while draining returns
   * the same promise. Exit code is the caller's business.
   */
  shutdown(reason: string): Promise<void> {
    if (this.drainPromise) return this.drainPromise;
    this.drainPromise = this.runShutdown(reason);
    return this.drainPromise;
  }

  private async runShutdown(reason: string): Promise<void> {
    const { logger, notifier } = this.deps;
    if (this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.transition('draining');
    const graceMs = this.config.shutdown.graceSeconds * 1000;
    notifier.stopping(`draining (${reason})`);
    logger.info('draining', {
      component: 'lifecycle',
      reason,
      graceSeconds: this.config.shutdown.graceSeconds,
    });
    const t0 = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled(this.deps.services.map((s) => s.drain())).then(() => true),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), graceMs))),
    ]);
    clearTimeout(timer);
    if (!drained) logger.warn('drain grace expired; cutting in-flight work', { component: 'lifecycle' });
    for (const s of [...this.deps.services].reverse()) {
      await s
        .stop()
        .catch((err: Error) =>
          logger.error('service stop failed', { component: 'lifecycle', service: s.name, err: err.message }),
        );
    }
    this.api?.close();
    await this.http.stop();
    notifier.stop();
    this.transition('stopped');
    logger.info('stopped', { component: 'lifecycle', drainMs: Date.now() - t0, drained });
  }

  /** SIGHUP: re-reads the config file; an invalid one keeps the running config. */
  reload(): boolean {
    if (this.state !== 'running') {
      this.deps.logger.warn('reload ignored', { component: 'lifecycle', state: this.state });
      return false;
    }
    const { logger, notifier, metrics } = this.deps;
    this.transition('reloading');
    notifier.reloading();
    let ok = false;
    try {
      const next = loadConfig({ file: this.deps.configFile, env: this.deps.env });
      const changed = diffConfig(this.config, next);
      const notLive = new Set(changed.filter((k) => !LIVE_KEYS.has(k)));
      for (const s of this.deps.services) {
        const leftover = s.reload?.(next, changed);
        if (leftover) for (const k of changed) if (!leftover.includes(k)) notLive.delete(k);
      }
      if (next.log.level !== this.config.log.level) logger.level = next.log.level;
      this.config = next;
      metrics.configReloads.inc({ result: 'ok' });
      logger.info('config reloaded', { component: 'config', changed, file: this.deps.configFile ?? null });
      if (notLive.size > 0) {
        logger.warn('changed keys take effect after a restart', { component: 'config', keys: [...notLive] });
      }
      ok = true;
    } catch (err) {
      metrics.configReloads.inc({ result: 'invalid' });
      logger.error(`config reload failed, keeping the running config: ${(err as Error).message}`, {
        component: 'config',
        file: this.deps.configFile ?? null,
      });
    }
    this.transition('running');
    notifier.ready(this.statusLine());
    return ok;
  }
}
