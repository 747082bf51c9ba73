/**
 * Runs one call's application: fetches its verbs (webhook, WebSocket or inline list), validates
 * them, runs them in order on the call's VerbHost; an actionHook's reply replaces the verbs left
 * (an empty reply lets them go on), `redirect` always replaces them. The application may
 * redirect, hang up, mute or send digits at any time (WebSocket commands, REST). When the
 * application is down, slow, answers garbage or invalid verbs, or its socket drops mid-call, the
 * call gets the configured fallback: an error prompt, then a hang-up with a Q.850 cause.
 */
import type { Q850Cause } from '../q850.js';
import type { HostEvent, VerbHost } from '../verbs/verb-host.js';
import { MAX_TAG_BYTES } from '../verbs/tag.js';
import { newVerbSession, type VerbSession } from '../verbs/verb-session.js';
import type { Verb, VerbResult } from '../verbs/verb.js';
import { validateVerbs } from '../verbs/verb-list.js';
import { createVerb, type VerbSpec } from '../verbs/verb-table.js';
import { hookUrl, type AppChannel, type ChannelResult, type HookRef } from './app-channel.js';
import { HttpChannel } from './http-channel.js';
import type { AppCommand } from './ws-app-client.js';
import type {
  AppEvent,
  AppFailure,
  AppRunEnd,
  AppRunnerOptions,
  RedirectResult,
} from './app-runner-types.js';
import { openChannel } from './open-channel.js';

