/**
 * Recorder resource state machine (RFC 6787 §10).
 *
 *   idle ──RECORD──▶ recording ──RECORD-COMPLETE (Final-Silence, Max-Time, No-Input-Timeout)──▶ idle
 *                        └──────────────STOP (response carries Record-URI)─────────────────────▶ idle
 *
 * Speech is detected with an energy VAD (Sensitivity-Level); START-OF-INPUT is sent at its onset.
 * Capture-On-Speech delays capture (and the Max-Time timer) to that onset. The engine writes the
 * audio; the machine owns every timer.
 */
import { formatHeader, getHeader, headerOr } from '../codec/header-values.js';
import type { HeaderField, MrcpRequest } from '../codec/message.js';
import { formatCause, type RecorderCause } from '../codec/tables.js';
import {
  EngineError,
  type RecorderEngine,
  type RecorderFailure,
  type RecorderTask,
  type RecordingInfo,
  type RecordJob,
} from '../engines/engine-types.js';
import { TimerSlots } from './clock.js';
import { EnergyVad } from './energy.js';
import { guarded, withDeadline, type ChannelContext, type Reply, type ResourceMachine } from './machine.js';

export type RecorderState = 'idle' | 'recording';

interface Recording {
  requestId: number;
  engine: RecorderEngine;
  job: RecordJob;
  task: RecorderTask;
  vad: EnergyVad;
  capturing: boolean;
  inputStarted: boolean;
  timersStarted: boolean;
  finishing: boolean;
}

export function recordUriHeader(info: RecordingInfo): HeaderField {
  return {
    name: 'Record-URI',
    value: `<${info.uri}>;size=${info.size};duration=${Math.round(info.durationMs)}`,
  };
}

export class RecorderMachine implements ResourceMachine {
  state: RecorderState = 'idle';
  readonly defaults = new Map([
    ['No-Input-Timeout', '5000'],
    ['Max-Time', '0'],
    ['Final-Silence', '0'],
    ['Trim-Length', '0'],
    ['Capture-On-Speech', 'false'],
    ['Sensitivity-Level', '0.5'],
    ['Media-Type', 'audio/x-wav'],
    ['Start-Input-Timers', 'true'],
  ]);
  private active: Recording | undefined;
  private readonly timers: TimerSlots<'no-input' | 'max-time'>;

  constructor(private readonly ctx: ChannelContext) {
    this.timers = new TimerSlots(ctx.clock);
  }

  private to(next: RecorderState, requestId?: number): void {
    if (next === this.state) return;
    this.ctx.transition(this.state, next, requestId);
    this.state = next;
  }

  handle(req: MrcpRequest, reply: Reply): void | Promise<void> {
    switch (req.method) {
      case 'RECORD':
        return this.record(req, reply);
      case 'STOP':
        return this.stop(req, reply);
      case 'START-INPUT-TIMERS': {
        const a = this.active;
        if (!a || a.finishing) return reply(402, 'COMPLETE');
        reply(200, 'COMPLETE');
        if (!a.timersStarted) {
          a.timersStarted = true;
          if (!a.inputStarted) this.armNoInput(a);
        }
        return;
      }
      default:
        return reply(401, 'COMPLETE');
    }
  }

  private async record(req: MrcpRequest, reply: Reply): Promise<void> {
    if (this.state !== 'idle') return reply(402, 'COMPLETE');
    const params = this.ctx.params.effective(req.headers);
    const language = headerOr(params, 'Speech-Language', '') || this.ctx.defaultLanguage;
    const engine = this.ctx.engines.recorder(language);
    const fail = (cause: RecorderFailure, reason: string): void =>
      reply(407, 'COMPLETE', [
        { name: 'Completion-Cause', value: formatCause('recorder', cause) },
        { name: 'Completion-Reason', value: reason.slice(0, 200) },
      ]);
    // No engine at all is a failure of this server's resource, not of the request (§5.4: 421-499).
    if (!engine)
      return reply(421, 'COMPLETE', [{ name: 'Completion-Reason', value: 'no recorder engine configured' }]);
    const rawUri = headerOr(params, 'Record-URI', '');
    const job: RecordJob = {
      channelId: this.ctx.channelId,
      requestId: req.requestId,
      sampleRate: this.ctx.sampleRate,
      language,
      params,
      vendor: this.ctx.params.vendorParams(req.headers),
      uri: rawUri.startsWith('<') && rawUri.endsWith('>') ? rawUri.slice(1, -1) : rawUri,
      mediaType: headerOr(params, 'Media-Type', 'audio/x-wav'),
    };
    let task: RecorderTask;
    try {
      task = await withDeadline(
        this.ctx.clock,
        this.ctx.limits.engineTimeoutMs,
        guarded(() => engine.record(job)),
        () => new EngineError('error', 'recorder did not start in time'),
      );
    } catch (err) {
      this.ctx.counters.engineFailures++;
      return fail(
        err instanceof EngineError ? (err.completionCause as RecorderFailure) : 'error',
        (err as Error).message,
      );
    }
    const rec: Recording = {
      requestId: req.requestId,
      engine,
      job,
      task,
      vad: new EnergyVad(
        headerOr(params, 'Sensitivity-Level', 0.5),
        (this.ctx.frameSamples / this.ctx.sampleRate) * 1000,
      ),
      capturing: false,
      inputStarted: false,
      timersStarted: headerOr(params, 'Start-Input-Timers', true),
      finishing: false,
    };
    this.active = rec;
    reply(200, 'IN-PROGRESS');
    this.to('recording', req.requestId);
    if (!headerOr(params, 'Capture-On-Speech', false)) this.startCapture(rec);
    if (rec.timersStarted) this.armNoInput(rec);
  }

