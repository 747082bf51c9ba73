/**
 * A session's RTCP (RFC 3550 §6): sends SR (when we sent RTP since the last report) or RR, each
 * with SDES CNAME (§6.1: every compound carries it), at the §6.2/A.7 interval; reads the peer's
 * reports for LSR/DLSR, the round-trip time (§6.4.1) and how the peer receives us; BYE on close.
 */
import type { Clock, TimerHandle } from './clock.js';
import { compactNtpFromMs, ntpFromMs } from './ntp.js';
import type { ReceiveStats } from './receive-stats.js';
import { roundTripMs } from './receive-stats.js';
import { type ReportBlock, type RtcpPacket, SDES_CNAME } from './rtcp.js';
import { marshalRtcp, rtcpMarshalSize } from './rtcp-write.js';
import { minimumInterval, rtcpInterval } from './rtcp-interval.js';

/** What the reporter reads from its session, when it needs it. */
export interface ReportSource {
  readonly ssrc: number;
  readonly cname: string;
  clockRate(): number;
  /** Packets and payload octets sent, and the RTP timestamp and clock time of the last one (§6.4.1). */
  sent(): { packets: number; octets: number; lastTimestamp: number; lastAt: number };
  /** Reception stats of the current peer source, once heard. */
  receive(): ReceiveStats | undefined;
}

export interface ReporterOptions {
  readonly sessionKbps: number;
  readonly reducedMinimum: boolean;
}

const UDP_IP_OVERHEAD = 28;

export class RtcpReporter {
  private timer: TimerHandle | undefined;
  private avgSize = 100;
  private initial = true;
  private lastReportAt = -Infinity;
  private previousReportAt = -Infinity;
  private peerSentAt = -Infinity;
  private heardPeer = false;
  sent = 0;
  received = 0;
  rttMs: number | undefined;
  remoteReport: { fractionLost: number; cumulativeLost: number; jitterMs: number } | undefined;
  /** The last interval scheduled, seconds (for tests and logs). */
  lastInterval = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: () => number,
    private readonly options: ReporterOptions,
    private readonly source: ReportSource,
    private readonly transmit: (packet: Uint8Array) => void,
  ) {}

  private interval(): number {
    const now = this.clock.now();
    const weSent = now - this.source.sent().lastAt < 2 * Math.max(this.lastInterval, 5) * 1000;
    const peerSent = now - this.peerSentAt < 2 * Math.max(this.lastInterval, 5) * 1000;
    const seconds = rtcpInterval(
      {
        members: this.heardPeer ? 2 : 1,
        senders: (weSent ? 1 : 0) + (peerSent ? 1 : 0),
        rtcpBandwidth: (this.options.sessionKbps * 1000 * 0.05) / 8,
        weSent,
        avgRtcpSize: this.avgSize,
        initial: this.initial,
        minSeconds: minimumInterval(this.options.sessionKbps, this.options.reducedMinimum),
      },
      this.random,
    );
    this.lastInterval = seconds;
    return seconds;
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.schedule();
  }

  private schedule(): void {
    const ms = Math.round(this.interval() * 1000);
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.initial = false;
      this.transmit(this.build(undefined));
      this.schedule();
    }, ms);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A compound report now; with `bye` set, RR/SR + SDES + BYE (§6.6). */
  build(bye: string | undefined): Uint8Array {
    const now = this.clock.now();
    const s = this.source;
    const rx = s.receive();
    const sent = s.sent();
    const clockRate = s.clockRate();
    const reports: ReportBlock[] = rx && rx.received > 0 ? [rx.reportBlock(now)] : [];
    const packets: RtcpPacket[] = [];
    // §6.4: an SR when we sent data since the report before the last one.
    if (sent.lastAt > this.previousReportAt && sent.packets > 0) {
      const ntp = ntpFromMs(now);
      const rtpTimestamp = (sent.lastTimestamp + Math.round(((now - sent.lastAt) * clockRate) / 1000)) >>> 0;
      packets.push({
        type: 'sr',
        ssrc: s.ssrc,
        ntpSeconds: ntp.seconds,
        ntpFraction: ntp.fraction,
        rtpTimestamp,
        packetCount: sent.packets >>> 0,
        octetCount: sent.octets >>> 0,
        reports,
      });
    } else {
      packets.push({ type: 'rr', ssrc: s.ssrc, reports });
    }
    packets.push({ type: 'sdes', chunks: [{ ssrc: s.ssrc, items: [{ type: SDES_CNAME, text: s.cname }] }] });
    if (bye !== undefined) packets.push({ type: 'bye', ssrcs: [s.ssrc], ...(bye ? { reason: bye } : {}) });
    const buf = new Uint8Array(rtcpMarshalSize(packets));
    marshalRtcp(packets, buf);
    this.previousReportAt = this.lastReportAt;
    this.lastReportAt = now;
    this.sent++;
    this.avgSize += (buf.length + UDP_IP_OVERHEAD - this.avgSize) / 16;
    return buf;
  }

  /** The peer's compound RTCP; returns the BYE reason if it said goodbye. */
  receive(packets: readonly RtcpPacket[], size: number): { bye: boolean; reason: string | undefined } {
    const now = this.clock.now();
    this.received++;
    this.heardPeer = true;
    this.avgSize += (size + UDP_IP_OVERHEAD - this.avgSize) / 16;
    let bye = false;
    let reason: string | undefined;
    for (const p of packets) {
      if (p.type === 'sr' || p.type === 'rr') {
        if (p.type === 'sr') {
          this.peerSentAt = now;
          this.source.receive()?.senderReport(p.ntpSeconds, p.ntpFraction, now);
        }
        const mine = p.reports.find((r) => r.ssrc === this.source.ssrc);
        if (mine) {
          const rtt = roundTripMs(mine, compactNtpFromMs(now));
          if (rtt !== undefined) this.rttMs = rtt;
          this.remoteReport = {
            fractionLost: mine.fractionLost / 256,
            cumulativeLost: mine.cumulativeLost,
            jitterMs: (mine.jitter * 1000) / this.source.clockRate(),
          };
        }
      } else if (p.type === 'bye') {
        bye = true;
        reason = p.reason;
      }
    }
    return { bye, reason };
  }
}
