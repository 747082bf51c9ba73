/**
 * The transport layer of RFC 3261 §18 over a set of Transports: parses what arrives, screens
 * the source (ACL), stamps `received`/`rport` on requests (§18.2.1, RFC 3581 §4), drops
 * responses whose top Via is not ours (§18.1.2), answers unparseable requests with 400/505
 * statelessly, picks the transport for an outgoing request (TCP for a UDP request over the MTU
 * where allowed, §18.1.1) and routes responses (§18.2.2, RFC 3581 §4).
 */
import { createResponse } from '../message/build.js';
import { parseCoreHeaders, type CoreHeaders } from '../message/core-headers.js';
import type { SipParseError } from '../message/errors.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { parseMessage, DEFAULT_PARSE_LIMITS, type ParseLimits } from '../message/parser.js';
import { serializeMessage } from '../message/serializer.js';
import { bareHost } from '../message/uri.js';
import { formatVia } from '../message/via.js';
import { generateTag } from '../message/ids.js';
import type { SipLogger } from '../logger.js';
import { inc, methodLabel, type SipCounters } from '../metrics.js';
import {
  familyOf,
  type Endpoint,
  type SendCallback,
  type Transport,
  type TransportProtocol,
} from './transport.js';

export interface MessageSource {
  transport: Transport;
  remote: Endpoint;
  connectionId: number;
}

export interface IncomingRequest {
  msg: SipRequest;
  core: CoreHeaders;
  source: MessageSource;
}

export interface IncomingResponse {
  msg: SipResponse;
  core: CoreHeaders;
  source: MessageSource;
}

/** What to do with a message from this source, decided before it is parsed. */
export type ScreenVerdict = 'accept' | 'reject' | 'drop';

export interface TransportUser {
  screen(remote: Endpoint, transport: Transport): ScreenVerdict;
  onRequest(req: IncomingRequest, verdict: ScreenVerdict): void;
  onResponse(res: IncomingResponse): void;
}

export interface TransportLayerOptions {
  /** Parse bounds for datagrams and framed stream messages. */
  limits?: Partial<ParseLimits>;
  /** Requests bigger than this go over TCP when the target allows it (§18.1.1: MTU 1500 less 200). */
  mtu?: number;
  /** Address written in Via/Contact per transport; default each transport's bound address. */
  advertise?: (t: Transport) => { host: string; port: number };
}

export interface SendTarget {
  protocol: TransportProtocol;
  remote: Endpoint;
  /** Stream connection to reuse, when known. */
  connectionId?: number;
}

export class TransportLayer {
  private readonly limits: ParseLimits;
  private readonly ours = new Set<string>();

  constructor(
    readonly transports: readonly Transport[],
    private readonly user: TransportUser,
    private readonly counters: SipCounters,
    private readonly logger: SipLogger,
    private readonly opts: TransportLayerOptions = {},
  ) {
    this.limits = { ...DEFAULT_PARSE_LIMITS, ...opts.limits };
  }

  async start(): Promise<void> {
    for (const t of this.transports) {
      await t.start({
        onMessage: (data, remote, transport, connectionId) =>
          this.receive(data, { transport, remote, connectionId }),
        onError: (err, remote) => {
          this.counters.transportErrors++;
          this.logger.debug('transport error', { error: err.message, remote: remote?.address });
        },
      });
    }
    this.ours.clear();
    for (const t of this.transports) {
      const a = this.advertised(t);
      this.ours.add(bareHost(a.host) + '|' + a.port);
      this.ours.add(bareHost(t.local.address) + '|' + t.local.port);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.transports.map((t) => t.close()));
  }

  /** The host and port written into Via and Contact for this transport. */
  advertised(t: Transport): { host: string; port: number } {
    const a = this.opts.advertise?.(t) ?? { host: t.local.address, port: t.local.port };
    return { host: a.host.includes(':') && !a.host.startsWith('[') ? `[${a.host}]` : a.host, port: a.port };
  }

  find(protocol: TransportProtocol, address: string): Transport | undefined {
    const fam = familyOf(address);
    let any: Transport | undefined;
    for (const t of this.transports) {
      if (t.protocol !== protocol) continue;
      if (t.family === fam) return t;
      any ??= t;
    }
    return any;
  }

  /**
   * The protocol to send a request of `size` bytes over: UDP unless it exceeds the MTU and the
   * target allows TCP (§18.1.1).
   */
  chooseProtocol(
    wanted: TransportProtocol,
    size: number,
    tcpAllowed: boolean,
    address: string,
  ): TransportProtocol {
    if (wanted === 'UDP' && tcpAllowed && size > (this.opts.mtu ?? 1300) && this.find('TCP', address))
      return 'TCP';
    return wanted;
  }

  send(data: Buffer, target: SendTarget, cb?: SendCallback): void {
    const t = this.find(target.protocol, target.remote.address);
    if (!t) {
      cb?.(new Error(`no ${target.protocol} transport for ${target.remote.address}`));
      return;
    }
    this.counters.messagesSent++;
    t.send(data, target.remote, target.connectionId, cb);
  }

