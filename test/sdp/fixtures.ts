/**
 * SDP bodies in the styles voicegate meets: SIPp's built-in scenarios (copied from `sipp -sd uac`
 * and `sipp -sd uac_pcap` with their keywords filled in), and bodies written in the style of common
 * carrier SBCs, PBXs, softphones and UniMRCP (field order, attributes and values as those send them).
 */
export const sdp = (...lines: string[]): string => lines.join('\r\n') + '\r\n';

/** `sipp -sd uac`. */
export const SIPP_UAC = sdp(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 0',
  'a=rtpmap:0 PCMU/8000',
);

/** `sipp -sd uac_pcap`: A-law with telephone-event 0-11,16. */
export const SIPP_UAC_PCAP = sdp(
  'v=0',
  'o=user1 53655765 2353687637 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=audio 6000 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-11,16',
);

/** Carrier IMS SBC style: A-law first, G.729, RFC 4733 0-15, ptime and maxptime, bandwidth line. */
export const CARRIER_IMS = sdp(
  'v=0',
  'o=- 3829471001 3829471001 IN IP4 202.96.134.20',
  's=SBC',
  'c=IN IP4 202.96.134.21',
  'b=AS:80',
  't=0 0',
  'm=audio 36014 RTP/AVP 8 0 18 101',
  'b=AS:80',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:18 G729/8000',
  'a=fmtp:18 annexb=no',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=ptime:20',
  'a=maxptime:40',
  'a=sendrecv',
);

/** Cisco CUBE style: µ-law, telephone-event on PT 101 and comfort noise on PT 19. */
export const CUBE = sdp(
  'v=0',
  'o=CiscoSystemsSIP-GW-UserAgent 5517 1843 IN IP4 10.10.20.5',
  's=SIP Call',
  'c=IN IP4 10.10.20.5',
  't=0 0',
  'm=audio 16400 RTP/AVP 0 101 19',
  'c=IN IP4 10.10.20.5',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=rtpmap:19 CN/8000',
  'a=ptime:20',
);

/** Asterisk style: G.722 among the narrowband codecs, maxptime 150. */
export const ASTERISK = sdp(
  'v=0',
  'o=- 1868520342 1868520342 IN IP4 192.168.1.20',
  's=Asterisk',
  'c=IN IP4 192.168.1.20',
  't=0 0',
  'm=audio 15034 RTP/AVP 9 8 0 3 101',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:3 GSM/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
  'a=maxptime:150',
  'a=sendrecv',
);

/** FreeSWITCH style: a=rtcp with an address (RFC 3605), ptime 30. */
export const FREESWITCH = sdp(
  'v=0',
  'o=FreeSWITCH 1700000000 1700000001 IN IP4 10.0.0.8',
  's=FreeSWITCH',
  'c=IN IP4 10.0.0.8',
  't=0 0',
  'm=audio 24562 RTP/AVP 8 0 101 13',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=rtpmap:13 CN/8000',
  'a=ptime:30',
  'a=rtcp:24563 IN IP4 10.0.0.9',
);

/** A softphone offering audio and video; rtcp-mux on audio. */
export const SOFTPHONE_AV = sdp(
  'v=0',
  'o=linphone 2231 3440 IN IP4 192.168.0.33',
  's=Talk',
  'c=IN IP4 192.168.0.33',
  't=0 0',
  'm=audio 7078 RTP/AVP 96 0 8 101',
  'a=rtpmap:96 opus/48000/2',
  'a=fmtp:96 useinbandfec=1',
  'a=rtpmap:101 telephone-event/8000',
  'a=rtcp-mux',
  'm=video 9078 RTP/AVP 97',
  'a=rtpmap:97 VP8/90000',
);

/** IPv6 trunk (rtpengine in front of the carrier). */
export const IPV6 = sdp(
  'v=0',
  'o=- 4101 4101 IN IP6 2001:db8::10',
  's=-',
  'c=IN IP6 2001:db8::10',
  't=0 0',
  'm=audio 30000 RTP/AVP 0 8 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=ptime:20',
);

/** RFC 2543 hold: the connection address is 0.0.0.0. */
export const HOLD_2543 = sdp(
  'v=0',
  'o=- 1868520342 1868520343 IN IP4 192.168.1.20',
  's=Asterisk',
  'c=IN IP4 0.0.0.0',
  't=0 0',
  'm=audio 15034 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
);

/** RFC 3264 §8.4 hold: a=sendonly (here at session level). */
export const HOLD_SENDONLY = sdp(
  'v=0',
  'o=- 3829471001 3829471002 IN IP4 202.96.134.20',
  's=SBC',
  'c=IN IP4 202.96.134.21',
  't=0 0',
  'a=sendonly',
  'm=audio 36014 RTP/AVP 8 101',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
);

/** A wideband phone: G.722 only, with its rtpmap written at the sampling rate (seen in the field). */
export const G722_ONLY = sdp(
  'v=0',
  'o=Polycom 1 1 IN IP4 10.1.1.50',
  's=-',
  'c=IN IP4 10.1.1.50',
  't=0 0',
  'm=audio 2222 RTP/AVP 9 101',
  'a=rtpmap:9 G722/16000',
  'a=rtpmap:101 telephone-event/8000',
);

/** Only codecs we do not carry. */
export const NO_COMMON = sdp(
  'v=0',
  'o=- 1 1 IN IP4 10.2.2.2',
  's=-',
  'c=IN IP4 10.2.2.2',
  't=0 0',
  'm=audio 4000 RTP/AVP 18 98',
  'a=rtpmap:18 G729/8000',
  'a=rtpmap:98 AMR/8000',
);

/** SRTP only. */
export const SRTP_ONLY = sdp(
  'v=0',
  'o=- 1 1 IN IP4 10.2.2.2',
  's=-',
  'c=IN IP4 10.2.2.2',
  't=0 0',
  'm=audio 4000 RTP/SAVP 0',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzcyAoc2VuZG1zZ|2^20|1:32',
);

/** UniMRCP client style: one audio line (mid 1) and two resources on one new connection. */
export const UNIMRCP_CLIENT_OFFER = sdp(
  'v=0',
  'o=UniMRCPClient 0 0 IN IP4 10.0.0.30',
  's=-',
  'c=IN IP4 10.0.0.30',
  't=0 0',
  'm=application 9 TCP/MRCPv2 1',
  'a=setup:active',
  'a=connection:new',
  'a=resource:speechsynth',
  'a=cmid:1',
  'm=application 9 TCP/MRCPv2 1',
  'a=setup:active',
  'a=connection:existing',
  'a=resource:speechrecog',
  'a=cmid:1',
  'm=audio 4000 RTP/AVP 0 8 96 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:96 L16/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=sendrecv',
  'a=mid:1',
  'a=ptime:20',
);

/** UniMRCP server style answer to a synthesizer offer. */
export const UNIMRCP_SERVER_ANSWER = sdp(
  'v=0',
  'o=UniMRCPServer 0 0 IN IP4 10.0.0.40',
  's=-',
  'c=IN IP4 10.0.0.40',
  't=0 0',
  'm=application 1544 TCP/MRCPv2 1',
  'a=setup:passive',
  'a=connection:new',
  'a=channel:6e4f3a2b1c0d4e5f@speechsynth',
  'a=cmid:1',
  'm=audio 5000 RTP/AVP 0 101',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-15',
  'a=recvonly',
  'a=mid:1',
  'a=ptime:20',
);
