/** Test helpers for the sans-IO MRCP server: a fake clock and a channel harness. */
import { FakeClock as SharedFakeClock } from '../helpers/fake-clock.js';
import {
  bodyText,
  EngineRegistry,
  headerValue,
  makeRequest,
  MrcpServerSession,
  type HeaderField,
  type MrcpEngine,
  type MrcpLogger,
  type MrcpMessage,
  type MrcpMethod,
  type ServedResource,
} from '../../src/mrcp/index.js';

/** The shared fake clock, starting at a realistic wall-clock time. */
export class FakeClock extends SharedFakeClock {
  constructor(start = 1_700_000_000_000) {
    super(start);
  }
}

/** Lets engine promises and queued microtasks settle. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

export function captureLogger(): MrcpLogger & { lines: string[] } {
  const lines: string[] = [];
  const log = (level: string) => (msg: string) => void lines.push(`${level} ${msg}`);
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const SESSION = 'S1';

export function speechFrame(n = 160, amplitude = 8000): Int16Array {
  const f = new Int16Array(n);
  for (let i = 0; i < n; i++) f[i] = Math.round(amplitude * Math.sin((2 * Math.PI * 300 * i) / 8000));
  return f;
}
export const silenceFrame = (n = 160): Int16Array => new Int16Array(n);

export interface Harness {
  clock: FakeClock;
  session: MrcpServerSession;
  logs: string[];
  sent: MrcpMessage[];
  /** Sends a request to a resource's channel with the next request id; returns its id. */
  send(resource: ServedResource, method: MrcpMethod, headers?: [string, string][], body?: string): number;
  /** Messages sent since the last call. */
  take(): MrcpMessage[];
  /** Pulls synthesized frames, 20 ms apart in fake time; returns how many carried audio. */
  pull(frames: number): number;
  /** Pushes frames to a channel, 20 ms apart. */
  push(resource: ServedResource, frames: Int16Array[]): void;
}

export function harness(
  engines: MrcpEngine[],
  resources: ServedResource[],
  limits: Record<string, number> = {},
): Harness {
  const clock = new FakeClock();
  const logger = captureLogger();
  const sent: MrcpMessage[] = [];
  let taken = 0;
  let id = 0;
  const session = new MrcpServerSession({
    sessionId: SESSION,
    engines: new EngineRegistry(engines),
    clock,
    send: (m) => void sent.push(m),
    logger,
    limits,
  });
  for (const r of resources) session.addChannel(r);
  return {
    clock,
    session,
    logs: logger.lines,
    sent,
    send(resource, method, headers = [], body) {
      const h: HeaderField[] = headers.map(([name, value]) => ({ name, value }));
      session.channel(resource)!.receive(makeRequest(method, ++id, `${SESSION}@${resource}`, h, body));
      return id;
    },
    take() {
      const out = sent.slice(taken);
      taken = sent.length;
      return out;
    },
    pull(frames) {
      let n = 0;
      for (let i = 0; i < frames; i++) {
        if (session.channel('speechsynth')!.pullAudio()) n++;
        clock.advance(20);
      }
      return n;
    },
    push(resource, frames) {
      for (const f of frames) {
        session.channel(resource)!.pushAudio(f);
        clock.advance(20);
      }
    },
  };
}

/** One-line summary of a message: `res 1 200 IN-PROGRESS` / `evt SPEAK-COMPLETE 1 COMPLETE 000 normal`. */
export function brief(m: MrcpMessage): string {
  const cause = headerValue(m.headers, 'Completion-Cause');
  const list = headerValue(m.headers, 'Active-Request-Id-List');
  const tail = (cause ? ` ${cause}` : '') + (list ? ` [${list}]` : '');
  if (m.kind === 'response') return `res ${m.requestId} ${m.statusCode} ${m.requestState}${tail}`;
  if (m.kind === 'event') return `evt ${m.event} ${m.requestId} ${m.requestState}${tail}`;
  return `req ${m.method} ${m.requestId}`;
}

export const briefs = (ms: MrcpMessage[]): string[] => ms.map(brief);
export { bodyText, headerValue };
