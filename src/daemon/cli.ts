#!/usr/bin/env node
/**
 * `voicegate` command line: runs the daemon, or checks a config file.
 * Exit codes: 0 ok, 1 runtime failure (e.g. a port in use), 2 bad usage or invalid config,
 * 70 internal error (an uncaught exception: systemd restarts us).
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, logLevels, type Config, type LogLevel } from './config/index.js';
import { Daemon } from './lifecycle.js';
import { createLogger, flushLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { buildDaemonParts } from './services.js';
import { SystemdNotifier } from './systemd.js';
import { sdNotify } from '../media/index.js';

const USAGE = `Usage: voicegate [options]

Runs the voicegate SIP/MRCPv2 media gateway daemon. Without --config it runs on its embedded
defaults (every listener on 127.0.0.1).

Options:
  --config FILE         YAML configuration file (default: embedded defaults; env VOICEGATE_CONFIG)
  --check-config FILE   validate FILE and exit: 0 valid, 2 invalid
  --log-level LEVEL     error | warn | info | debug (overrides the config and VOICEGATE_LOG_LEVEL)
  --version             print the version and exit
  --help                print this help and exit

Signals: SIGTERM/SIGINT drain and exit 0, SIGHUP reloads the config.`;

export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function fail(message: string, code: number): never {
  process.stderr.write(`voicegate: ${message}\n`);
  process.exit(code);
}

async function main(argv: string[]): Promise<void> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        config: { type: 'string' },
        'check-config': { type: 'string' },
        'log-level': { type: 'string' },
        version: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    fail(`${(err as Error).message.split('\n')[0]} (see --help)`, 2);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const version = packageVersion();
  if (args.version) {
    process.stdout.write(`voicegate ${version}\n`);
    return;
  }
  const logLevel = args['log-level'];
  if (logLevel !== undefined && !(logLevels as readonly string[]).includes(logLevel)) {
    fail(`--log-level must be one of ${logLevels.join(', ')} (got "${logLevel}")`, 2);
  }

  if (args['check-config'] !== undefined) {
    try {
      loadConfig({ file: args['check-config'] });
    } catch (err) {
      if (err instanceof ConfigError) fail(`invalid configuration:\n${err.message}`, 2);
      throw err;
    }
    process.stdout.write(`voicegate: configuration ${args['check-config']} is valid\n`);
    return;
  }

  const configFile = args.config ?? (process.env.VOICEGATE_CONFIG || undefined);
  let config: Config;
  try {
    config = loadConfig({ file: configFile });
  } catch (err) {
    if (err instanceof ConfigError) fail(`invalid configuration:\n${err.message}`, 2);
    throw err;
  }
  if (logLevel) config.log.level = logLevel as LogLevel;

  const logger = createLogger({ level: config.log.level, format: config.log.format });
  const metrics = createMetrics(version);
  const notifier = new SystemdNotifier((state, path) => sdNotify(state, path), process.env, logger);
  const parts = buildDaemonParts({ config, logger, metrics });
  const daemon = new Daemon({
    config,
    configFile,
    env: process.env,
    logger,
    metrics,
    notifier,
    version,
    services: parts.services,
    mountApi: parts.mountApi,
  });

  process.on('unhandledRejection', (reason) => {
    metrics.unhandledRejections.inc();
    logger.error('unhandled promise rejection', {
      component: 'daemon',
      err: reason instanceof Error ? reason.stack : String(reason),
    });
  });
  process.on('uncaughtException', (err) => {
    // State is unknown after an uncaught exception: log it and let systemd restart us.
    logger.error('uncaught exception; exiting', { component: 'daemon', err: err.stack });
    void flushLogger(logger).then(() => process.exit(70));
  });

  let signals = 0;
  const onStop = (signal: NodeJS.Signals): void => {
    if (++signals > 1) {
      logger.warn(`second ${signal}: exiting without waiting for the drain`, { component: 'lifecycle' });
      void flushLogger(logger).then(() => process.exit(1));
      return;
    }
    void daemon.shutdown(signal).then(
      () => flushLogger(logger).then(() => process.exit(0)),
      (err: Error) => {
        logger.error('shutdown failed', { component: 'lifecycle', err: err.stack });
        void flushLogger(logger).then(() => process.exit(1));
      },
    );
  };
  process.on('SIGTERM', onStop);
  process.on('SIGINT', onStop);
  process.on('SIGHUP', () => daemon.reload());

  try {
    await daemon.start();
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { address?: string; port?: number };
    const what = e.code === 'EADDRINUSE' || e.code === 'EACCES' ? ` (${e.address}:${e.port} ${e.code})` : '';
    logger.error(`cannot start: ${e.message}${what}`, { component: 'lifecycle' });
    await flushLogger(logger);
    process.exit(1);
  }
}

main(process.argv.slice(2)).catch((err: Error) => fail(`internal error: ${err.message}`, 70));
