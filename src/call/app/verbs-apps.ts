/**
 * The glue between the call manager and the application runner: for each configured verbs
 * application (a webhook, a WebSocket or an inline list), `appBody` gives CallManager the body
 * that runs a call with an AppRunner on a CallVerbHost; the runners of live calls are kept by
 * call id (bounded by the call table) for the REST API's redirect, mute and hang-up.
 */
import type { AppSpec } from '../call-types.js';
import type { Call } from '../call.js';
import { CallVerbHost, type HostCapabilities } from '../verbs/call-verb-host.js';
import { AppRunner } from './app-runner.js';
import type { AppEvent, AppRunnerOptions, AppSource } from './app-runner-types.js';

/** One application's settings (what `calls.apps.<name>.application` holds in the config). */
export interface VerbsAppConfig {
  readonly source: AppSource;
  readonly secret?: string | undefined;
  readonly statusHook?: string | undefined;
  readonly webhookTimeoutMs?: number | undefined;
  readonly ackTimeoutMs?: number | undefined;
  readonly fallback?: AppRunnerOptions['fallback'];
}

export interface VerbsAppsOptions {
  readonly apps: Readonly<Record<string, VerbsAppConfig>>;
  /** Speech, dial, refer and mute for a call (from the speech and dialing work); none by default. */
  readonly capabilities?: ((call: Call) => HostCapabilities) | undefined;
  /** Shared by every application unless it sets its own. */
  readonly defaults?: Omit<Partial<AppRunnerOptions>, 'source' | 'host' | 'call' | 'onEvent'> | undefined;
  readonly onEvent?: ((ev: AppEvent) => void) | undefined;
}

export class VerbsApps {
  private readonly runners = new Map<string, AppRunner>();

  constructor(private readonly o: VerbsAppsOptions) {}

  has(app: string): boolean {
    return Object.hasOwn(this.o.apps, app);
  }

  /** The runner of a live call. */
  runner(callId: string): AppRunner | undefined {
    return this.runners.get(callId);
  }

  get size(): number {
    return this.runners.size;
  }

  /** CallManagerOptions.appBody: a verbs application's body, undefined for step applications. */
  readonly appBody = (call: Call, app: AppSpec): (() => Promise<unknown>) | undefined => {
    return this.bodyFor(call, app.name);
  };

  /** The body running `app` on `call` (also for outbound calls the API places with an application). */
  bodyFor(call: Call, app: string | VerbsAppConfig): (() => Promise<unknown>) | undefined {
    const cfg = typeof app === 'string' ? (this.has(app) ? this.o.apps[app] : undefined) : app;
    if (!cfg) return undefined;
    const runner = new AppRunner({
      ...this.o.defaults,
      source: cfg.source,
      host: new CallVerbHost(call, this.o.capabilities?.(call)),
      call: {
        call_sid: call.callId,
        direction: call.direction,
        from: call.party.from,
        to: call.party.to,
        trunk: call.trunk,
        sip_call_id: call.callId,
      },
      ...(cfg.secret !== undefined ? { secret: cfg.secret } : {}),
      ...(cfg.statusHook !== undefined ? { statusHook: cfg.statusHook } : {}),
      ...(cfg.webhookTimeoutMs !== undefined ? { webhookTimeoutMs: cfg.webhookTimeoutMs } : {}),
      ...(cfg.ackTimeoutMs !== undefined ? { ackTimeoutMs: cfg.ackTimeoutMs } : {}),
      ...(cfg.fallback !== undefined ? { fallback: cfg.fallback } : {}),
      onEvent: this.o.onEvent,
    });
    return async () => {
      this.runners.set(call.callId, runner);
      try {
        return await runner.run();
      } finally {
        this.runners.delete(call.callId);
      }
    };
  }

  /** Shutdown: every runner stops (the call manager hangs the calls up). */
  stopAll(): void {
    for (const r of this.runners.values()) r.stop();
  }
}
