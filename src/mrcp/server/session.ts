/**
 * One MRCP session on the server (RFC 6787 §4: the resources one SIP dialog allocated): its
 * channels, added and removed as (re-)INVITEs allocate or release resources, all closed on BYE.
 * Local barge-in: when a recognizer of the session detects input, the session's synthesizer
 * stops a kill-on-barge-in prompt itself (SPEAK-COMPLETE `barge-in`, §8.4.2) without waiting for
 * the client's BARGE-IN-OCCURRED.
 */
import type { MrcpMessage } from '../codec/message.js';
import type { ServedResource } from '../codec/tables.js';
import type { EngineRegistry } from '../engines/registry.js';
import { MrcpChannel, type ChannelOptions } from './channel.js';
import type { Clock, MrcpLogger } from './clock.js';
import { newCounters, type ChannelLimits, type MrcpCounters } from './machine.js';

export interface SessionOptions {
  sessionId: string;
  engines: EngineRegistry;
  clock: Clock;
  /** Where the session's channels send their messages. */
  send: (msg: MrcpMessage) => void;
  logger?: MrcpLogger;
  sampleRate?: number;
  frameMs?: number;
  defaultLanguage?: string;
  limits?: Partial<ChannelLimits>;
  counters?: MrcpCounters;
  /** Counters of one resource's channels (the networked server keeps them per resource). */
  countersFor?: (resource: ServedResource) => MrcpCounters;
  /** Local barge-in between recognizer and synthesizer of this session (default true). */
  localBargeIn?: boolean;
}

export class MrcpServerSession {
  readonly sessionId: string;
  readonly counters: MrcpCounters;
  private readonly channels = new Map<ServedResource, MrcpChannel>();

  constructor(private readonly opts: SessionOptions) {
    this.sessionId = opts.sessionId;
    this.counters = opts.counters ?? newCounters();
  }

  /** Allocates a resource's channel (idempotent); returns it. */
  addChannel(
    resource: ServedResource,
    overrides: Partial<Pick<ChannelOptions, 'sampleRate' | 'frameMs'>> = {},
  ): MrcpChannel {
    const existing = this.channels.get(resource);
    if (existing) return existing;
    const o: ChannelOptions = {
      sessionId: this.sessionId,
      resource,
      engines: this.opts.engines,
      clock: this.opts.clock,
      send: this.opts.send,
      counters: this.opts.countersFor?.(resource) ?? this.counters,
      onInputStarted: () => {
        if (this.opts.localBargeIn !== false) this.channels.get('speechsynth')?.bargeIn();
      },
    };
    if (this.opts.logger) o.logger = this.opts.logger;
    const sampleRate = overrides.sampleRate ?? this.opts.sampleRate;
    if (sampleRate !== undefined) o.sampleRate = sampleRate;
    const frameMs = overrides.frameMs ?? this.opts.frameMs;
    if (frameMs !== undefined) o.frameMs = frameMs;
    if (this.opts.defaultLanguage) o.defaultLanguage = this.opts.defaultLanguage;
    if (this.opts.limits) o.limits = this.opts.limits;
    const ch = new MrcpChannel(o);
    this.channels.set(resource, ch);
    return ch;
  }

  channel(resource: ServedResource): MrcpChannel | undefined {
    return this.channels.get(resource);
  }

  /** Channel by its Channel-Identifier (`<session>@<resource>`). */
  byChannelId(channelId: string): MrcpChannel | undefined {
    for (const ch of this.channels.values()) if (ch.channelId === channelId) return ch;
    return undefined;
  }

  get size(): number {
    return this.channels.size;
  }

  /** Releases one resource (re-INVITE with port 0 on its m-line). */
  removeChannel(resource: ServedResource): void {
    this.channels.get(resource)?.close();
    this.channels.delete(resource);
  }

  /** Ends the session (BYE): every channel, engine task and timer. */
  close(): void {
    for (const ch of this.channels.values()) ch.close();
    this.channels.clear();
  }
}
