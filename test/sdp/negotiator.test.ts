import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AudioCapabilities,
  NEGOTIATION_TRANSITIONS,
  type SdpLogger,
  SdpNegotiator,
  parseSdp,
} from '../../src/sdp/index.js';
import * as F from './fixtures.js';

const ours: AudioCapabilities = { address: '192.0.2.10', port: 20000, rtcpPort: 20001 };
const theirs: AudioCapabilities = { address: '198.51.100.7', port: 30000, codecs: ['PCMU', 'PCMA'] };

function versionOf(sdp: string): string {
  const r = parseSdp(sdp);
  assert.ok(r.ok);
  return r.value.origin.sessionVersion;
}

function recordingLogger(): { log: SdpLogger; lines: string[] } {
  const lines: string[] = [];
  const push = (m: string): void => void lines.push(m);
  return { log: { debug: push, info: push, warn: push, error: push }, lines };
}

describe('SdpNegotiator state machine (RFC 3264)', () => {
  it('has exactly the documented transitions', () => {
    assert.deepEqual(NEGOTIATION_TRANSITIONS, {
      idle: { 'create-offer': 'local-offer', 'answer-offer': 'stable' },
      'local-offer': { 'apply-answer': 'stable', rollback: 'previous' },
      stable: { 'create-offer': 'local-offer', 'answer-offer': 'stable', 'apply-answer': 'stable' },
    });
  });

  it('idle --create-offer--> local-offer --apply-answer--> stable, one debug line per transition', () => {
    const { log, lines } = recordingLogger();
    const uac = new SdpNegotiator({ logger: log, sessionId: '1' });
    const uas = new SdpNegotiator({ sessionId: '2' });
    const offer = uac.createOffer({ audio: ours });
    assert.ok(offer.ok);
    assert.equal(uac.state, 'local-offer');
    const ans = uas.answerOffer(offer.value.sdp, { audio: theirs });
    assert.ok(ans.ok);
    const applied = uac.processAnswer(ans.value.sdp as string);
    assert.ok(applied.ok);
    assert.equal(uac.state, 'stable');
    assert.deepEqual(lines, [
      'sdp: idle -> local-offer (create-offer)',
      'sdp: local-offer -> stable (apply-answer)',
    ]);
    // The answerer chose from our list with its own preference (PCMU): we send PCMU to it.
    const a = applied.value.media.audio;
    assert.equal(a?.codec.id, 'PCMU');
    assert.equal(a?.codec.sendPt, 0);
    assert.equal(a?.telephoneEvent?.sendPt, 101);
    assert.equal(a?.telephoneEvent?.events.length, 17);
    assert.deepEqual(a?.remote, {
      family: 'IP4',
      address: '198.51.100.7',
      port: 30000,
      rtcpAddress: '198.51.100.7',
      rtcpPort: 30001,
      rtcpMux: false,
    });
  });

  it('idle --answer-offer--> stable, and stable --answer-offer--> stable (re-INVITE)', () => {
    const n = new SdpNegotiator();
    assert.ok(n.answerOffer(F.CARRIER_IMS, { audio: ours }).ok);
    assert.equal(n.state, 'stable');
    const again = n.answerOffer(F.HOLD_SENDONLY, { audio: ours });
    assert.ok(again.ok);
    assert.equal(n.state, 'stable');
    assert.equal(again.value.media.audio?.remoteHold, true);
  });

  it('local-offer --rollback--> previous state (idle, or stable keeping the old media)', () => {
    const a = new SdpNegotiator();
    assert.ok(a.createOffer({ audio: ours }).ok);
    const r = a.rollback();
    assert.ok(r.ok);
    assert.equal(r.value.state, 'idle');

    const b = new SdpNegotiator();
    assert.ok(b.answerOffer(F.CARRIER_IMS, { audio: ours }).ok);
    const before = b.media;
    assert.ok(b.hold().ok);
    assert.equal(b.state, 'local-offer');
    assert.ok(b.rollback().ok);
    assert.equal(b.state, 'stable');
    assert.equal(b.media, before);
  });

  it('illegal edges are coded errors and leave the state alone', () => {
    const n = new SdpNegotiator();
    const noAnswerExpected = n.processAnswer(F.SIPP_UAC);
    assert.equal(noAnswerExpected.ok ? '' : noAnswerExpected.error.code, 'invalid_state');
    assert.equal(n.rollback().ok, false);
    assert.ok(n.createOffer({ audio: ours }).ok);
    const glare = n.answerOffer(F.SIPP_UAC, { audio: ours });
    assert.equal(glare.ok ? 0 : glare.error.sipStatus, 491);
    const twice = n.createOffer({ audio: ours });
    assert.equal(twice.ok ? '' : twice.error.code, 'glare');
    assert.equal(n.state, 'local-offer');
    const bad = n.processAnswer('garbage');
    assert.equal(bad.ok, false);
    assert.equal(n.state, 'local-offer');
  });

  it('an answer with another m= line count or codecs we never offered is refused', () => {
    const n = new SdpNegotiator();
    assert.ok(n.createOffer({ audio: { ...ours, codecs: ['PCMA'] } }).ok);
    const extra = n.processAnswer(F.SOFTPHONE_AV);
    assert.equal(extra.ok ? '' : extra.error.code, 'media_count_mismatch');
    const wrong = n.processAnswer(F.SIPP_UAC);
    assert.equal(wrong.ok ? '' : wrong.error.code, 'answer_not_subset');
    assert.equal(n.state, 'local-offer');
  });

  it('a rejected audio stream in the answer fails the exchange', () => {
    const n = new SdpNegotiator();
    assert.ok(n.createOffer({ audio: ours }).ok);
    const r = n.processAnswer(F.SIPP_UAC.replace('m=audio 6000', 'm=audio 0'));
    assert.equal(r.ok ? '' : r.error.code, 'no_acceptable_media');
  });
});

