/** Runs a dial against the scripted platform in fake time and checks the invariants every run keeps. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import {
  loadProfiles,
  PlanRunner,
  resolveDial,
  type CancelCause,
  type DialingProfiles,
  type DialJob,
  type DialRequest,
  type DialResult,
} from '../../src/dialing/index.js';
import { FakePlatform, type PlatformScript } from './fake-platform.js';

/** The shipped profiles, from dist/test/dialing. */
export const PROFILE_DIR = fileURLToPath(new URL('../../../profiles/dialing/', import.meta.url));
export const PROFILES = loadProfiles(PROFILE_DIR);

export interface RunOptions {
  cancelAt?: { ms: number; cause: CancelCause };
  maxMs?: number;
  job?: (j: DialJob) => DialJob;
  profiles?: DialingProfiles;
}

export interface Run {
  r: DialResult;
  p: FakePlatform;
  runner: PlanRunner;
  job: DialJob;
}

export function dial(req: DialRequest, script: PlatformScript = {}, opts: RunOptions = {}): Run {
  const resolved = resolveDial(opts.profiles ?? PROFILES, req);
  assert.ok(resolved.ok, resolved.ok ? '' : `${resolved.error.code}: ${resolved.error.message}`);
  const job = opts.job ? opts.job(resolved.value) : resolved.value;
  const p = new FakePlatform(script);
  const runner = new PlanRunner(p, job, { callId: 'call-1', logger: p.logger });
  void runner.start();
  if (opts.cancelAt) {
    const c = opts.cancelAt;
    p.raw.setTimeout(() => runner.cancel(c.cause), c.ms);
  }
  p.raw.runUntil(() => runner.outcome !== undefined, opts.maxMs ?? 400_000);
  const r = runner.outcome;
  assert.ok(r, 'the run ended within its bound');
  // Invariants of every run: done, every timer of the runner cleared, analysis stopped, every
  // log line carries the call id, nothing changes afterwards.
  assert.equal(runner.currentState, 'done');
  assert.equal(p.clock.outstanding, 0, 'runner timers left behind');
  assert.equal(p.analysisStopped, true);
  assert.ok(p.logs.every((l) => l.meta.callId === 'call-1'));
  const lines = p.logs.length;
  p.raw.advance(600_000);
  assert.equal(p.logs.length, lines, 'the runner logged after it ended');
  assert.equal(runner.outcome, r);
  return { r, p, runner, job };
}

export const stepResults = (r: DialResult) => r.steps.map((s) => `${s.type}:${s.result}`);
