/**
 * One MRCP session on the networked server: a SIP dialog (RFC 6787 §4) with its SDP negotiator,
 * the sans-IO MrcpServerSession holding the channels, the RTP audio stream, and each channel's
 * link to the TCP connection that carries it.
 *
 *   setting-up ──2xx sent──▶ active ──BYE / connection lost / no connection / stop──▶ closed
 *        └──────── 4xx–6xx / CANCEL / RTP ports exhausted ───────────────────────────▲
 *
 * A re-INVITE adds channels (new m=application lines) and removes them (port 0); the kept ones
 * keep their ids. BYE ends all. Every exit goes through `close()`, which releases every channel,
 * timer, port and link exactly once.
 */
import { type IncomingCall, type InDialogRequest, type Session } from '../../sip/index.js';
import {
  AUDIO_CODECS,
  type AudioCapabilities,
  type CodecId,
  type MrcpServerCapabilities,
  type NegotiatedMedia,
  offeredAudioFamily,
  parseSdp,
  type ParsedSdp,
  SdpNegotiator,
  warningHeader,
} from '../../sdp/index.js';
import type { MrcpMessage, MrcpRequest } from '../codec/message.js';
import type { ServedResource } from '../codec/tables.js';
import { openMrcpAudio, type MrcpAudio } from '../audio/media-audio.js';
import type { MrcpChannel } from '../server/channel.js';
import type { TimerHandle } from '../server/clock.js';
import { MrcpServerSession } from '../server/session.js';
import { count, observe } from '../net/metrics.js';
import { taggedLogger } from '../net/tagged-logger.js';
import type { ChannelLink, ServerTcpConnection } from './server-connection.js';
import type { ServerContext } from './server-context.js';

export type ServerSessionState = 'setting-up' | 'active' | 'closed';

const SERVED: readonly string[] = ['speechsynth', 'speechrecog', 'recorder'];

interface Link extends ChannelLink {
  readonly resource: ServedResource;
  readonly index: number;
}

export class ServerSession {
  state: ServerSessionState = 'setting-up';
  readonly callId: string;
  private readonly log;
  private readonly sdp: SdpNegotiator;
  private sip: Session | null = null;
  private core: MrcpServerSession | undefined;
  private audio: MrcpAudio | undefined;
  private readonly links = new Map<ServedResource, Link>();
  private connectTimer: TimerHandle | undefined;
  /** Codecs offered in answers; narrowed to the first codec's rate after the first answer. */
  private codecs: readonly CodecId[];
  private pending = new Set<string>();
  private offered: ParsedSdp | undefined;
  private speakAt: number | undefined;
  private speakId = -1;
  private readonly recogAt = new Map<number, number>();

  constructor(
    private readonly ctx: ServerContext,
    readonly id: string,
    private readonly call: IncomingCall,
  ) {
    this.callId = call.callId;
    this.log = taggedLogger(ctx.logger, `<${id}>`, { callId: this.callId });
    this.sdp = new SdpNegotiator({ logger: this.log, sessionName: 'voicegate-mrcp' });
    this.codecs = ctx.codecs;
  }

  private to(next: ServerSessionState): void {
    this.log.debug(`session ${this.state} -> ${next}`);
    this.state = next;
  }

  /** Answers the INVITE: RTP ports, SDP answer, channels. Never throws. */
  async start(): Promise<void> {
    const call = this.call;
    call.delegate = { onEnded: (status) => this.close(status === 487 ? 'cancelled' : `rejected ${status}`) };
    const offer = call.offer;
    if (!offer) return this.reject(488, 'no-offer', 'MRCPv2 needs the SDP offer in the INVITE');
    const parsed = parseSdp(offer);
    if (!parsed.ok) {
      return this.reject(
        parsed.error.sipStatus,
        parsed.error.code,
        parsed.error.message,
        warningHeader(parsed.error, this.ctx.hostName),
      );
    }
    if (offeredAudioFamily(parsed.value)) {
      const opened = await openMrcpAudio(this.ctx.audioOptions(this.log));
      if (this.state === 'closed') {
        if (opened.ok) void opened.audio.close('cancelled');
        return;
      }
      if (!opened.ok) return this.reject(503, opened.code, opened.message);
      this.audio = opened.audio;
    }
    this.offered = parsed.value;
    const r = this.sdp.answerOffer(offer, this.answerSpec());
    if (!r.ok)
      return this.reject(
        r.error.sipStatus,
        r.error.code,
        r.error.message,
        warningHeader(r.error, this.ctx.hostName),
      );
    this.core = new MrcpServerSession({
      sessionId: this.id,
      engines: this.ctx.engines,
      clock: this.ctx.clock,
      logger: this.log,
      send: (msg) => this.send(msg),
      sampleRate: r.value.media.audio ? AUDIO_CODECS[r.value.media.audio.codec.id].sampleRate : 8000,
      ...this.ctx.sessionOptions,
      countersFor: (res) => this.ctx.counters.resources[res],
    });
    this.apply(r.value.media);
    const session = call.accept({ body: Buffer.from(r.value.sdp ?? '') });
    if (!session) return this.close('not-accepted');
    this.sip = session;
    session.delegate = {
      onReinvite: (req) => this.reinvite(req),
      onTerminated: (reason) => this.close(reason === 'remote-bye' ? 'bye' : reason, false),
    };
    this.to('active');
    this.ctx.counters.sessionsOpened++;
    this.ctx.counters.sessionsActive++;
    // A client that never connects would hold the channels until the session timer: end it.
    this.connectTimer = this.ctx.clock.setTimeout(() => {
      this.connectTimer = undefined;
      if ([...this.links.values()].every((l) => l.connection === undefined)) this.close('no-connection');
    }, this.ctx.connectTimeoutMs);
    this.log.info('MRCP session set up', { channels: [...this.links.values()].map((l) => l.channelId) });
  }

