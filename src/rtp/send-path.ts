/**
 * The sending half of a session, driven by the media frame clock: our SSRC, sequence number and
 * timestamp (RFC 3550 §5.1: random starts), continuous whatever the audio source; the marker on the
 * first packet of a talkspurt (RFC 3551 §4.1); RFC 4733 events in place of audio while a digit is
 * sent. Packets are written into a small ring of reused buffers.
 */
import type { Socket } from 'node:dgram';
import type { Clock } from './clock.js';
import type { DtmfSender, EventPacket } from './dtmf-sender.js';
import { RTP_HEADER_SIZE, writeRtpHeader } from './packet.js';
import type { RtpStreamConfig } from './session-types.js';
import { writeTelephoneEvent } from './telephone-event.js';

const RING = 8;
const SLOT = 512;

export class SendPath {
  readonly ssrc: number;
  private seq: number;
  private ts: number;
  private marker = true;
  private lastTickAt = -1;
  private readonly ring: Buffer[] = [];
  private ringPos = 0;
  private burst = 0;
  private readonly endBurst = (): void => {
    this.burst = 0;
  };
  private readonly event: EventPacket = {
    marker: false,
    timestamp: 0,
    event: 0,
    end: false,
    volume: 0,
    duration: 0,
  };
  packets = 0;
  octets = 0;
  lastTimestamp = 0;
  lastAt = -Infinity;
  dtmf: DtmfSender | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly clock: Clock,
    random: () => number,
  ) {
    this.ssrc = Math.floor(random() * 0x100000000) >>> 0;
    this.seq = Math.floor(random() * 0x10000);
    this.ts = Math.floor(random() * 0x100000000) >>> 0;
    for (let i = 0; i < RING; i++) this.ring.push(Buffer.alloc(SLOT));
  }

  markTalkspurt(): void {
    this.marker = true;
  }

  /** One frame tick; see RtpSession.sendFrame. `address` undefined: nowhere to send (hold). */
  tick(
    cfg: RtpStreamConfig,
    payload: Uint8Array | null,
    units: number | undefined,
    address: string | undefined,
    port: number,
  ): boolean {
    const step = units ?? Math.round(((cfg.sendPtimeMs ?? 20) * cfg.clockRate) / 1000);
    const now = this.clock.now();
    const frameMs = (step * 1000) / cfg.clockRate;
    if (this.lastTickAt >= 0 && now - this.lastTickAt > 2.5 * frameMs) {
      // Ticks were missed: the timestamp follows the sampling clock, and a talkspurt starts.
      const missed = Math.round((now - this.lastTickAt) / frameMs) - 1;
      this.ts = (this.ts + missed * step) >>> 0;
      this.marker = true;
    }
    this.lastTickAt = now;
    const ts = this.ts;
    this.ts = (this.ts + step) >>> 0;
    const canSend = cfg.send && address !== undefined;
    const te = cfg.telephoneEvent;
    if (this.dtmf && te && this.dtmf.tick(ts, step, this.event)) {
      if (!canSend) return false;
      const e = this.event;
      const buf = this.buffer(RTP_HEADER_SIZE + 4);
      writeRtpHeader(buf, 0, e.marker, te.sendPayloadType, this.nextSeq(), e.timestamp, this.ssrc);
      writeTelephoneEvent(buf, RTP_HEADER_SIZE, e);
      return this.transmit(buf, RTP_HEADER_SIZE + 4, ts, 4, address, port, now);
    }
    if (!payload || !canSend) return false;
    const size = RTP_HEADER_SIZE + payload.length;
    const buf = this.buffer(size);
    writeRtpHeader(buf, 0, this.marker, cfg.sendPayloadType, this.nextSeq(), ts, this.ssrc);
    buf.set(payload, RTP_HEADER_SIZE);
    this.marker = false;
    return this.transmit(buf, size, ts, payload.length, address, port, now);
  }

  private nextSeq(): number {
    const s = this.seq;
    this.seq = (this.seq + 1) & 0xffff;
    return s;
  }

  private buffer(size: number): Buffer {
    // dgram sends on a later tick: a ring slot is reused only after the sends queued in this turn
    // went out; a burst longer than the ring, or an oversized packet, gets its own buffer.
    if (size > SLOT || this.burst >= RING) return Buffer.allocUnsafe(size);
    if (this.burst++ === 0) process.nextTick(this.endBurst);
    const buf = this.ring[this.ringPos] as Buffer;
    this.ringPos = (this.ringPos + 1) % RING;
    return buf;
  }

  private transmit(
    buf: Buffer,
    size: number,
    ts: number,
    payloadBytes: number,
    address: string,
    port: number,
    now: number,
  ): boolean {
    this.socket.send(buf, 0, size, port, address);
    this.packets++;
    this.octets += payloadBytes;
    this.lastTimestamp = ts;
    this.lastAt = now;
    return true;
  }
}
