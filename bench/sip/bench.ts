/**
 * bench:sip — parser throughput and calls per second, each with its baseline measured in the
 * same run (a regex split parser; SIPp's own UAS as the ceiling). Prints Markdown tables.
 *
 *   npm run bench:sip                # everything
 *   npm run bench:sip -- --parser    # parser only
 *   npm run bench:sip -- --load      # load only
 */
import { cpus } from 'node:os';
import { loadSippUas, loadVoicegate, RATES, sustainedVoicegate, type StepResult } from './load.js';
import { parserBench } from './parser.js';

const args = new Set(process.argv.slice(2));
/** The sustained run: long enough for Timer J/L's transactions (64*T1 = 32 s) to reach steady state. */
const SUSTAINED_RATE = 2000;
const SUSTAINED_SECONDS = 45;
const all = !args.has('--parser') && !args.has('--load');

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function bestOf(steps: StepResult[]): StepResult | undefined {
  return [...steps].reverse().find((s) => s.pass);
}

async function main(): Promise<void> {
  console.log(`# bench:sip — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}\n`);
  if (all || args.has('--parser')) {
    console.log('## Parser (1 s per row)\n');
    console.log('| what | messages/s | µs/message |');
    console.log('|---|---:|---:|');
    for (const r of parserBench())
      console.log(`| ${r.what} | ${fmt(r.perSecond)} | ${fmt(r.microseconds, 2)} |`);
    console.log('');
  }
  if (all || args.has('--load')) {
    const log = (s: string) => console.error(s);
    // The sustained run goes first, while the process is fresh, so its memory figures are its own.
    const sustained = await sustainedVoicegate(SUSTAINED_RATE, SUSTAINED_SECONDS);
    const ours = await loadVoicegate(RATES, log);
    const ceiling = await loadSippUas(RATES, log);
    log(
      `voicegate sustained ${SUSTAINED_RATE}/s for ${SUSTAINED_SECONDS} s: ${sustained.successful} ok, ${sustained.failed} failed`,
    );
    console.log('## Calls per second (SIPp uac-basic.xml, UDP loopback, every call answered, no hold)\n');
    console.log(
      '| callee | offered calls/s | calls | ok | failed | retransmissions (SIPp / ours) | achieved calls/s | callee CPU (cores) | SIPp UAC CPU (cores) | callee RSS MB | max loop delay ms | live transactions | pass |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    for (const s of [...ours, ...ceiling, sustained]) {
      console.log(
        `| ${s.target} | ${s.rate} | ${s.calls} | ${s.successful} | ${s.failed} | ${s.sippRetransmissions} / ${s.ourRetransmissions} | ${fmt(s.achievedCps)} | ${fmt(s.calleeCpu, 2)} | ${fmt(s.callerCpu, 2)} | ${fmt(s.calleeRssMb)} | ${s.target === 'voicegate' ? fmt(s.maxLoopDelayMs) : '—'} | ${s.target === 'voicegate' ? s.transactions : '—'} | ${s.pass ? 'yes' : 'no'} |`,
      );
    }
    const a = bestOf(ours);
    const b = bestOf(ceiling);
    console.log('');
    if (a && b) {
      console.log(
        `Highest rate with 0 failed calls and 0 retransmissions: voicegate ${a.rate} calls/s (${a.calls} calls), ` +
          `SIPp UAS ${b.rate} calls/s — ratio ${fmt((100 * a.rate) / b.rate)} % of the SIPp-vs-SIPp ceiling; ` +
          `at that rate voicegate used ${fmt(a.calleeCpu, 2)} of a core and ${fmt(a.calleeRssMb)} MB RSS.`,
      );
    }
    console.log(
      `Sustained ${SUSTAINED_RATE} calls/s for ${SUSTAINED_SECONDS} s (the last table row): ${sustained.successful} calls, ` +
        `${sustained.failed} failed, ${fmt(sustained.calleeCpu, 2)} of a core, peak RSS ${fmt(sustained.calleeRssMb)} MB, ` +
        `heap ${fmt(sustained.heapMb)} MB after GC with ${sustained.transactions} transactions kept by Timers J/L (64*T1): ` +
        `${fmt((sustained.heapMb * 1024 * 1024) / Math.max(1, sustained.transactions))} bytes each.`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