  private reject(status: number, cause: string, reason: string, warning?: string): void {
    count(this.ctx.counters.setupFailures, `${status} ${cause}`);
    this.log.info(`INVITE refused ${status}: ${reason}`);
    this.call.reject(status, warning ? { headers: [['Warning', warning]] } : {});
    this.close(`rejected ${status}`);
  }

  private answerSpec(): { audio?: AudioCapabilities; mrcp: MrcpServerCapabilities } {
    this.pending = new Set();
    const a = this.audio;
    return {
      ...(a
        ? {
            audio: {
              address: this.ctx.rtpAddress,
              port: a.port,
              ...(a.rtcpPort !== undefined ? { rtcpPort: a.rtcpPort } : {}),
              codecs: this.codecs,
              telephoneEvent: true,
              ptime: 20,
              rtcpMux: 'accept',
            },
          }
        : {}),
      mrcp: {
        address: this.ctx.mrcpAddress,
        port: this.ctx.mrcpPort(),
        transports: ['TCP'],
        resources: this.ctx.resources,
        allocateChannel: (req) => {
          const cur = this.links.get(req.resource as ServedResource);
          // One channel per resource and session: `<id>@<resource>` must stay unique.
          if (cur && this.keptByOffer(cur)) return undefined;
          if (this.pending.has(req.resource) || !SERVED.includes(req.resource)) return undefined;
          this.pending.add(req.resource);
          return { id: this.id };
        },
      },
    };
  }

  private keptByOffer(l: Link): boolean {
    const m = this.offered?.media[l.index];
    return m !== undefined && m.port !== 0 && m.resource === l.resource;
  }

  /** Applies a negotiation: channels removed, then added; audio (re)configured. */
  private apply(media: NegotiatedMedia): void {
    const core = this.core as MrcpServerSession;
    // Audio first: the channels added below run at the negotiated codec's PCM rate.
    if (media.audio && this.audio) {
      // Channels run at the first codec's PCM rate; the stream resamples if a re-INVITE changes it.
      this.audio.configure(media.audio);
      this.audio.handlers = {
        nextFrame: () => this.nextFrame(),
        onFrame: (f) => {
          core.channel('speechrecog')?.pushAudio(f);
          core.channel('recorder')?.pushAudio(f);
        },
        onDigit: (d) => core.channel('speechrecog')?.pushDtmf(d),
      };
    }
    for (const r of media.mrcp.removed) {
      const l = this.links.get(r.resource as ServedResource);
      if (!l || l.channelId !== r.channel) continue;
      l.connection?.unbind(l);
      core.removeChannel(l.resource);
      this.links.delete(l.resource);
      this.ctx.counters.channelsActive--;
      this.log.info(`<${l.channelId}> channel removed`);
    }
    for (const c of media.mrcp.added) {
      const resource = c.resource as ServedResource;
      if (this.links.has(resource)) continue;
      core.addChannel(resource, { sampleRate: this.audio?.sampleRate ?? 8000 });
      const link: Link = {
        channelId: c.channel,
        resource,
        index: c.index,
        connection: undefined,
        connectionLost: (reason) => this.close(`connection lost: ${reason}`),
      };
      this.links.set(resource, link);
      this.ctx.counters.channelsActive++;
    }
  }

