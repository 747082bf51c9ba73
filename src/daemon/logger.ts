/**
 * winston JSON-lines logger: one object per line with time, level, component, msg, callId (when
 * the line belongs to a call) and the line's own fields. Human-readable when stdout is a TTY.
 * Never used on the packet path: per-packet events are counted in metrics, not logged.
 */
import type { Writable } from 'node:stream';
import winston from 'winston';
import type { LogLevel } from './config/index.js';

export type Logger = winston.Logger;

export interface LoggerOptions {
  level: LogLevel;
  format: 'auto' | 'json' | 'pretty';
  /** Destination; stdout by default. */
  stream?: Writable & { isTTY?: boolean };
}

const ORDER = ['time', 'level', 'component', 'callId', 'msg'] as const;

/** Orders the fields of a line: time, level, component, callId, msg, then the rest. */
function lineObject(info: winston.Logform.TransformableInfo): Record<string, unknown> {
  const { level, message, timestamp, component, callId, ...rest } = info as Record<string | symbol, unknown>;
  const out: Record<string, unknown> = { time: timestamp, level, component: component ?? 'daemon' };
  if (callId !== undefined) out.callId = callId;
  out.msg = message;
  for (const [k, v] of Object.entries(rest)) {
    if (!(ORDER as readonly string[]).includes(k)) out[k] = v instanceof Error ? v.message : v;
  }
  return out;
}

const jsonLine = winston.format.printf((info) => JSON.stringify(lineObject(info)));

const prettyLine = winston.format.printf((info) => {
  const o = lineObject(info);
  const { time, level, component, callId, msg, ...rest } = o;
  const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
  return `${String(time)} ${String(level).padEnd(5)} [${String(component)}]${callId ? ` <${String(callId)}>` : ''} ${String(msg)}${extra}`;
});

export function createLogger(opts: LoggerOptions): Logger {
  const stream = opts.stream ?? process.stdout;
  const pretty = opts.format === 'pretty' || (opts.format === 'auto' && stream.isTTY === true);
  return winston.createLogger({
    level: opts.level,
    levels: { error: 0, warn: 1, info: 2, debug: 3 },
    format: winston.format.combine(winston.format.timestamp(), pretty ? prettyLine : jsonLine),
    transports: [new winston.transports.Stream({ stream })],
    exitOnError: false,
  });
}

/** Waits until every transport has written what it holds (before process exit). */
export function flushLogger(logger: Logger, timeoutMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    logger.on('finish', () => {
      clearTimeout(timer);
      resolve();
    });
    logger.end();
  });
}
