/**
 * A dialog (RFC 3261 §12): the peer-to-peer relationship an INVITE creates, identified by
 * Call-ID, local tag and remote tag, with the state needed to send requests inside it: local
 * and remote CSeq, local and remote URIs, the remote target and the route set.
 *
 *   early ──2xx / ACK──▶ confirmed ──BYE / error──▶ terminated
 *     └───────── non-2xx final, CANCEL, timeout ─────────▲
 */
import { HeaderList } from '../message/headers.js';
import { SipRequest } from '../message/message.js';
import { parseNameAddr } from '../message/name-addr.js';
import { splitList } from '../message/grammar.js';
import { formatUri, parseUri, type SipUri } from '../message/uri.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';
export const DIALOG_EDGES: Readonly<Record<DialogState, readonly DialogState[]>> = {
  early: ['confirmed', 'terminated'],
  confirmed: ['terminated'],
  terminated: [],
};

export interface DialogInit {
  role: 'uac' | 'uas';
  state: DialogState;
  callId: string;
  localTag: string;
  remoteTag: string;
  /** From (UAC) or To (UAS) header value without its tag. */
  localUri: string;
  remoteUri: string;
  /** Our Contact URI. */
  localTarget: string;
  /** The peer's Contact URI. */
  remoteTarget: string;
  /** Route set, each entry a Route header element (`<sip:...;lr>`), in the order requests carry it. */
  routeSet: string[];
  localSeq: number;
  /** null until the peer sends a request in the dialog (UAC side, §12.1.2). */
  remoteSeq: number | null;
  secure: boolean;
}

export function dialogKey(callId: string, localTag: string, remoteTag: string): string {
  return callId + '|' + localTag + '|' + remoteTag;
}

export class Dialog {
  readonly role: 'uac' | 'uas';
  state: DialogState;
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
  readonly localUri: string;
  readonly remoteUri: string;
  localTarget: string;
  remoteTarget: string;
  routeSet: string[];
  localSeq: number;
  remoteSeq: number | null;
  readonly secure: boolean;

  constructor(init: DialogInit) {
    this.role = init.role;
    this.state = init.state;
    this.callId = init.callId;
    this.localTag = init.localTag;
    this.remoteTag = init.remoteTag;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.localTarget = init.localTarget;
    this.remoteTarget = init.remoteTarget;
    this.routeSet = init.routeSet;
    this.localSeq = init.localSeq;
    this.remoteSeq = init.remoteSeq;
    this.secure = init.secure;
  }

  get key(): string {
    return dialogKey(this.callId, this.localTag, this.remoteTag);
  }

  /** The single transition function; illegal edges are ignored and reported false. */
  transition(next: DialogState): boolean {
    if (!DIALOG_EDGES[this.state].includes(next)) return false;
    this.state = next;
    return true;
  }

  /**
   * §12.2.2: a request with a lower CSeq than the last one is out of order (500); otherwise the
   * remote CSeq advances. ACK and CANCEL carry the INVITE's number and are not checked.
   */
  acceptRemoteSeq(seq: number, method: string): boolean {
    if (method === 'ACK' || method === 'CANCEL') return true;
    if (this.remoteSeq !== null && seq <= this.remoteSeq) return false;
    this.remoteSeq = seq;
    return true;
  }

  /**
   * A request inside the dialog (§12.2.1.1): Request-URI from the remote target (or the first
   * route when it is a strict router), To/From with tags, Call-ID, the next local CSeq (or
   * `cseq` for ACK/CANCEL), the route set as Route headers.
   */
  createRequest(method: string, opts: { cseq?: number; contact?: boolean } = {}): SipRequest {
    const seq = opts.cseq ?? ++this.localSeq;
    const h = new HeaderList();
    const l = h.lines;
    l.push({ name: 'Max-Forwards', key: 'max-forwards', value: '70' });
    l.push({ name: 'To', key: 'to', value: `${this.remoteUri};tag=${this.remoteTag}` });
    l.push({ name: 'From', key: 'from', value: `${this.localUri};tag=${this.localTag}` });
    l.push({ name: 'Call-ID', key: 'call-id', value: this.callId });
    l.push({ name: 'CSeq', key: 'cseq', value: `${seq} ${method}` });
    let uri = this.remoteTarget;
    const routes = this.routeSet;
    if (routes.length > 0) {
      const first = routeUri(routes[0]!);
      if (first && !first.params.some((p) => p.name.toLowerCase() === 'lr')) {
        // Strict router (§12.2.1.1): it becomes the Request-URI; the remote target goes last.
        uri = formatUri({ ...first, params: first.params.filter((p) => p.name.toLowerCase() !== 'method') });
        for (let i = 1; i < routes.length; i++) l.push({ name: 'Route', key: 'route', value: routes[i]! });
        l.push({ name: 'Route', key: 'route', value: `<${this.remoteTarget}>` });
      } else {
        for (const r of routes) l.push({ name: 'Route', key: 'route', value: r });
      }
    }
    if (opts.contact) l.push({ name: 'Contact', key: 'contact', value: `<${this.localTarget}>` });
    return new SipRequest(method, uri, h);
  }

  /** The URI the next hop is read from: the first route, else the remote target (§8.1.2). */
  nextHopUri(): SipUri | null {
    if (this.routeSet.length > 0) return routeUri(this.routeSet[0]!);
    const u = parseUri(this.remoteTarget);
    return typeof u !== 'string' && u.type === 'sip' ? u : null;
  }
}

export function routeUri(route: string): SipUri | null {
  const na = parseNameAddr(route);
  if (typeof na === 'string' || na.uri.type !== 'sip') return null;
  return na.uri;
}

/** A name-addr header value without its tag parameter (for the dialog's local/remote URI). */
export function withoutTag(value: string): string {
  return value.replace(/;\s*tag\s*=\s*[^;,\s]*/i, '');
}

/** The URI of the first Contact of a message, or null. */
export function contactUri(contact: string | undefined): string | null {
  if (!contact) return null;
  const first = splitList(contact)?.[0];
  if (!first) return null;
  const na = parseNameAddr(first);
  if (typeof na === 'string') return null;
  return formatUri(na.uri);
}
