/**
 * Small constructors for MRCPv2 messages. Every message carries Channel-Identifier first
 * (RFC 6787 §6.2.1: mandatory in every request, response and event).
 */
import {
  EMPTY_BODY,
  type HeaderField,
  type MrcpEvent,
  type MrcpRequest,
  type MrcpResponse,
} from './message.js';
import { MRCP_VERSION, type MrcpEventName, type MrcpMethod, type RequestState } from './tables.js';

export type Body = Uint8Array | string | undefined;

function bytes(b: Body): Uint8Array {
  if (b === undefined) return EMPTY_BODY;
  return typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
}

function withChannel(channelId: string, headers: readonly HeaderField[]): HeaderField[] {
  const rest = headers.filter((h) => h.name.toLowerCase() !== 'channel-identifier');
  return [{ name: 'Channel-Identifier', value: channelId }, ...rest];
}

export function makeRequest(
  method: MrcpMethod,
  requestId: number,
  channelId: string,
  headers: readonly HeaderField[] = [],
  body?: Body,
): MrcpRequest {
  return {
    kind: 'request',
    version: MRCP_VERSION,
    method,
    requestId,
    headers: withChannel(channelId, headers),
    body: bytes(body),
  };
}

export function makeResponse(
  requestId: number,
  statusCode: number,
  requestState: RequestState,
  channelId: string,
  headers: readonly HeaderField[] = [],
  body?: Body,
): MrcpResponse {
  return {
    kind: 'response',
    version: MRCP_VERSION,
    requestId,
    statusCode,
    requestState,
    headers: withChannel(channelId, headers),
    body: bytes(body),
  };
}

export function makeEvent(
  event: MrcpEventName,
  requestId: number,
  requestState: RequestState,
  channelId: string,
  headers: readonly HeaderField[] = [],
  body?: Body,
): MrcpEvent {
  return {
    kind: 'event',
    version: MRCP_VERSION,
    event,
    requestId,
    requestState,
    headers: withChannel(channelId, headers),
    body: bytes(body),
  };
}
