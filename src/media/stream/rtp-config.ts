/** What SDP negotiation decided, mapped onto the RTP session's stream configuration. */
import type { RtpStreamConfig } from '../../rtp/index.js';
import type { NegotiatedAudio } from '../../sdp/index.js';

export function toRtpStreamConfig(a: NegotiatedAudio): RtpStreamConfig {
  return {
    remoteAddress: a.remote.address,
    remotePort: a.remote.port,
    remoteRtcpAddress: a.remote.rtcpAddress,
    remoteRtcpPort: a.remote.rtcpPort,
    rtcpMux: a.remote.rtcpMux,
    sendPayloadType: a.codec.sendPt,
    recvPayloadType: a.codec.recvPt,
    clockRate: a.codec.clockRate,
    sendPtimeMs: a.sendPtime,
    recvPtimeMs: a.recvPtime,
    ...(a.telephoneEvent
      ? {
          telephoneEvent: {
            sendPayloadType: a.telephoneEvent.sendPt,
            recvPayloadType: a.telephoneEvent.recvPt,
          },
        }
      : {}),
    send: a.send,
    recv: a.recv,
  };
}
