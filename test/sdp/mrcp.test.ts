import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type AudioCapabilities,
  type MrcpChannelRequest,
  type MrcpServerCapabilities,
  SdpNegotiator,
  parseSdp,
} from '../../src/sdp/index.js';
import * as F from './fixtures.js';

const clientAudio: AudioCapabilities = {
  address: '10.0.0.30',
  port: 4000,
  codecs: ['PCMU', 'PCMA', 'L16/8000'],
};
const serverAudio: AudioCapabilities = { address: '10.0.0.40', port: 5000, codecs: ['PCMA', 'PCMU'] };

function server(over: Partial<MrcpServerCapabilities> = {}): {
  caps: MrcpServerCapabilities;
  requests: MrcpChannelRequest[];
} {
  const requests: MrcpChannelRequest[] = [];
  let next = 1;
  const caps: MrcpServerCapabilities = {
    address: '10.0.0.40',
    port: 1544,
    resources: ['speechsynth', 'speechrecog', 'recorder'],
    allocateChannel: (r) => {
      requests.push(r);
      return { id: `c0ffee${next++}` };
    },
    ...over,
  };
  return { caps, requests };
}

describe('MRCPv2 SDP (RFC 6787 §4)', () => {
  it('client offer: audio with a=mid, one application line per resource, port 9, setup active', () => {
    const c = new SdpNegotiator({ sessionId: '5' });
    const o = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speechsynth' }, { resource: 'speechrecog', connection: 'existing' }] },
    });
    assert.ok(o.ok);
    assert.match(
      o.value.sdp,
      new RegExp(
        [
          'a=sendrecv',
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
          '',
        ].join('\\r\\n'),
      ),
    );
  });

  it('server answer: real port, setup passive, a=channel, a=cmid, a=mid on audio; client reads the channels', () => {
    const c = new SdpNegotiator();
    const s = new SdpNegotiator();
    const srv = server();
    const o = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speechsynth' }, { resource: 'speechrecog' }] },
    });
    assert.ok(o.ok);
    const a = s.answerOffer(o.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a.ok, a.ok ? '' : a.error.message);
    const text = a.value.sdp as string;
    assert.match(
      text,
      /m=application 1544 TCP\/MRCPv2 1\r\na=setup:passive\r\na=connection:new\r\na=channel:c0ffee1@speechsynth\r\na=cmid:1\r\n/,
    );
    assert.match(text, /a=channel:c0ffee2@speechrecog/);
    assert.match(text, /m=audio 5000 RTP\/AVP 8 101\r\n[\s\S]*a=mid:1/);
    assert.deepEqual(
      srv.requests.map((r) => [r.index, r.resource, r.connection, r.transport, r.cmid]),
      [
        [1, 'speechsynth', 'new', 'TCP', ['1']],
        [2, 'speechrecog', 'new', 'TCP', ['1']],
      ],
    );
    assert.deepEqual(
      a.value.media.mrcp.added.map((x) => x.channel),
      ['c0ffee1@speechsynth', 'c0ffee2@speechrecog'],
    );
    const r = c.processAnswer(text);
    assert.ok(r.ok, r.ok ? '' : r.error.message);
    assert.deepEqual(
      r.value.media.mrcp.channels.map((x) => [x.resource, x.channel, x.address, x.port, x.transport]),
      [
        ['speechsynth', 'c0ffee1@speechsynth', '10.0.0.40', 1544, 'TCP'],
        ['speechrecog', 'c0ffee2@speechrecog', '10.0.0.40', 1544, 'TCP'],
      ],
    );
    assert.equal(r.value.media.audio?.codec.id, 'PCMA');
  });

  it('answers a UniMRCP client offer (application lines first, L16 in the list)', () => {
    const s = new SdpNegotiator();
    const srv = server();
    const a = s.answerOffer(F.UNIMRCP_CLIENT_OFFER, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a.ok);
    const back = parseSdp(a.value.sdp as string);
    assert.ok(back.ok);
    assert.deepEqual(
      back.value.media.map((m) => [m.kind, m.port, m.channel ?? m.mid]),
      [
        ['application', 1544, 'c0ffee1@speechsynth'],
        ['application', 1544, 'c0ffee2@speechrecog'],
        ['audio', 5000, '1'],
      ],
    );
    assert.equal(back.value.media[1]?.connectionType, 'existing');
  });

  it('re-INVITE: a resource removed with port 0 ends its channel, a kept one keeps its id, a new one is added', () => {
    const c = new SdpNegotiator();
    const s = new SdpNegotiator();
    const srv = server();
    const o1 = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speechsynth' }, { resource: 'speechrecog' }] },
    });
    assert.ok(o1.ok);
    const a1 = s.answerOffer(o1.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a1.ok);
    assert.ok(c.processAnswer(a1.value.sdp as string).ok);

    const o2 = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speechrecog' }, { resource: 'recorder' }] },
    });
    assert.ok(o2.ok);
    const lines = o2.value.sdp
      .split('\r\n')
      .filter((l) => l.startsWith('m=') || l.startsWith('a=resource') || l.startsWith('a=connection'));
    assert.deepEqual(lines, [
      'm=audio 4000 RTP/AVP 0 8 96 101',
      'm=application 0 TCP/MRCPv2 1',
      'a=connection:new',
      'a=resource:speechsynth',
      'm=application 9 TCP/MRCPv2 1',
      'a=connection:existing',
      'a=resource:speechrecog',
      'm=application 9 TCP/MRCPv2 1',
      'a=connection:new',
      'a=resource:recorder',
    ]);
    const a2 = s.answerOffer(o2.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a2.ok);
    assert.deepEqual(a2.value.media.mrcp.removed, [
      { index: 1, resource: 'speechsynth', channel: 'c0ffee1@speechsynth' },
    ]);
    assert.deepEqual(
      a2.value.media.mrcp.added.map((x) => x.channel),
      ['c0ffee3@recorder'],
    );
    assert.deepEqual(
      a2.value.media.mrcp.channels.map((x) => x.channel),
      ['c0ffee2@speechrecog', 'c0ffee3@recorder'],
    );
    assert.equal(srv.requests.length, 3);
    assert.match(a2.value.sdp as string, /m=application 0 TCP\/MRCPv2 1\r\n/);
    const r2 = c.processAnswer(a2.value.sdp as string);
    assert.ok(r2.ok);
    assert.deepEqual(
      r2.value.media.mrcp.removed.map((x) => x.resource),
      ['speechsynth'],
    );
    assert.deepEqual(
      r2.value.media.mrcp.added.map((x) => x.resource),
      ['recorder'],
    );

    // A later new resource reuses the port-0 slot of the removed one (RFC 3264 §8.1).
    const o3 = c.createOffer({
      audio: clientAudio,
      mrcp: {
        resources: [{ resource: 'speechrecog' }, { resource: 'recorder' }, { resource: 'speechsynth' }],
      },
    });
    assert.ok(o3.ok);
    assert.equal(o3.value.sdp.split('\r\n').filter((l) => l.startsWith('m=')).length, 4);
    assert.match(
      o3.value.sdp,
      /m=application 9 TCP\/MRCPv2 1\r\na=setup:active\r\na=connection:new\r\na=resource:speechsynth/,
    );
  });

  it('TLS: TCP/TLS/MRCPv2 offered and granted when the server has TLS', () => {
    const c = new SdpNegotiator();
    const s = new SdpNegotiator();
    const srv = server({ transports: ['TCP', 'TLS'] });
    const o = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speechsynth', transport: 'TLS' }] },
    });
    assert.ok(o.ok);
    assert.match(o.value.sdp, /m=application 9 TCP\/TLS\/MRCPv2 1/);
    const a = s.answerOffer(o.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a.ok);
    assert.match(a.value.sdp as string, /m=application 1544 TCP\/TLS\/MRCPv2 1/);
    const r = c.processAnswer(a.value.sdp as string);
    assert.ok(r.ok);
    assert.equal(r.value.media.mrcp.channels[0]?.transport, 'TLS');
  });

  it('a server without TLS refuses a TLS-only request: 488 bad_mrcp', () => {
    const s = new SdpNegotiator();
    const offer = F.UNIMRCP_CLIENT_OFFER.replaceAll('TCP/MRCPv2', 'TCP/TLS/MRCPv2');
    const a = s.answerOffer(offer, { audio: serverAudio, mrcp: server().caps });
    assert.equal(a.ok ? '' : a.error.code, 'bad_mrcp');
    assert.equal(a.ok ? 0 : a.error.sipStatus, 488);
  });

  it('an unknown resource gets port 0 while the others are granted; the client sees it rejected', () => {
    const c = new SdpNegotiator();
    const s = new SdpNegotiator();
    const o = c.createOffer({
      audio: clientAudio,
      mrcp: { resources: [{ resource: 'speakverify' }, { resource: 'speechsynth' }] },
    });
    assert.ok(o.ok);
    const a = s.answerOffer(o.value.sdp, { audio: serverAudio, mrcp: server().caps });
    assert.ok(a.ok);
    assert.deepEqual(a.value.media.mrcp.rejected, [
      { index: 1, resource: 'speakverify', reason: 'resource speakverify not available' },
    ]);
    const r = c.processAnswer(a.value.sdp as string);
    assert.ok(r.ok);
    assert.deepEqual(
      r.value.media.mrcp.rejected.map((x) => x.resource),
      ['speakverify'],
    );
    assert.deepEqual(
      r.value.media.mrcp.channels.map((x) => x.resource),
      ['speechsynth'],
    );
  });

  const malformed: [string, string][] = [
    [
      'no a=resource',
      F.UNIMRCP_CLIENT_OFFER.replace('a=resource:speechsynth\r\n', '').replace(
        'a=resource:speechrecog',
        'a=resource:bad resource',
      ),
    ],
    ['setup passive', F.UNIMRCP_CLIENT_OFFER.replaceAll('a=setup:active', 'a=setup:passive')],
    ['unknown protocol', F.UNIMRCP_CLIENT_OFFER.replaceAll('TCP/MRCPv2', 'TCP/MRCPv1')],
  ];
  for (const [name, offer] of malformed) {
    it(`malformed MRCP offer (${name}) → coded 488, no channel allocated`, () => {
      const srv = server();
      const a = new SdpNegotiator().answerOffer(offer, { audio: serverAudio, mrcp: srv.caps });
      assert.equal(a.ok, false);
      assert.equal(srv.requests.length, 0);
    });
  }

  it('the server may refuse a channel (allocateChannel returns undefined)', () => {
    const a = new SdpNegotiator().answerOffer(F.UNIMRCP_CLIENT_OFFER, {
      audio: serverAudio,
      mrcp: server({ allocateChannel: () => undefined }).caps,
    });
    assert.equal(a.ok ? '' : a.error.code, 'bad_mrcp');
  });

  it('client rejects answers with a bad or mismatched a=channel', () => {
    for (const [bad, why] of [
      ['a=channel:c0ffee1@speechrecog', 'other resource'],
      ['a=channel:no-at-sign', 'no @'],
    ] as const) {
      const c = new SdpNegotiator();
      const o = c.createOffer({ audio: clientAudio, mrcp: { resources: [{ resource: 'speechsynth' }] } });
      assert.ok(o.ok);
      const a = new SdpNegotiator().answerOffer(o.value.sdp, { audio: serverAudio, mrcp: server().caps });
      assert.ok(a.ok);
      const r = c.processAnswer((a.value.sdp as string).replace('a=channel:c0ffee1@speechsynth', bad));
      assert.equal(r.ok ? '' : r.error.code, 'bad_mrcp', why);
    }
  });

  it('an MRCP line in a trunk call (no MRCP capability) is rejected with port 0, audio answered', () => {
    const a = new SdpNegotiator().answerOffer(F.UNIMRCP_CLIENT_OFFER, { audio: serverAudio });
    assert.ok(a.ok);
    assert.match(
      a.value.sdp as string,
      /m=application 0 TCP\/MRCPv2 1\r\nm=application 0 TCP\/MRCPv2 1\r\nm=audio 5000/,
    );
  });

  it('BYE-less teardown by re-INVITE removing every resource keeps audio', () => {
    const c = new SdpNegotiator();
    const s = new SdpNegotiator();
    const srv = server();
    const o = c.createOffer({ audio: clientAudio, mrcp: { resources: [{ resource: 'speechsynth' }] } });
    assert.ok(o.ok);
    const a = s.answerOffer(o.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a.ok);
    assert.ok(c.processAnswer(a.value.sdp as string).ok);
    const o2 = c.createOffer({ audio: clientAudio, mrcp: { resources: [] } });
    assert.ok(o2.ok);
    const a2 = s.answerOffer(o2.value.sdp, { audio: serverAudio, mrcp: srv.caps });
    assert.ok(a2.ok);
    assert.equal(a2.value.media.mrcp.channels.length, 0);
    assert.equal(a2.value.media.mrcp.removed.length, 1);
  });
});
