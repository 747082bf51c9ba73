/**
 * One MRCP session on the client: a SIP dialog to one server (RFC 6787 §4) offering audio and one
 * `m=application TCP/MRCPv2` line per resource, the TCP connections of its channels, and its RTP
 * stream. Every step has a deadline; any failure tears the whole session down (CANCEL or BYE,
 * channels rejected, connections released, ports returned).
 *
 *   idle ──open()──▶ inviting ──2xx──▶ connecting ──channels up──▶ active ──▶ closed
 *                        └────────── timeout / rejection / bad answer / connect failure ──▲
 */
import type { OutgoingCall, Session } from '../../sip/index.js';
import { SipStackError } from '../../sip/index.js';
import {
  type AudioCapabilities,
  type MrcpChannel as SdpChannel,
  type OfferSpec,
  SdpNegotiator,
} from '../../sdp/index.js';
import type { MrcpEvent } from '../codec/message.js';
import type { ServedResource } from '../codec/tables.js';
import { openMrcpAudio, type MrcpAudio } from '../audio/media-audio.js';
import { count } from '../net/metrics.js';
import type { MrcpLogger, TimerHandle } from '../server/clock.js';
import { ClientChannel } from './client-channel.js';
import { endpointKey, type ClientConnection } from './client-connection.js';
import { MrcpClientError } from './client-errors.js';
import type { ClientContext, ServerTarget } from './client-context.js';

export type ClientSessionState = 'idle' | 'inviting' | 'connecting' | 'active' | 'closed';

export interface ClientSessionEvents {
  onEvent(channel: ClientChannel, event: MrcpEvent): void;
  onClosed(session: ClientSession, reason: string): void;
}

export class ClientSession {
  state: ClientSessionState = 'idle';
  readonly channels = new Map<ServedResource, ClientChannel>();
  audio: MrcpAudio | undefined;
  closeReason: string | undefined;
  private readonly sdp: SdpNegotiator;
  private call: OutgoingCall | null = null;
  private sip: Session | null = null;
  private wasActive = false;

  constructor(
    private readonly ctx: ClientContext,
    readonly server: ServerTarget,
    private readonly log: MrcpLogger,
    private readonly events: ClientSessionEvents,
  ) {
    this.sdp = new SdpNegotiator({ logger: log, sessionName: 'voicegate-mrcp-client' });
  }

  get callId(): string | undefined {
    return this.call?.callId;
  }

  private to(next: ClientSessionState): void {
    this.log.debug(`client session ${this.state} -> ${next}`, { server: this.server.name });
    this.state = next;
  }

  private check(): void {
    if (this.state === 'closed')
      throw new MrcpClientError('closed', `session closed: ${this.closeReason ?? 'closed'}`);
  }

  private offerSpec(resources: readonly ServedResource[]): OfferSpec {
    const a = this.audio as MrcpAudio;
    const audio: AudioCapabilities = {
      address: this.ctx.rtpAddress,
      port: a.port,
      ...(a.rtcpPort !== undefined ? { rtcpPort: a.rtcpPort } : {}),
      codecs: this.server.codecs,
      telephoneEvent: true,
      ptime: 20,
      rtcpMux: 'accept',
    };
    const ep = this.ctx.endpoints.get(this.server.name);
    const existing = ep !== undefined && this.ctx.connections.has(ep.address, ep.port);
    return {
      audio,
      // One connection per server is enough: the first line asks for a new one unless we hold one,
      // the others share it (RFC 6787 §4.2).
      mrcp: {
        resources: resources.map((resource, i) => ({
          resource,
          connection: existing || i > 0 ? 'existing' : 'new',
        })),
      },
    };
  }