  /** Where a response to this request goes (§18.2.2, RFC 3581 §4). */
  responseTarget(req: IncomingRequest): SendTarget {
    const { transport, remote, connectionId } = req.source;
    const via = req.core.vias[0]!;
    if (transport.reliable) {
      const port = via.port ?? (transport.protocol === 'TLS' ? 5061 : 5060);
      return { protocol: transport.protocol, remote: { address: remote.address, port }, connectionId };
    }
    if (via.params.some((p) => p.name.toLowerCase() === 'rport')) return { protocol: 'UDP', remote };
    const received = via.params.find((p) => p.name.toLowerCase() === 'received')?.value;
    const address = received ? bareHost(received) : remote.address;
    return { protocol: 'UDP', remote: { address, port: via.port ?? 5060 } };
  }

  sendResponse(res: SipResponse | Buffer, target: SendTarget, cb?: SendCallback): void {
    this.send(Buffer.isBuffer(res) ? res : serializeMessage(res), target, cb);
  }

  private receive(data: Buffer, source: MessageSource): void {
    this.counters.messagesReceived++;
    const verdict = this.user.screen(source.remote, source.transport);
    if (verdict === 'drop') {
      this.counters.aclDropped++;
      return;
    }
    const msg = parseMessage(data, this.limits, source.transport.reliable);
    if (msg.kind === 'error') {
      this.badMessage(msg, source);
      return;
    }
    const core = parseCoreHeaders(msg);
    if ('kind' in core) {
      this.badMessage(core, source);
      return;
    }
    if (msg.kind === 'request') {
      inc(this.counters.requestsReceived, methodLabel(msg.method));
      stampVia(msg, core, source.remote);
      this.user.onRequest({ msg, core, source }, verdict);
      return;
    }
    // §18.1.2: a response whose top Via sent-by is not ours is discarded.
    const top = core.vias[0]!;
    const key = bareHost(top.host) + '|' + (top.port ?? (top.transport === 'TLS' ? 5061 : 5060));
    if (!this.ours.has(key)) {
      this.counters.strayResponses++;
      return;
    }
    this.user.onResponse({ msg, core, source });
  }

  private badMessage(err: SipParseError, source: MessageSource): void {
    inc(this.counters.parseErrors, err.code);
    this.logger.debug('unparseable message', {
      code: err.code,
      reason: err.message,
      remote: source.remote.address,
    });
    const req = err.partial;
    // Only requests are answered, never ACK (§17.2.1), and only when enough is known to reply.
    if (!req || req.kind !== 'request' || req.method === 'ACK') return;
    // RFC 4475 §3.3.1: answer even when Call-ID, From or To are missing; Via and CSeq suffice to correlate.
    if (!req.headers.has('via') || !req.headers.has('cseq')) return;
    const warning = err.message.replace(/["\\\r\n]/g, "'").slice(0, 120);
    const res = createResponse(req, err.status, {
      toTag: generateTag(),
      headers: [['Warning', `399 voicegate "${warning}"`]],
    });
    // The Via may be unparseable: reply to the packet's source (as rport would).
    this.send(serializeMessage(res), {
      protocol: source.transport.protocol,
      remote: source.remote,
      connectionId: source.connectionId,
    });
  }
}

/**
 * §18.2.1: add `received` when the sent-by host is not the source address; RFC 3581 §4: fill
 * `rport` with the source port (and always add `received` then).
 */
function stampVia(msg: SipRequest, core: CoreHeaders, remote: Endpoint): void {
  const via = core.vias[0]!;
  let rport = -1;
  for (let i = 0; i < via.params.length; i++) if (via.params[i]!.name.toLowerCase() === 'rport') rport = i;
  const sameHost = bareHost(via.host) === remote.address;
  if (sameHost && rport === -1) return;
  const params = via.params.filter((p) => p.name.toLowerCase() !== 'received');
  if (rport !== -1) {
    for (const p of params) if (p.name.toLowerCase() === 'rport') p.value = String(remote.port);
  }
  if (!sameHost || rport !== -1) params.push({ name: 'received', value: remote.address });
  via.params = params;
  // Rewrite the top Via element in the header list.
  const lines = msg.headers.lines;
  for (let i = 0; i < lines.length; i++) {
    const h = lines[i]!;
    if (h.key !== 'via') continue;
    const rest = splitFirst(h.value);
    h.value = formatVia(via) + (rest === null ? '' : ', ' + rest);
    break;
  }
}

/** The text after the first top-level comma of a Via line, or null. */
function splitFirst(v: string): string | null {
  let inQuote = false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (inQuote) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inQuote = false;
    } else if (c === 0x22) inQuote = true;
    else if (c === 0x2c) return v.slice(i + 1).trim();
  }
  return null;
}
