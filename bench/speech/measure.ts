/**
 * The measurements of bench:speech on one MRCP session (our client and our server in process,
 * real loopback sockets: SIP/UDP, MRCPv2/TCP, RTP/UDP). Caller audio is paced at 20 ms as a call's
 * would be; every wait is bounded.
 */
import { createSocket } from 'node:dgram';
import { FrameClock } from '../../src/media/index.js';
import type { MrcpSpeechSession } from '../../src/mrcp/index.js';

/** The one frame clock of the bench: server, client and the caller's feed tick together, as in the daemon. */
export const ticks = new FrameClock();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A frame louder than -40 dBFS RMS: speech, not codec noise (the threshold the call tests use). */
export function loud(f: Int16Array): boolean {
  let sum = 0;
  for (let i = 0; i < f.length; i++) sum += (f[i] as number) * (f[i] as number);
  return Math.sqrt(sum / Math.max(1, f.length)) > 327.68;
}

/** A silent line as G.711 decodes it (±8), not digital zero: what a recognizer hears between words. */
export function lineSilence(samples: number): Int16Array {
  const f = new Int16Array(samples);
  for (let i = 0; i < samples; i++) f[i] = i & 1 ? -8 : 8;
  return f;
}

/** Resolves after `ms`, or rejects: every bench wait has a bound. */
function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const limit = new Promise<never>(
    (_, rej) => (t = setTimeout(() => rej(new Error(`${what}: no result in ${ms} ms`)), ms)),
  );
  return Promise.race([p, limit]).finally(() => clearTimeout(t));
}

/** SPEAK → the first audible audio frame the client receives (RTP from the server), ms. */
export async function firstAudio(s: MrcpSpeechSession, text: string): Promise<number> {
  let t1 = -1;
  let seen: () => void = () => undefined;
  const first = new Promise<void>((r) => (seen = r));
  s.events.onAudio = (f) => {
    if (t1 < 0 && loud(f)) {
      t1 = performance.now();
      seen();
    }
  };
  const t0 = performance.now();
  const h = s.speak(text);
  await bounded(Promise.race([first, h.done.then(() => undefined)]), 10_000, 'first audio');
  await s.stopSpeaking().catch(() => undefined);
  await h.done.catch(() => undefined);
  s.events.onAudio = undefined;
  return t1 < 0 ? NaN : t1 - t0;
}

/**
 * Sends `frames` one per tick of the call's frame clock (as a call's media tap does), then silence,
 * until `until()` holds or `maxMs` passed.
 */
async function feed(
  s: MrcpSpeechSession,
  frames: readonly Int16Array[],
  onFrame: (i: number, f: Int16Array) => void,
  until: () => boolean,
  maxMs: number,
): Promise<void> {
  const silence = lineSilence(frames[0]?.length ?? 160);
  let i = 0;
  let stop: () => void = () => undefined;
  const over = new Promise<void>((r) => (stop = r));
  const unsubscribe = ticks.subscribe(() => {
    if (until() || i * 20 >= maxMs) return stop();
    const f = frames[i] ?? silence;
    s.sendAudio(f);
    onFrame(i++, f);
  });
  await over;
  unsubscribe();
}

/** 20 ms frames of `pcm` (the session's rate). */
export function framesOf(pcm: Int16Array, samples: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < pcm.length; i += samples) {
    const f = new Int16Array(samples);
    f.set(pcm.subarray(i, Math.min(pcm.length, i + samples)));
    out.push(f);
  }
  return out;
}

export interface RecogRun {
  /** From the last loud frame sent to RECOGNITION-COMPLETE, ms. */
  ms: number;
  cause: string;
}

/** Speech: the utterance (silence around it), end of speech → RECOGNITION-COMPLETE. */
export async function recognizeSpeech(
  s: MrcpSpeechSession,
  frames: readonly Int16Array[],
  uri: string,
  headers: Record<string, string> = {},
): Promise<RecogRun> {
  let lastLoud = -1;
  let done = -1;
  const h = s.recognize({
    uris: [uri],
    headers: { 'No-Input-Timeout': '5000', 'Recognition-Timeout': '10000', ...headers },
  });
  const finished = h.done.then((r) => {
    done = performance.now();
    return r;
  });
  await feed(
    s,
    frames,
    (_i, f) => {
      if (loud(f)) lastLoud = performance.now();
    },
    () => done >= 0,
    12_000,
  );
  const r = await bounded(finished, 5000, 'recognition');
  return { ms: done - lastLoud, cause: r.cause ?? `status ${r.status}` };
}