describe('SdpNegotiator offers', () => {
  it('offers our codecs in preference order with telephone-event 0-16, ptime, a=rtcp', () => {
    const n = new SdpNegotiator({ sessionId: '777' });
    const o = n.createOffer({ audio: { ...ours, codecs: ['PCMA', 'PCMU', 'G722'] } });
    assert.ok(o.ok);
    assert.equal(
      o.value.sdp,
      [
        'v=0',
        'o=voicegate 777 0 IN IP4 192.0.2.10',
        's=voicegate',
        'c=IN IP4 192.0.2.10',
        't=0 0',
        'm=audio 20000 RTP/AVP 8 0 9 101',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:0 PCMU/8000',
        'a=rtpmap:9 G722/8000',
        'a=rtpmap:101 telephone-event/8000',
        'a=fmtp:101 0-16',
        'a=rtcp:20001',
        'a=ptime:20',
        'a=sendrecv',
        '',
      ].join('\r\n'),
    );
  });

  it('offers one telephone-event per clock rate when L16/16000 is in the list', () => {
    const n = new SdpNegotiator();
    const o = n.createOffer({ audio: { ...ours, codecs: ['PCMA', 'L16/16000'] } });
    assert.ok(o.ok);
    assert.match(o.value.sdp, /m=audio 20000 RTP\/AVP 8 97 101 102\r\n/);
    assert.match(o.value.sdp, /a=rtpmap:97 L16\/16000\r\n/);
    assert.match(o.value.sdp, /a=rtpmap:102 telephone-event\/16000\r\n/);
  });

  it('offers rtcp-mux when asked, and learns whether the answer accepted it', () => {
    const uac = new SdpNegotiator();
    const uas = new SdpNegotiator();
    const o = uac.createOffer({ audio: { ...ours, rtcpMux: 'offer' } });
    assert.ok(o.ok);
    assert.match(o.value.sdp, /a=rtcp-mux/);
    const a = uas.answerOffer(o.value.sdp, { audio: theirs });
    assert.ok(a.ok);
    const r = uac.processAnswer(a.value.sdp as string);
    assert.ok(r.ok);
    assert.equal(r.value.media.audio?.remote.rtcpMux, true);
    assert.equal(r.value.media.audio?.remote.rtcpPort, 30000);
  });

  it('late offer: INVITE without SDP, we offer in the 200 and read the answer from the ACK', () => {
    const uas = new SdpNegotiator();
    const offer = uas.createOffer({ audio: ours });
    assert.ok(offer.ok);
    const caller = new SdpNegotiator();
    const ack = caller.answerOffer(offer.value.sdp, { audio: { ...theirs, codecs: ['PCMA'] } });
    assert.ok(ack.ok);
    const done = uas.processAnswer(ack.value.sdp as string);
    assert.ok(done.ok);
    assert.equal(done.value.media.audio?.codec.id, 'PCMA');
    assert.equal(uas.state, 'stable');
  });

  it('early media: the same answer in the 183 and the 200 is accepted twice, unchanged', () => {
    const uac = new SdpNegotiator();
    const uas = new SdpNegotiator();
    const o = uac.createOffer({ audio: ours });
    assert.ok(o.ok);
    const a = uas.answerOffer(o.value.sdp, { audio: theirs });
    assert.ok(a.ok);
    const in183 = uac.processAnswer(a.value.sdp as string);
    assert.ok(in183.ok);
    assert.equal(in183.value.unchanged, false);
    const in200 = uac.processAnswer(a.value.sdp as string);
    assert.ok(in200.ok);
    assert.equal(in200.value.unchanged, true);
    assert.equal(uac.state, 'stable');
  });

  it('re-offers: o= version +1 only when our SDP changes (hold, resume), same for a refresh', () => {
    const uac = new SdpNegotiator();
    const uas = new SdpNegotiator();
    const exchange = (sdp: string) => {
      const a = uas.answerOffer(sdp, { audio: theirs });
      assert.ok(a.ok);
      const r = uac.processAnswer(a.value.sdp as string);
      assert.ok(r.ok);
      return { answer: a.value, applied: r.value };
    };
    const o1 = uac.createOffer({ audio: ours });
    assert.ok(o1.ok);
    exchange(o1.value.sdp);
    assert.equal(versionOf(o1.value.sdp), '0');

    const refresh = uac.createOffer();
    assert.ok(refresh.ok);
    assert.equal(versionOf(refresh.value.sdp), '0');
    const refreshed = exchange(refresh.value.sdp);
    assert.equal(refreshed.answer.unchanged, true);

    const hold = uac.hold();
    assert.ok(hold.ok);
    assert.equal(versionOf(hold.value.sdp), '1');
    assert.match(hold.value.sdp, /a=sendonly/);
    // A hold re-offer carries only the negotiated codec and keeps its telephone-event PT.
    assert.match(hold.value.sdp, /m=audio 20000 RTP\/AVP 0 101\r\n/);
    const held = exchange(hold.value.sdp);
    assert.match(held.answer.sdp as string, /a=recvonly/);
    assert.equal(held.answer.media.audio?.remoteHold, true);
    assert.equal(held.applied.media.audio?.send, true);
    assert.equal(held.applied.media.audio?.recv, false);
    assert.equal(held.applied.media.audio?.localHold, true);

    const resume = uac.resume();
    assert.ok(resume.ok);
    assert.equal(versionOf(resume.value.sdp), '2');
    const resumed = exchange(resume.value.sdp);
    assert.equal(resumed.applied.media.audio?.direction, 'sendrecv');
    assert.equal(resumed.answer.media.audio?.remoteHold, false);
    // The answerer's version moves with its SDP too: its answers went recvonly then back.
    assert.equal(versionOf(resumed.answer.sdp as string), '2');
  });

  it('hold from an inbound call (we answered first), via inactive when already recvonly', () => {
    const n = new SdpNegotiator();
    assert.ok(n.answerOffer(F.CARRIER_IMS, { audio: { ...ours, direction: 'recvonly' } }).ok);
    const h = n.hold();
    assert.ok(h.ok);
    assert.match(h.value.sdp, /a=inactive/);
    assert.match(h.value.sdp, /m=audio 20000 RTP\/AVP 8 101/);
  });

  it('answers the remote hold and resume of a carrier (a=sendonly, then sendrecv)', () => {
    const n = new SdpNegotiator();
    const first = n.answerOffer(F.CARRIER_IMS, { audio: ours });
    assert.ok(first.ok);
    const v0 = versionOf(first.value.sdp as string);
    const hold = n.answerOffer(F.HOLD_SENDONLY, { audio: ours });
    assert.ok(hold.ok);
    assert.match(hold.value.sdp as string, /a=recvonly/);
    assert.equal(BigInt(versionOf(hold.value.sdp as string)), BigInt(v0) + 1n);
    const resume = n.answerOffer(F.CARRIER_IMS.replace('3829471001 IN', '3829471003 IN'), { audio: ours });
    assert.ok(resume.ok);
    assert.match(resume.value.sdp as string, /a=sendrecv/);
    assert.equal(resume.value.media.audio?.send, true);
  });

  it('a same-version re-offer from the peer is reported unchanged and answered with the same SDP', () => {
    const n = new SdpNegotiator();
    const a = n.answerOffer(F.CUBE, { audio: ours });
    const b = n.answerOffer(F.CUBE, { audio: ours });
    assert.ok(a.ok && b.ok);
    assert.equal(b.value.unchanged, true);
    assert.equal(b.value.sdp, a.value.sdp);
  });

  it('createOffer without a previous offer or with nothing to offer is a coded error', () => {
    const n = new SdpNegotiator();
    assert.equal(n.createOffer().ok, false);
    const empty = n.createOffer({});
    assert.equal(empty.ok ? '' : empty.error.code, 'bad_options');
    assert.equal(n.hold().ok, false);
    assert.equal(n.state, 'idle');
  });
});