  private nextFrame(): Int16Array | undefined {
    const f = this.core?.channel('speechsynth')?.pullAudio();
    if (f && this.speakAt !== undefined) {
      observe(this.ctx.counters.firstAudio, (this.ctx.clock.now() - this.speakAt) / 1000);
      this.speakAt = undefined;
    }
    return f;
  }

  private reinvite(req: InDialogRequest): void {
    if (this.state !== 'active' || !this.core) return req.reject(481);
    const parsed = parseSdp(req.body);
    if (!parsed.ok)
      return req.reject(parsed.error.sipStatus, {
        headers: [['Warning', warningHeader(parsed.error, this.ctx.hostName)]],
      });
    this.offered = parsed.value;
    const r = this.sdp.answerOffer(req.body, this.answerSpec());
    if (!r.ok) {
      count(this.ctx.counters.setupFailures, `re-INVITE ${r.error.sipStatus} ${r.error.code}`);
      return req.reject(r.error.sipStatus, {
        headers: [['Warning', warningHeader(r.error, this.ctx.hostName)]],
      });
    }
    this.apply(r.value.media);
    req.accept({ body: Buffer.from(r.value.sdp ?? '') });
    this.log.info('re-INVITE applied', {
      added: r.value.media.mrcp.added.map((c) => c.channel),
      removed: r.value.media.mrcp.removed.map((c) => c.channel),
    });
  }

  /** The channel named `<id>@<resource>` of this session, with its link. */
  find(resource: string): { channel: MrcpChannel; link: ChannelLink } | undefined {
    const link = this.links.get(resource as ServedResource);
    const channel = link && this.core?.channel(link.resource);
    return link && channel ? { channel, link } : undefined;
  }

  /** A request is about to reach one of our channels (timing for metrics). */
  requestArrived(req: MrcpRequest, channel: MrcpChannel): void {
    const now = this.ctx.clock.now();
    if (req.method === 'SPEAK' && channel.state === 'idle' && this.speakAt === undefined) {
      this.speakAt = now;
      this.speakId = req.requestId;
    } else if (req.method === 'RECOGNIZE') {
      if (this.recogAt.size >= 32) this.recogAt.clear();
      this.recogAt.set(req.requestId, now);
    }
  }

  /** Every message a channel sends goes out on the connection its channel is bound to. */
  private send(msg: MrcpMessage): void {
    const channelId = msg.headers[0]?.value ?? '';
    const resource = channelId.slice(channelId.lastIndexOf('@') + 1) as ServedResource;
    const conn: ServerTcpConnection | undefined = this.links.get(resource)?.connection;
    if (msg.kind === 'event') {
      if (msg.event === 'RECOGNITION-COMPLETE') {
        const t = this.recogAt.get(msg.requestId);
        if (t !== undefined) observe(this.ctx.counters.recognitionTime, (this.ctx.clock.now() - t) / 1000);
        this.recogAt.delete(msg.requestId);
      } else if (msg.event === 'SPEAK-COMPLETE' && msg.requestId === this.speakId) this.speakAt = undefined;
    } else if (msg.kind === 'response' && msg.requestId === this.speakId && msg.statusCode >= 300) {
      this.speakAt = undefined;
    }
    if (conn) conn.send(msg);
    else count(this.ctx.counters.dropped, 'unbound-channel-output');
  }

  get channelCount(): number {
    return this.links.size;
  }

  /** Ends the session: channels, engines, timers, RTP, links; BYE unless the peer ended it. */
  close(reason: string, bye = true): void {
    if (this.state === 'closed') return;
    const wasActive = this.state === 'active';
    this.to('closed');
    if (this.connectTimer !== undefined) this.ctx.clock.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    for (const l of this.links.values()) l.connection?.unbind(l);
    this.ctx.counters.channelsActive -= this.links.size;
    this.links.clear();
    this.core?.close();
    this.recogAt.clear();
    const audio = this.audio;
    this.audio = undefined;
    if (audio) void audio.close(reason).catch(() => undefined);
    if (this.sip && bye) this.sip.bye();
    if (!this.sip) this.call.reject(500);
    if (wasActive) {
      this.ctx.counters.sessionsActive--;
      count(this.ctx.counters.sessionsClosed, closeCause(reason));
    }
    this.ctx.unregister(this);
    this.log.info(`MRCP session closed: ${reason}`);
  }
}

/** A bounded label for the closed-sessions counter. */
function closeCause(reason: string): string {
  if (reason.startsWith('connection lost')) return 'connection-lost';
  if (reason.startsWith('rejected')) return 'rejected';
  return reason;
}
