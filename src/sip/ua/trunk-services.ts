/**
 * What runs per trunk besides calls: requests outside any dialog (OPTIONS keepalive, REGISTER),
 * sent through a client transaction to the trunk's first hop.
 */
import type { Clock } from '../clock.js';
import type { SipLogger } from '../logger.js';
import { HeaderList } from '../message/headers.js';
import { generateCallId, generateTag } from '../message/ids.js';
import { SipRequest, type SipResponse } from '../message/message.js';
import type { TransactionLayer } from '../transaction/layer.js';
import type { Addressing } from './addressing.js';
import { Keepalive } from './keepalive.js';
import { Registration, type RegistrationState } from './registration.js';
import type { Trunk } from './trunk.js';

export interface TrunkServiceDeps {
  clock: Clock;
  logger: SipLogger;
  transactions: TransactionLayer;
  addressing: Addressing;
  userAgent: string;
  onTrunkStatus(trunk: string, up: boolean): void;
  onRegistrationState(trunk: string, state: RegistrationState): void;
}

/** Sends a request outside any dialog to a trunk; `done` gets the final response or null. */
export function sendToTrunk(
  d: TrunkServiceDeps,
  trunk: Trunk,
  method: string,
  build: (h: HeaderList) => string,
  done: (res: SipResponse | null) => void,
  callId = generateCallId(),
  cseq = 1,
  fromTag = generateTag(),
): boolean {
  const { next, route } = d.addressing.trunkHop(trunk);
  const v = d.addressing.via(next.protocol, next.remote.address);
  const h = new HeaderList();
  h.append('Via', v.value).append('Max-Forwards', '70');
  for (const r of route ?? []) h.append('Route', r);
  const user = trunk.config.fromUser ?? 'voicegate';
  h.append('From', `<sip:${user}@${trunk.domain}>;tag=${fromTag}`);
  h.append('Call-ID', callId).append('CSeq', `${cseq} ${method}`);
  h.append('User-Agent', d.userAgent);
  const uri = build(h);
  const tx = d.transactions.sendRequest(new SipRequest(method, uri, h), v.branch, callId, next, {
    onResponse: (res) => {
      if (res.msg.status >= 200) done(res.msg);
    },
    onTimeout: () => done(null),
    onTransportError: () => done(null),
  });
  return tx !== null;
}

/** Starts the trunk's OPTIONS keepalive, when configured. */
export function startKeepalive(d: TrunkServiceDeps, trunk: Trunk): Keepalive | null {
  const ka = trunk.config.keepalive;
  if (!ka || ka.intervalSeconds <= 0) return null;
  const k = new Keepalive(
    d.clock,
    ka.intervalSeconds * 1000,
    ka.downAfter ?? 2,
    (done) => {
      const build = (h: HeaderList): string => {
        h.append('To', `<sip:${trunk.domain}>`).append('Accept', 'application/sdp');
        return `sip:${trunk.domain}`;
      };
      if (!sendToTrunk(d, trunk, 'OPTIONS', build, done)) done(null);
    },
    (up) => {
      trunk.up = up;
      d.logger.info(`trunk ${trunk.name} is ${up ? 'up' : 'down'}`, { trunk: trunk.name });
      d.onTrunkStatus(trunk.name, up);
    },
  );
  k.start();
  return k;
}

/** Starts the trunk's registration (§10.2: one Call-ID and From tag, increasing CSeq), when configured. */
export function startRegistration(d: TrunkServiceDeps, trunk: Trunk): Registration | null {
  const reg = trunk.config.register;
  if (!reg) return null;
  const callId = generateCallId();
  const fromTag = generateTag();
  let cseq = 0;
  const user = reg.user ?? trunk.config.fromUser ?? 'voicegate';
  const registrar = reg.registrar ?? `sip:${trunk.domain}`;
  const { next } = d.addressing.trunkHop(trunk);
  const contact = d.addressing.contact(next.protocol, next.remote.address, user);
  const r = new Registration(d.clock, reg.expiresSeconds, trunk.config.auth, {
    build: (expires, extra) => {
      const h = new HeaderList();
      h.append('To', `<sip:${user}@${trunk.domain}>`);
      h.append('Contact', `<${contact}>`).append('Expires', String(expires));
      for (const [n, v] of extra) h.append(n, v);
      return new SipRequest('REGISTER', registrar, h);
    },
    send: (req, done) => {
      cseq++;
      const copy = (h: HeaderList): string => {
        for (const line of req.headers.lines) h.lines.push(line);
        return req.uri;
      };
      if (!sendToTrunk(d, trunk, 'REGISTER', copy, done, callId, cseq, fromTag)) done(null);
    },
    onState: (state) => {
      d.logger.info(`trunk ${trunk.name} registration ${state}`, { trunk: trunk.name });
      d.onRegistrationState(trunk.name, state);
    },
  });
  r.start();
  return r;
}
