/** Messages between the bench orchestrator and its two child processes (server, generator). */

export type ServerMode = 'relay' | 'echo' | 'bridge';

export type ToServer =
  | { type: 'setup'; mode: ServerMode; remotes: number[]; portBase: number }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'exit' };

export type FromServer =
  | { type: 'window-started' }
  | {
      type: 'ready';
      ports: number[];
      memory: { rss: number; heap: number; external: number };
      baseline: { rss: number; heap: number; external: number };
    }
  | {
      type: 'window';
      cpuMs: number;
      wallMs: number;
      gcs: number;
      packetsIn: number;
      packetsOut: number;
      maxLateMs: number;
      skippedTicks: number;
      loopDelayMaxMs: number;
      errors: number;
      jitterBuffer: { dropped: number; late: number; underruns: number; concealedMs: number };
      ticks: number;
    };

export type ToGenerator =
  | { type: 'bind'; sockets: number }
  | { type: 'start'; targets: number[]; pairs: 'echo' | 'bridge' }
  | { type: 'window-start' }
  | { type: 'window-end' }
  | { type: 'exit' };

export type FromGenerator =
  | { type: 'bound'; ports: number[] }
  | {
      type: 'window';
      sent: number;
      matched: number;
      unmatched: number;
      p50Ms: number;
      p99Ms: number;
      p999Ms: number;
      maxMs: number;
      sendLagMs: number;
      cpuMs: number;
    };

/** Payload marker: bytes 0-3 the generator's packet number, 4-5 the socket index. */
export const PAYLOAD_BYTES = 160;
export const FILL = 0xd5;