export class AppRunner {
  private readonly channel: AppChannel;
  private readonly session: VerbSession;
  private queue: VerbSpec[] = [];
  private current: Verb | undefined;
  /** Bumped by each outside redirect: replies to older hooks are ignored. */
  private generation = 0;
  private failure: { code: AppFailure; detail: string } | undefined;
  private stopped = false;
  /** The application hung up (hangup verb or command). */
  private hungUp = false;
  private verbsRun = 0;
  private hooks = 0;
  private status = 'trying';
  private sipStatus: number | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly o: AppRunnerOptions) {
    this.session = newVerbSession((verb, data) =>
      this.emit('verb:status', { verb, status: 'progress', ...data }),
    );
    this.channel = openChannel(o, {
      onCommand: (cmd) => this.onCommand(cmd),
      onClose: (reason) => this.fail('app_disconnected', `application socket closed: ${reason}`),
      onInvalid: (reason) => this.emit('app:error', { message: reason }),
    });
  }

  get log(): VerbHost['logger'] {
    return this.o.host.logger;
  }

  /** The verb running now. */
  get currentVerb(): string | undefined {
    return this.current?.name;
  }

  /** Runs the application to its end; never throws. */
  async run(): Promise<AppRunEnd> {
    const host = this.o.host;
    this.unsubscribe = host.subscribe((ev) => this.onHostEvent(ev));
    try {
      const first = await this.channel.start(this.payload({}));
      if (!first.ok) return await this.fallback('app_unreachable', `${first.code}: ${first.message}`);
      if (!this.accept(first.verbs)) return await this.fallback('invalid_verbs', this.failure?.detail ?? '');
      while (!host.ended && !this.stopped && !this.failure) {
        const spec = this.queue.shift();
        if (!spec) break;
        const r = await this.runVerb(spec);
        if (r.last && r.outcome === 'done') this.hungUp = true;
        if (r.last && r.hook && !this.failure) {
          // The call is over (a transfer done): the hook reports it, its reply has nothing to run.
          await this.callHook(r.hook, r.hookData ?? {});
          break;
        }
        if (this.failure || this.stopped || host.ended) break;
        if (r.hook && r.outcome !== 'killed') {
          const gen = this.generation;
          const reply = await this.callHook(r.hook, r.hookData ?? {});
          if (this.failure || this.stopped || host.ended) break;
          if (gen !== this.generation) continue; // redirected meanwhile: the redirect wins
          if (!reply.ok) {
            this.fail('hook_failed', `${reply.code}: ${reply.message}`);
            break;
          }
          if (reply.verbs.length > 0 || r.replace) {
            if (!this.accept(reply.verbs)) break;
          }
        }
        if (r.last) break;
      }
      if (this.failure) return await this.fallback(this.failure.code, this.failure.detail);
      if (this.hungUp) return this.end('done');
      if (host.ended) return this.end('ended');
      if (this.stopped) return this.end('stopped');
      host.hangup(16);
      return this.end('done');
    } catch (err) {
      // A bug must not leave the call up without an application.
      this.log.error('application runner failed', { callId: host.callId, error: (err as Error).message });
      return await this.fallback('hook_failed', (err as Error).message);
    } finally {
      this.unsubscribe?.();
      this.channel.close();
    }
  }

  /** Replaces the verbs left with `verbs` (or the reply of `webhook`), stopping the running one. */
  async redirect(to: { verbs: readonly unknown[] } | { hook: HookRef }): Promise<RedirectResult> {
    let verbs: readonly unknown[];
    if ('hook' in to) {
      // A URL given to a WebSocket application's call (REST redirect) is fetched over HTTP.
      const r =
        this.channel.kind === 'websocket' && /^https?:\/\//i.test(hookUrl(to.hook))
          ? await new HttpChannel({
              secret: this.o.secret,
              timeoutMs: this.o.webhookTimeoutMs ?? 5000,
              maxReplyBytes: this.o.maxReplyBytes ?? 256 * 1024,
            }).hook(to.hook, this.payload({}))
          : await this.callHook(to.hook, {});
      if (!r.ok) return { ok: false, message: `${r.code}: ${r.message}` };
      verbs = r.verbs;
    } else verbs = to.verbs;
    const v = validateVerbs(verbs, { maxVerbs: this.o.maxVerbs });
    if (!v.ok) return { ok: false, message: v.message, issues: v.issues };
    this.generation++;
    this.queue = v.verbs;
    this.current?.kill();
    this.emit('app:command', { command: 'redirect', verbs: v.verbs.length });
    return { ok: true };
  }

  /** Hangs the call up (REST DELETE, a `hangup` command). */
  hangup(cause: Q850Cause = 16): void {
    this.stopped = true;
    this.hungUp = true;
    this.queue = [];
    this.current?.kill();
    this.o.host.hangup(cause);
  }

  /** Stops the application without touching the call (shutdown); run() resolves `stopped`. */
  stop(): void {
    this.stopped = true;
    this.queue = [];
    this.current?.kill();
    this.channel.close();
  }

  mute(on: boolean): boolean {
    return this.o.host.mute?.(on) ?? false;
  }

  private async runVerb(spec: VerbSpec): Promise<VerbResult> {
    const verb = createVerb(spec);
    this.current = verb;
    this.verbsRun++;
    const id = spec.id !== undefined ? { id: spec.id } : {};
    this.emit('verb:status', { ...id, verb: spec.verb, status: 'starting' });
    const r = await verb.exec(this.o.host, this.session);
    this.current = undefined;
    this.emit('verb:status', {
      ...id,
      verb: spec.verb,
      status: 'finished',
      outcome: r.outcome,
      ...(r.detail !== undefined ? { detail: r.detail } : {}),
    });
    if (r.outcome === 'unsupported' || r.outcome === 'failed') {
      this.log.warn('verb failed', {
        callId: this.o.host.callId,
        verb: spec.verb,
        outcome: r.outcome,
        detail: r.detail,
      });
    }
    return r;
  }

  private async callHook(hook: HookRef, data: Readonly<Record<string, unknown>>): Promise<ChannelResult> {
    if (this.hooks >= (this.o.maxHooks ?? 500)) {
      this.fail('too_many_hooks', `more than ${this.o.maxHooks ?? 500} hook requests`);
      return { ok: false, code: 'no_app', message: 'too many hook requests' };
    }
    this.hooks++;
    return this.channel.hook(hook, this.payload(data));
  }

  /** Validates a reply and makes it the verb list; false (and the failure set) when invalid. */
  private accept(verbs: unknown[]): boolean {
    const v = validateVerbs(verbs, { maxVerbs: this.o.maxVerbs });
    if (!v.ok) {
      this.channel.notify('error', { message: v.message, issues: v.issues });
      this.fail('invalid_verbs', v.message);
      return false;
    }
    this.queue = v.verbs;
    return true;
  }

  private payload(data: Readonly<Record<string, unknown>>): Record<string, unknown> {
    const c = this.o.call;
    return {
      call_sid: c.call_sid,
      direction: c.direction,
      from: c.from,
      to: c.to,
      ...(c.trunk ? { trunk: c.trunk } : {}),
      ...(c.sip_call_id ? { sip_call_id: c.sip_call_id } : {}),
      call_status: this.status,
      ...(this.sipStatus !== undefined ? { sip_status: this.sipStatus } : {}),
      ...(Object.keys(this.session.customerData).length > 0
        ? { customerData: this.session.customerData }
        : {}),
      ...data,
    };
  }

  private fail(code: AppFailure, detail: string): void {
    if (this.failure || this.stopped) return;
    this.failure = { code, detail };
    this.log.warn('application failed: fallback', { callId: this.o.host.callId, code, detail });
    this.emit('app:error', { code, message: detail });
    this.queue = [];
    this.current?.kill();
  }

  private async fallback(code: AppFailure, detail: string): Promise<AppRunEnd> {
    this.failure ??= { code, detail };
    const host = this.o.host;
    if (host.ended) return this.end('ended');
    const f = this.o.fallback ?? {};
    this.emit('app:fallback', { code, message: detail, ...(f.prompt ? { prompt: f.prompt } : {}) });
    if (f.prompt && host.ensureMedia()) {
      const prompt = f.prompt;
      await new Promise<void>((resolve) => {
        const t = host.clock.setTimeout(() => {
          host.stopPlayback();
          resolve();
        }, f.maxPromptMs ?? 15_000);
        host.play(prompt, () => {
          host.clock.clearTimeout(t);
          resolve();
        });
      });
    }
    if (!host.ended) host.hangup(f.cause ?? 41);
    return this.end('fallback');
  }

  private end(how: AppRunEnd['how']): AppRunEnd {
    return {
      how,
      ...(this.failure ? { failure: this.failure.code, detail: this.failure.detail } : {}),
      verbs: this.verbsRun,
      hooks: this.hooks,
    };
  }

  private onHostEvent(ev: HostEvent): void {
    if (ev.type === 'digit') {
      this.channel.notify('dtmf', { dtmf: ev.digit, duration: 0, source: ev.source });
      return;
    }
    this.status = ev.status;
    // The call is over: a verb waiting on a timer (pause, gather) must not outlive it.
    if (ev.status === 'completed' || ev.status === 'failed') this.current?.kill();
    if (ev.sipStatus !== undefined) this.sipStatus = ev.sipStatus;
    const data = this.payload({});
    this.channel.notify('call:status', data);
    this.emit('call:status', data);
  }

  private onCommand(cmd: AppCommand): void {
    const host = this.o.host;
    switch (cmd.command) {
      case 'redirect':
        void this.redirect({ verbs: cmd.verbs }).then((r) => {
          if (!r.ok)
            this.channel.notify('error', { message: r.message, ...(r.issues ? { issues: r.issues } : {}) });
        });
        return;
      case 'hangup':
        return this.hangup(16);
      case 'mute':
      case 'unmute':
        if (!this.mute(cmd.command === 'mute'))
          this.channel.notify('error', { message: `${cmd.command} is not available` });
        return;
      case 'dtmf': {
        const digits = cmd.digits.replace(/w/gi, '');
        if (digits !== '') void host.sendDigits(digits, undefined, 100, 100);
        return;
      }
      case 'tag': {
        const merged = { ...this.session.customerData, ...cmd.data };
        if (JSON.stringify(merged).length > MAX_TAG_BYTES) {
          this.channel.notify('error', { message: `tags over ${MAX_TAG_BYTES} bytes` });
          return;
        }
        this.session.customerData = merged;
        host.tag(cmd.data);
        return;
      }
    }
  }

  private emit(type: AppEvent['type'], data: Readonly<Record<string, unknown>>): void {
    if (type === 'verb:status') this.channel.notify('verb:status', { ...data });
    try {
      this.o.onEvent?.({ type, callSid: this.o.call.call_sid, data });
    } catch (err) {
      this.log.error('app event listener threw', { error: (err as Error).message });
    }
  }
}
