/**
 * systemd service notifications (sd_notify protocol): READY=1 once listeners are up,
 * WATCHDOG=1 every half of $WATCHDOG_USEC, STOPPING=1 when draining, RELOADING=1 around reloads,
 * STATUS= with a one-line summary. Outside systemd ($NOTIFY_SOCKET unset) every call is a no-op.
 */
import type { Logger } from './logger.js';

export type NotifySend = (state: string, socketPath: string) => boolean;

export class SystemdNotifier {
  private watchdog: NodeJS.Timeout | undefined;
  private failures = 0;
  private readonly socket: string | undefined;

  constructor(
    private readonly send: NotifySend,
    private readonly env: Readonly<Record<string, string | undefined>>,
    private readonly logger: Logger,
  ) {
    this.socket = env.NOTIFY_SOCKET || undefined;
  }

  get enabled(): boolean {
    return this.socket !== undefined;
  }

  ready(status: string): void {
    this.notify(`READY=1\nSTATUS=${oneLine(status)}`);
  }

  status(status: string): void {
    this.notify(`STATUS=${oneLine(status)}`);
  }

  stopping(status: string): void {
    this.notify(`STOPPING=1\nSTATUS=${oneLine(status)}`);
  }

  reloading(): void {
    this.notify('RELOADING=1\nSTATUS=reloading configuration');
  }

  /** Starts WATCHDOG=1 pings at half the interval systemd asked for (sd_watchdog_enabled(3)). */
  startWatchdog(): number | undefined {
    const usec = Number(this.env.WATCHDOG_USEC);
    const pid = this.env.WATCHDOG_PID;
    if (!this.enabled || !Number.isFinite(usec) || usec <= 0) return undefined;
    if (pid !== undefined && pid !== '' && Number(pid) !== process.pid) return undefined;
    const everyMs = Math.max(1, Math.floor(usec / 2000));
    this.notify('WATCHDOG=1');
    this.watchdog = setInterval(() => this.notify('WATCHDOG=1'), everyMs);
    return everyMs;
  }

  stop(): void {
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private notify(state: string): void {
    if (!this.socket) return;
    try {
      this.send(state, this.socket);
      this.failures = 0;
    } catch (err) {
      // Log the first failure of a run, not every watchdog tick.
      if (this.failures++ === 0) {
        this.logger.warn('systemd notify failed', { component: 'systemd', err: (err as Error).message });
      }
    }
  }
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ').slice(0, 200);
}
