/**
 * Calls per second on loopback: SIPp's UAC (sipp-scenarios/uac-basic.xml, no hold) against
 * voicegate's SipStack answering every call, and against SIPp's own UAS (-sn uas) as the
 * ceiling, in the same run and with the same steps. A rate passes when SIPp completes every
 * call with no failure and neither side retransmitted anything.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { freeUdpPort, killSipp, startSipp, stat, type SippResult } from '../../test/sip/sipp/runner.js';
import { loopbackOptions, TestApp } from '../../test/sip/sipp/test-app.js';

export interface StepResult {
  target: 'voicegate' | 'SIPp UAS';
  rate: number;
  calls: number;
  successful: number;
  failed: number;
  sippRetransmissions: number;
  ourRetransmissions: number;
  achievedCps: number;
  /** CPU of the called party, in cores (1.0 = one core busy). */
  calleeCpu: number;
  /** CPU of SIPp's UAC, in cores. */
  callerCpu: number;
  calleeRssMb: number;
  /** Longest event-loop stall of the callee during the step (voicegate only), ms. */
  maxLoopDelayMs: number;
  /** Live transactions at the end of the step (voicegate only): what Timers J/L keep. */
  transactions: number;
  /** V8 heap in use after a full GC at the end of the step (voicegate only), MB. */
  heapMb: number;
  pass: boolean;
}

/** SIPp reads and schedules up to 1,000 events per loop and keeps 64 KiB socket buffers by default; both SIPp processes get more. */
const SIPP_LOOPS = ['-max_recv_loops', '5000', '-max_sched_loops', '5000', '-buff_size', '4194304'];

const TICK = 100; // clock ticks per second of /proc/<pid>/stat (CLK_TCK on Linux).

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function procCpuSeconds(pid: number): number | null {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) / TICK;
  } catch {
    return null;
  }
}

function procRssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

function elapsedSeconds(r: SippResult): number {
  const t = r.stats['ElapsedTime(C)'] ?? '0:0:0';
  const [h, m, s] = t.split(':').map(Number);
  return (h ?? 0) * 3600 + (m ?? 0) * 60 + (s ?? 0);
}

/** Runs SIPp's UAC at `rate` for `calls` calls to port; samples the caller's CPU. */
async function uacRun(
  port: number,
  rate: number,
  calls: number,
): Promise<{ r: SippResult; cpu: number; wall: number }> {
  const t0 = performance.now();
  const p = await startSipp({
    scenario: 'uac-basic.xml',
    remote: `127.0.0.1:${port}`,
    calls,
    rate,
    limit: Math.max(200, rate),
    timeoutSeconds: Math.ceil(calls / rate) + 30,
    durationMs: 0,
    extra: ['-rp', '1000', ...SIPP_LOOPS],
  });
  let cpu = 0;
  const sampler = setInterval(() => {
    const c = p.child.pid ? procCpuSeconds(p.child.pid) : null;
    if (c !== null) cpu = c;
  }, 50);
  const r = await p.done;
  clearInterval(sampler);
  return { r, cpu, wall: (performance.now() - t0) / 1000 };
}

export const RATES = [
  250, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000, 5000, 6000, 7000, 8000, 10000, 12000, 15000, 20000,
  25000, 30000,
];

function voicegateApp(maxTransactions: number): TestApp {
  return new TestApp(loopbackOptions(9, { limits: { maxTransactions, maxDialogs: 100_000 } }), {
    kind: 'answer',
  });
}

/** One run of `calls` calls at `rate` against a running app. */
async function voicegateStep(app: TestApp, rate: number, calls: number): Promise<StepResult> {
  let rssPeak = 0;
  const rssSampler = setInterval(
    () => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss / 1024 / 1024)),
    100,
  );
  const c = app.stack.counters;
  const retransBefore = Object.values(c.retransmissionsSent).reduce((a, b) => a + b, 0);
  const cpu0 = process.cpuUsage();
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const { r, cpu, wall } = await uacRun(app.port, rate, calls);
  lag.disable();
  const cpuUsed = process.cpuUsage(cpu0);
  await new Promise((res) => setTimeout(res, 300));
  clearInterval(rssSampler);
  const ours = Object.values(c.retransmissionsSent).reduce((a, b) => a + b, 0) - retransBefore;
  const step: StepResult = {
    target: 'voicegate',
    rate,
    calls,
    successful: stat(r, 'SuccessfulCall'),
    failed: stat(r, 'FailedCall'),
    sippRetransmissions: stat(r, 'Retransmissions'),
    ourRetransmissions: ours,
    achievedCps: stat(r, 'SuccessfulCall') / Math.max(1, elapsedSeconds(r)),
    calleeCpu: (cpuUsed.user + cpuUsed.system) / 1e6 / wall,
    callerCpu: cpu / wall,
    calleeRssMb: rssPeak,
    maxLoopDelayMs: lag.max / 1e6,
    transactions: app.stack.transactions.size,
    heapMb: heapAfterGc(),
    pass: false,
  };
  step.pass =
    r.code === 0 &&
    step.failed === 0 &&
    step.successful === calls &&
    step.sippRetransmissions === 0 &&
    ours === 0;
  return step;
}

