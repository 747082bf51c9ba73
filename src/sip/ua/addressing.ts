/**
 * Where our requests go and what they say about us: the top Via with a fresh branch and rport
 * (RFC 3261 §8.1.1.7, RFC 3581), our Contact, the next hop inside a dialog (§12.2.1.1 via §8.1.2)
 * and towards a trunk (its outbound proxy, loose-routed, or its first peer). Host names are not
 * resolved (no RFC 3263 here): a dialog whose next hop is a name falls back to the trunk's peer.
 */
import { isIP } from 'node:net';
import type { Dialog } from '../dialog/dialog.js';
import { generateBranch } from '../message/ids.js';
import { bareHost, parseUri } from '../message/uri.js';
import type { SendTarget, TransportLayer } from '../transport/transport-layer.js';
import type { TransportProtocol } from '../transport/transport.js';
import type { Trunk } from './trunk.js';

export class Addressing {
  constructor(private readonly transport: TransportLayer) {}

  private advertised(protocol: TransportProtocol, remote: string): { host: string; port: number } {
    const t = this.transport.find(protocol, remote);
    return t ? this.transport.advertised(t) : { host: '127.0.0.1', port: 5060 };
  }

  via(protocol: TransportProtocol, remote: string): { value: string; branch: string } {
    const a = this.advertised(protocol, remote);
    const branch = generateBranch();
    return { value: `SIP/2.0/${protocol} ${a.host}:${a.port};branch=${branch};rport`, branch };
  }

  contact(protocol: TransportProtocol, remote: string, user = 'voicegate'): string {
    const a = this.advertised(protocol, remote);
    const tp = protocol === 'UDP' ? '' : `;transport=${protocol.toLowerCase()}`;
    return `sip:${user}@${a.host}:${a.port}${tp}`;
  }

  dialogTarget(dialog: Dialog, fallback: SendTarget): SendTarget {
    const uri = dialog.nextHopUri();
    if (!uri) return fallback;
    const host = bareHost(uri.host);
    if (isIP(host) === 0) return fallback;
    const tp = uri.params.find((p) => p.name.toLowerCase() === 'transport')?.value?.toUpperCase();
    let protocol: TransportProtocol = fallback.protocol;
    if (uri.scheme === 'sips') protocol = 'TLS';
    else if (tp === 'TCP' || tp === 'TLS' || tp === 'UDP') protocol = tp;
    return { protocol, remote: { address: host, port: uri.port ?? (protocol === 'TLS' ? 5061 : 5060) } };
  }

  /** First hop towards a trunk, with the Route for its outbound proxy. */
  trunkHop(trunk: Trunk): { next: SendTarget; route?: string[] } {
    const proxy = trunk.config.outboundProxy;
    if (proxy) {
      const u = parseUri(proxy);
      if (typeof u !== 'string' && u.type === 'sip' && isIP(bareHost(u.host)) !== 0) {
        const lr = u.params.some((p) => p.name.toLowerCase() === 'lr') ? proxy : `${proxy};lr`;
        return {
          next: { protocol: trunk.protocol, remote: { address: bareHost(u.host), port: u.port ?? 5060 } },
          route: [`<${lr}>`],
        };
      }
    }
    const p = trunk.peers[0]!;
    return { next: { protocol: trunk.protocol, remote: { address: p.address, port: p.port } } };
  }
}