/** DTMF: `first` key, then after 300 ms the `last` one (RFC 4733); the last key sent → COMPLETE. */
export async function recognizeDigits(s: MrcpSpeechSession, first: string, last: string): Promise<RecogRun> {
  const h = s.recognize({ uris: ['builtin:dtmf/digits?length=2'], headers: { 'No-Input-Timeout': '5000' } });
  await sleep(100);
  s.sendDigits(first);
  await sleep(300);
  const t0 = performance.now();
  s.sendDigits(last);
  const r = await bounded(h.done, 5000, 'dtmf recognition');
  return { ms: performance.now() - t0, cause: r.cause ?? `status ${r.status}` };
}

/**
 * Barge-in: a long prompt and a RECOGNIZE started with it (timers held, RFC 6787 §9.4.14); the
 * caller's audio flows from then on, silent for `leadMs`, then the words. From the caller's first loud frame: to the last audible
 * prompt frame the client receives (`ms`, 0 when none came after the onset), and to START-OF-INPUT
 * at the client (`soiMs`: a call cuts its prompt there, on the next 20 ms tick).
 */
export async function bargeIn(
  s: MrcpSpeechSession,
  prompt: string,
  frames: readonly Int16Array[],
  leadMs: number,
): Promise<{ ms: number; soiMs: number; cause: string }> {
  let lastPrompt = -1;
  let firstPrompt = -1;
  let soi = -1;
  s.events.onStartOfInput = () => {
    if (soi < 0) soi = performance.now();
  };
  s.events.onAudio = (f) => {
    if (!loud(f)) return;
    lastPrompt = performance.now();
    if (firstPrompt < 0) firstPrompt = lastPrompt;
  };
  const speak = s.speak(prompt, { headers: { 'Kill-On-Barge-In': 'true' } });
  const h = s.recognize({
    uris: ['builtin:grammar/boolean'],
    startInputTimers: false,
    headers: { 'No-Input-Timeout': '5000', 'Recognition-Timeout': '10000' },
  });
  let done = false;
  const finished = h.done.finally(() => (done = true));
  // The caller's audio flows from the RECOGNIZE on (as a call's does): silence under the prompt,
  // then the words.
  const lead = Array.from({ length: Math.round(leadMs / 20) }, () => lineSilence(frames[0]?.length ?? 160));
  let onset = -1;
  await feed(
    s,
    [...lead, ...frames],
    (_i, f) => {
      if (onset < 0 && loud(f)) onset = performance.now();
    },
    () => done,
    12_000,
  );
  const r = await bounded(finished, 5000, 'barge-in recognition');
  await s.stopSpeaking().catch(() => undefined);
  await speak.done.catch(() => undefined);
  s.events.onAudio = undefined;
  s.events.onStartOfInput = undefined;
  return {
    ms: onset < 0 ? NaN : Math.max(0, lastPrompt - onset),
    soiMs: onset < 0 || soi < 0 ? NaN : soi - onset,
    cause: r.cause ?? `status ${r.status}`,
  };
}

/** The bare RTP loop: one 172-byte RTP packet over loopback UDP, sent → received, ms (n packets at 20 ms). */
export async function bareRtp(n: number): Promise<number[]> {
  const a = createSocket('udp4');
  const b = createSocket('udp4');
  await new Promise<void>((r) => a.bind(0, '127.0.0.1', r));
  await new Promise<void>((r) => b.bind(0, '127.0.0.1', r));
  const out: number[] = [];
  let sentAt = 0;
  b.on('message', () => out.push(performance.now() - sentAt));
  const packet = Buffer.alloc(172);
  packet[0] = 0x80;
  for (let i = 0; i < n; i++) {
    packet.writeUInt16BE(i, 2);
    sentAt = performance.now();
    a.send(packet, b.address().port, '127.0.0.1');
    await sleep(20);
  }
  a.close();
  b.close();
  return out;
}
