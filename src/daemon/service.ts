/**
 * What the daemon runs: each layer's long-lived part (SIP stack, MRCP server, HTTP API...) is a
 * Service with a start, a drain (stop taking new work, finish in-flight work) and a stop.
 */
import type { Config } from './config/index.js';

export interface Service {
  readonly name: string;
  start(): Promise<void>;
  /** Stop taking new work and resolve when in-flight work has ended. The daemon bounds the wait. */
  drain(): Promise<void>;
  /** Release everything now (sockets, timers); in-flight work is cut. */
  stop(): Promise<void>;
  /** Listener names and whether each is up. */
  listeners(): Record<string, boolean>;
  /** A few words for systemd's STATUS= line, e.g. `calls=3`. */
  summary?(): string;
  /** Applies a reloaded config; returns the changed keys it could not apply live. */
  reload?(next: Config, changedKeys: readonly string[]): string[];
}