  private armNoInput(rec: Recording): void {
    const t = headerOr(rec.job.params, 'No-Input-Timeout', 5000);
    if (t > 0) this.timers.set('no-input', t, () => void this.finish(rec, 'no-input-timeout'));
  }

  private startCapture(rec: Recording): void {
    rec.capturing = true;
    const max = headerOr(rec.job.params, 'Max-Time', 0);
    if (max > 0) this.timers.set('max-time', max, () => void this.finish(rec, 'success-maxtime'));
  }

  pushAudio(frame: Int16Array): void {
    const rec = this.active;
    if (!rec || rec.finishing) return;
    const v = rec.vad.push(frame);
    if (v.change === 'speech' && !rec.inputStarted) {
      rec.inputStarted = true;
      this.timers.clear('no-input');
      this.ctx.event('START-OF-INPUT', rec.requestId, 'IN-PROGRESS');
      if (!rec.capturing) this.startCapture(rec);
    }
    if (rec.capturing) {
      try {
        rec.task.write(frame);
      } catch (err) {
        this.ctx.counters.engineFailures++;
        void this.finish(rec, 'error', String(err));
        return;
      }
    }
    const finalSilence = headerOr(rec.job.params, 'Final-Silence', 0);
    if (rec.inputStarted && finalSilence > 0 && rec.vad.silenceMs >= finalSilence)
      void this.finish(rec, 'success-silence');
  }

  /** Closes the recording and sends RECORD-COMPLETE with `cause`. */
  private async finish(rec: Recording, cause: RecorderCause, reason?: string): Promise<void> {
    if (this.active !== rec || rec.finishing) return;
    rec.finishing = true;
    this.timers.clearAll();
    const headers: HeaderField[] = [{ name: 'Completion-Cause', value: formatCause('recorder', cause) }];
    if (cause === 'no-input-timeout' || cause === 'error') {
      this.cancelTask(rec);
      if (reason) headers.push({ name: 'Completion-Reason', value: reason.slice(0, 200) });
    } else {
      const r = await this.closeRecording(rec);
      if (this.active !== rec) return;
      if (r.ok) headers.push(recordUriHeader(r.info));
      else headers[0] = { name: 'Completion-Cause', value: formatCause('recorder', 'error') };
    }
    this.active = undefined;
    this.ctx.event('RECORD-COMPLETE', rec.requestId, 'COMPLETE', headers);
    this.to('idle', rec.requestId);
  }

  private async closeRecording(rec: Recording): Promise<{ ok: true; info: RecordingInfo } | { ok: false }> {
    const trimMs = rec.inputStarted ? headerOr(rec.job.params, 'Trim-Length', 0) : 0;
    try {
      const info = await withDeadline(
        this.ctx.clock,
        this.ctx.limits.engineTimeoutMs,
        guarded(() => rec.task.finish({ trimMs })),
        () => new Error('recorder did not finish in time'),
      );
      return { ok: true, info };
    } catch (err) {
      this.ctx.counters.engineFailures++;
      this.ctx.logger.warn(`${this.ctx.tag} recorder ${rec.engine.name} failed to finish: ${String(err)}`);
      this.cancelTask(rec);
      return { ok: false };
    }
  }

  private cancelTask(rec: Recording): void {
    try {
      rec.task.cancel();
    } catch (err) {
      this.ctx.logger.warn(`${this.ctx.tag} recorder cancel threw: ${String(err)}`);
    }
  }

  private async stop(req: MrcpRequest, reply: Reply): Promise<void> {
    const rec = this.active;
    const list = getHeader(req.headers, 'Active-Request-Id-List');
    const hit =
      rec !== undefined &&
      !rec.finishing &&
      (!list.present || (list.ok && list.value.includes(rec.requestId)));
    if (!rec || !hit) return reply(200, 'COMPLETE');
    rec.finishing = true;
    this.timers.clearAll();
    const r = await this.closeRecording(rec);
    if (this.active === rec) this.active = undefined;
    const headers = [formatHeader('Active-Request-Id-List', [rec.requestId])];
    if (r.ok) headers.push(recordUriHeader(r.info));
    reply(200, 'COMPLETE', headers);
    this.to('idle', req.requestId);
  }

  close(): void {
    const a = this.active;
    this.active = undefined;
    this.timers.clearAll();
    if (a) this.cancelTask(a);
  }
}
