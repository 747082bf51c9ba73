/**
 * Plain counters of the networked MRCP server and client, published by the daemon as metrics.
 * Numbers and bounded string-keyed records only: the packet path does `n++`, never more. Record
 * keys come from fixed tables (resource, method, status, cause, reason) so they stay bounded.
 */
import { newCounters, type MrcpCounters } from '../server/machine.js';
import type { ServedResource } from '../codec/tables.js';

/** A latency histogram in seconds (Prometheus-style cumulative buckets are derived when published). */
export interface LatencyHistogram {
  readonly bounds: readonly number[];
  /** counts[i]: observations ≤ bounds[i] and > bounds[i-1]; the last slot is +Inf. */
  readonly counts: number[];
  sum: number;
  count: number;
}

export const LATENCY_BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;

export function newHistogram(bounds: readonly number[] = LATENCY_BOUNDS): LatencyHistogram {
  return { bounds, counts: new Array<number>(bounds.length + 1).fill(0), sum: 0, count: 0 };
}

export function observe(h: LatencyHistogram, seconds: number): void {
  let i = 0;
  while (i < h.bounds.length && seconds > (h.bounds[i] as number)) i++;
  h.counts[i] = (h.counts[i] ?? 0) + 1;
  h.sum += seconds;
  h.count++;
}

export interface MrcpNetCounters {
  /** Gauges. */
  sessionsActive: number;
  channelsActive: number;
  connectionsActive: number;
  /** Sessions set up, and ended by reason. */
  sessionsOpened: number;
  sessionsClosed: Record<string, number>;
  /** Session setups that failed, by cause (server: the SIP status; client: the step). */
  setupFailures: Record<string, number>;
  /** Input dropped or refused, by cause (garbage, message-too-large, foreign-channel...). */
  dropped: Record<string, number>;
  /** Client: steps that timed out (invite, connect, response, completion). */
  timeouts: Record<string, number>;
  /** Client: sessions set up on another server of the pool after a failure. */
  failovers: number;
  /** SPEAK received (server) or sent (client) → first audio frame. */
  firstAudio: LatencyHistogram;
  /** RECOGNIZE → RECOGNITION-COMPLETE. */
  recognitionTime: LatencyHistogram;
  /** Per resource: requests by method, responses by `METHOD status`, events, causes. */
  resources: Record<ServedResource, MrcpCounters>;
}

export function newNetCounters(): MrcpNetCounters {
  return {
    sessionsActive: 0,
    channelsActive: 0,
    connectionsActive: 0,
    sessionsOpened: 0,
    sessionsClosed: {},
    setupFailures: {},
    dropped: {},
    timeouts: {},
    failovers: 0,
    firstAudio: newHistogram(),
    recognitionTime: newHistogram(),
    resources: { speechsynth: newCounters(), speechrecog: newCounters(), recorder: newCounters() },
  };
}

export function count(rec: Record<string, number>, key: string): void {
  rec[key] = (rec[key] ?? 0) + 1;
}
