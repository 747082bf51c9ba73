/**
 * The minimal logger the SIP layer takes; the daemon passes its winston child. Lines that belong
 * to a dialog carry its Call-ID as `callId`. Per-packet events are counted, never logged above
 * debug.
 */
export type LogFn = (msg: string, meta?: Record<string, unknown>) => void;

export interface SipLogger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
}

const noop: LogFn = () => {};
export const nullLogger: SipLogger = { debug: noop, info: noop, warn: noop, error: noop };