describe('SdpNegotiator addresses', () => {
  it('IPv6 offers: o= and c= in IP6', () => {
    const o = new SdpNegotiator({ sessionId: '9' }).createOffer({
      audio: { address: '2001:db8::1', port: 20000 },
    });
    assert.ok(o.ok);
    assert.match(
      o.value.sdp,
      /\r\no=voicegate 9 0 IN IP6 2001:db8::1\r\ns=voicegate\r\nc=IN IP6 2001:db8::1\r\n/,
    );
    const back = parseSdp(o.value.sdp);
    assert.ok(back.ok);
    assert.equal(back.value.media[0]?.connection?.family, 'IP6');
  });

  it('a stream on another address than the session gets its own media-level c=', () => {
    const o = new SdpNegotiator().createOffer({
      audio: { address: '192.0.2.10', port: 20000 },
      mrcp: { address: '192.0.2.99', resources: [{ resource: 'speechsynth' }] },
    });
    assert.ok(o.ok);
    assert.match(o.value.sdp, /m=application 9 TCP\/MRCPv2 1\r\nc=IN IP4 192\.0\.2\.99\r\n/);
    const back = parseSdp(o.value.sdp);
    assert.ok(back.ok);
    assert.equal(back.value.media[0]?.connection?.address, '192.0.2.10');
    assert.equal(back.value.media[1]?.connection?.address, '192.0.2.99');
  });
});