  /** Sets the session up with these resources; rejects with a coded error after tearing down. */
  async open(resources: readonly ServedResource[]): Promise<void> {
    try {
      const opened = await openMrcpAudio(this.ctx.audioOptions(this.log));
      if (!opened.ok) throw new MrcpClientError('rtp-unavailable', `no RTP ports: ${opened.message}`);
      if (this.state === 'closed') {
        void opened.audio.close();
        this.check();
      }
      this.audio = opened.audio;
      const offer = this.sdp.createOffer(this.offerSpec(resources));
      if (!offer.ok) throw new MrcpClientError('sip-error', `cannot build the offer: ${offer.error.message}`);
      this.to('inviting');
      const answer = await this.invite(Buffer.from(offer.value.sdp));
      this.check();
      const r = this.sdp.processAnswer(answer);
      if (!r.ok) throw new MrcpClientError('bad-answer', `unusable SDP answer: ${r.error.message}`);
      if (r.value.media.mrcp.rejected.length > 0) {
        throw new MrcpClientError(
          'resource-refused',
          `server refused ${r.value.media.mrcp.rejected.map((x) => `${x.resource ?? '?'} (${x.reason})`).join(', ')}`,
        );
      }
      if (r.value.media.audio) this.audio.configure(r.value.media.audio);
      this.to('connecting');
      await this.connect(r.value.media.mrcp.added);
      this.check();
      this.to('active');
      this.wasActive = true;
      this.ctx.counters.sessionsOpened++;
      this.ctx.counters.sessionsActive++;
    } catch (err) {
      const e = err instanceof MrcpClientError ? err : new MrcpClientError('sip-error', String(err));
      this.close(`setup failed: ${e.code}`);
      throw e;
    }
  }

