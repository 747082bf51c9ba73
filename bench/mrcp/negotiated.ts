/** A negotiated PCMU stream to a loopback port, for the bare-media baseline (no SDP exchange). */
import type { NegotiatedAudio } from '../../src/sdp/index.js';

export function negotiated(remotePort: number): NegotiatedAudio {
  return {
    index: 0,
    codec: { id: 'PCMU', name: 'PCMU', sendPt: 0, recvPt: 0, clockRate: 8000, sampleRate: 8000 },
    telephoneEvent: undefined,
    sendPtime: 20,
    recvPtime: 20,
    direction: 'sendrecv',
    remoteDirection: 'sendrecv',
    send: true,
    recv: true,
    remoteHold: false,
    localHold: false,
    remote: {
      family: 'IP4',
      address: '127.0.0.1',
      port: remotePort,
      rtcpAddress: '127.0.0.1',
      rtcpPort: remotePort + 1,
      rtcpMux: false,
    },
    mid: undefined,
  };
}