/** Steps up the rates against voicegate until one fails (twice: the machine is shared). */
export async function loadVoicegate(rates: number[], log: (s: string) => void): Promise<StepResult[]> {
  const app = voicegateApp(1_000_000);
  await app.start();
  const out: StepResult[] = [];
  try {
    const queue = [...rates];
    let retried = false;
    while (queue.length) {
      const rate = queue.shift()!;
      const step = await voicegateStep(app, rate, Math.max(1000, rate * 2));
      out.push(step);
      log(
        `voicegate ${rate}/s: ${step.successful}/${step.calls} ok, ${step.failed} failed, ` +
          `retrans sipp ${step.sippRetransmissions} ours ${step.ourRetransmissions}`,
      );
      if (!step.pass && !retried) {
        retried = true;
        queue.unshift(rate);
        continue;
      }
      retried = false;
      if (!step.pass) break;
    }
  } finally {
    await app.stop();
  }
  return out;
}

/**
 * A sustained run, long enough (> 64*T1) for the transactions that Timers J and L keep to reach
 * their steady state: what memory a rate really costs.
 */
export async function sustainedVoicegate(rate: number, seconds: number): Promise<StepResult> {
  const app = voicegateApp(1_000_000);
  await app.start();
  try {
    return await voicegateStep(app, rate, rate * seconds);
  } finally {
    await app.stop();
  }
}

/** The same steps against SIPp's own UAS. */
export async function loadSippUas(rates: number[], log: (s: string) => void): Promise<StepResult[]> {
  const out: StepResult[] = [];
  const queue = [...rates];
  let retried = false;
  while (queue.length) {
    const rate = queue.shift()!;
    const calls = Math.max(1000, rate * 2);
    const port = await freeUdpPort();
    const uas = await startSipp({
      scenario: 'uas',
      builtin: true,
      port,
      calls,
      timeoutSeconds: Math.ceil(calls / rate) + 40,
      extra: SIPP_LOOPS,
    });
    await new Promise((res) => setTimeout(res, 200));
    let uasCpu = 0;
    let uasRss = 0;
    const sampler = setInterval(() => {
      const pid = uas.child.pid;
      if (!pid) return;
      const c = procCpuSeconds(pid);
      if (c !== null) uasCpu = c;
      uasRss = Math.max(uasRss, procRssMb(pid));
    }, 50);
    const { r, cpu, wall } = await uacRun(port, rate, calls);
    clearInterval(sampler);
    killSipp(uas);
    await uas.done;
    const step: StepResult = {
      target: 'SIPp UAS',
      rate,
      calls,
      successful: stat(r, 'SuccessfulCall'),
      failed: stat(r, 'FailedCall'),
      sippRetransmissions: stat(r, 'Retransmissions'),
      ourRetransmissions: 0,
      achievedCps: stat(r, 'SuccessfulCall') / Math.max(1, elapsedSeconds(r)),
      calleeCpu: uasCpu / wall,
      callerCpu: cpu / wall,
      calleeRssMb: uasRss,
      maxLoopDelayMs: 0,
      transactions: 0,
      heapMb: 0,
      pass: false,
    };
    step.pass =
      r.code === 0 && step.failed === 0 && step.successful === calls && step.sippRetransmissions === 0;
    out.push(step);
    log(
      `SIPp UAS ${rate}/s: ${step.successful}/${calls} ok, ${step.failed} failed, retrans ${step.sippRetransmissions}`,
    );
    if (!step.pass && !retried) {
      retried = true;
      queue.unshift(rate);
      continue;
    }
    retried = false;
    if (!step.pass) break;
  }
  return out;
}