  /** INVITE → the 2xx's SDP, within the invite deadline (then CANCEL). */
  private invite(body: Buffer): Promise<Buffer> {
    return new Promise<Buffer>((resolve, reject) => {
      let settled = false;
      const timer: TimerHandle = this.ctx.clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        count(this.ctx.counters.timeouts, 'invite');
        this.call?.cancel();
        reject(
          new MrcpClientError(
            'invite-timeout',
            `${this.server.name}: no answer to the INVITE in ${this.ctx.timeouts.inviteMs} ms`,
          ),
        );
      }, this.ctx.timeouts.inviteMs);
      const settle = (): boolean => {
        if (settled) return false;
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        return true;
      };
      try {
        this.call = this.ctx.sip.invite({
          trunk: this.server.trunk,
          to: this.server.user,
          body,
          contentType: 'application/sdp',
          delegate: {
            onAccepted: (session, res) => {
              if (!settle() || this.state === 'closed') {
                session.bye();
                return;
              }
              this.sip = session;
              session.delegate = { onTerminated: (reason) => this.close(`sip ${reason}`) };
              resolve(res.body);
            },
            onFailed: (res, reason) => {
              if (!settle()) return;
              reject(
                new MrcpClientError(
                  reason === 'timeout' ? 'invite-timeout' : 'invite-rejected',
                  `${this.server.name}: INVITE failed (${res ? `${res.status} ${res.reason}` : reason})`,
                ),
              );
            },
          },
        });
      } catch (err) {
        if (settle())
          reject(new MrcpClientError('sip-error', err instanceof SipStackError ? err.message : String(err)));
      }
    });
  }

  /** Opens (or shares) the TCP connections of newly agreed channels. */
  private async connect(added: readonly SdpChannel[]): Promise<void> {
    // A session's channels share the connection its first one opened: the server binds a channel
    // to the connection its first message arrives on and closes connections left without any, so
    // a session whose only used channel sat on another session's connection (sessions opening at
    // the same time) would lose its idle one — and with it the whole session.
    let own: ClientConnection | undefined;
    for (const c of added) {
      const key = endpointKey(c.address, c.port);
      const conn =
        own && own.key === key && c.connection === 'existing' && own.hasRoom
          ? own
          : await this.ctx.connections.acquire(c.address, c.port, c.connection === 'existing');
      own ??= conn;
      this.check();
      this.ctx.endpoints.set(this.server.name, { address: c.address, port: c.port });
      const resource = c.resource as ServedResource;
      const ch = new ClientChannel(resource, c.channel, conn, {
        clock: this.ctx.clock,
        logger: this.log,
        counters: this.ctx.counters.resources[resource],
        responseMs: this.ctx.timeouts.responseMs,
        completionMs: (m) => this.ctx.completionMs(m),
        maxPending: this.ctx.limits.maxPendingRequests,
        onEvent: (channel, e) => this.events.onEvent(channel, e),
        onFailure: (_channel, e) => this.close(`${e.code}: ${e.message}`),
        onTimeoutCounted: (step) => count(this.ctx.counters.timeouts, step),
      });
      this.channels.set(resource, ch);
      this.ctx.counters.channelsActive++;
    }
  }

  /** A re-INVITE with `resources` (RFC 6787 §4.2): adds the new ones, removes the missing ones. */
  async update(resources: readonly ServedResource[]): Promise<void> {
    this.check();
    if (this.state !== 'active' || !this.sip) throw new MrcpClientError('closed', 'session not active');
    const offer = this.sdp.createOffer(this.offerSpec(resources));
    if (!offer.ok) throw new MrcpClientError('sip-error', `cannot build the offer: ${offer.error.message}`);
    const sip = this.sip;
    const answer = await new Promise<Buffer>((resolve, reject) => {
      let settled = false;
      const timer = this.ctx.clock.setTimeout(() => {
        if (settled) return;
        settled = true;
        count(this.ctx.counters.timeouts, 'reinvite');
        reject(new MrcpClientError('invite-timeout', 're-INVITE not answered in time'));
      }, this.ctx.timeouts.inviteMs);
      const sent = sip.reinvite(
        { body: Buffer.from(offer.value.sdp), contentType: 'application/sdp' },
        (res) => {
          if (settled) return;
          settled = true;
          this.ctx.clock.clearTimeout(timer);
          if (res && res.status < 300) resolve(res.body);
          else
            reject(
              new MrcpClientError('invite-rejected', `re-INVITE failed (${res ? res.status : 'no answer'})`),
            );
        },
      );
      if (!sent && !settled) {
        settled = true;
        this.ctx.clock.clearTimeout(timer);
        reject(new MrcpClientError('sip-error', 'a re-INVITE is already in progress'));
      }
    }).catch((e: unknown) => {
      this.sdp.rollback();
      if (e instanceof MrcpClientError && e.code === 'invite-timeout') this.close('re-INVITE timeout');
      throw e;
    });
    this.check();
    const r = this.sdp.processAnswer(answer);
    if (!r.ok) {
      this.close('bad re-INVITE answer');
      throw new MrcpClientError('bad-answer', `unusable SDP answer: ${r.error.message}`);
    }
    for (const gone of r.value.media.mrcp.removed) this.dropChannel(gone.resource as ServedResource);
    if (r.value.media.audio) this.audio?.configure(r.value.media.audio);
    try {
      await this.connect(r.value.media.mrcp.added);
    } catch (err) {
      this.close('connect failed after re-INVITE');
      throw err;
    }
    if (r.value.media.mrcp.rejected.length > 0)
      throw new MrcpClientError(
        'resource-refused',
        `server refused ${r.value.media.mrcp.rejected.map((x) => x.resource).join(', ')}`,
      );
  }

  private dropChannel(resource: ServedResource): void {
    const ch = this.channels.get(resource);
    if (!ch) return;
    this.channels.delete(resource);
    this.ctx.counters.channelsActive--;
    ch.close(new MrcpClientError('closed', `${resource} removed from the session`));
  }

  /** Ends the session (BYE or CANCEL), its channels, audio and connections. Idempotent. */
  close(reason: string): void {
    if (this.state === 'closed') return;
    this.closeReason = reason;
    this.to('closed');
    const err = new MrcpClientError('closed', `session closed: ${reason}`);
    for (const r of [...this.channels.keys()]) {
      const ch = this.channels.get(r) as ClientChannel;
      this.channels.delete(r);
      this.ctx.counters.channelsActive--;
      ch.close(err);
    }
    const audio = this.audio;
    this.audio = undefined;
    if (audio) void audio.close(reason).catch(() => undefined);
    if (this.sip) this.sip.bye();
    else this.call?.cancel();
    if (this.wasActive) {
      this.ctx.counters.sessionsActive--;
      count(
        this.ctx.counters.sessionsClosed,
        reason.startsWith('sip remote-bye') ? 'remote-bye' : (reason.split(':')[0] ?? reason),
      );
    }
    this.log.info(`MRCP client session closed: ${reason}`, { server: this.server.name });
    this.events.onClosed(this, reason);
  }
}
