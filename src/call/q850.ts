/**
 * End causes: ITU-T Q.850 cause values carried in the SIP Reason header (RFC 3326), and the
 * SIP status ↔ cause mapping of RFC 3398 §7.2.4.1 / §8.2.6.1, declared once as tables.
 */

export const Q850_TEXT = {
  1: 'Unallocated number',
  16: 'Normal call clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'No answer from user',
  21: 'Call rejected',
  22: 'Number changed',
  25: 'Exchange routing error',
  28: 'Invalid number format',
  31: 'Normal, unspecified',
  34: 'No circuit/channel available',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  47: 'Resource unavailable, unspecified',
  58: 'Bearer capability not presently available',
  63: 'Service or option not available',
  65: 'Bearer capability not implemented',
  79: 'Service or option not implemented',
  102: 'Recovery on timer expiry',
  127: 'Interworking, unspecified',
} as const satisfies Record<number, string>;

export type Q850Cause = keyof typeof Q850_TEXT;

/** RFC 3398 §8.2.6.1: the cause a final SIP status stands for. */
const SIP_TO_Q850: Readonly<Record<number, Q850Cause>> = {
  400: 41,
  401: 21,
  402: 21,
  403: 21,
  404: 1,
  405: 63,
  406: 79,
  407: 21,
  408: 102,
  410: 22,
  413: 127,
  414: 127,
  415: 79,
  416: 127,
  420: 127,
  421: 127,
  423: 127,
  480: 18,
  481: 41,
  482: 25,
  483: 25,
  484: 28,
  485: 1,
  486: 17,
  487: 31,
  488: 65,
  500: 41,
  501: 79,
  502: 38,
  503: 34,
  504: 102,
  505: 127,
  513: 127,
  600: 17,
  603: 21,
  604: 1,
  606: 58,
};

/** RFC 3398 §7.2.4.1: the SIP status we answer for a cause. */
const Q850_TO_SIP: Readonly<Partial<Record<Q850Cause, number>>> = {
  1: 404,
  16: 480,
  17: 486,
  18: 408,
  19: 480,
  21: 403,
  22: 410,
  25: 483,
  28: 484,
  31: 480,
  34: 503,
  38: 503,
  41: 503,
  42: 503,
  47: 503,
  58: 488,
  63: 488,
  65: 488,
  79: 501,
  102: 504,
  127: 500,
};

export function q850ForSip(status: number): Q850Cause {
  return SIP_TO_Q850[status] ?? (status >= 600 ? 31 : status >= 500 ? 41 : 31);
}

export function sipForQ850(cause: Q850Cause): number {
  return Q850_TO_SIP[cause] ?? 480;
}

/** `Q.850;cause=16;text="Normal call clearing"` (RFC 3326 §2). */
export function reasonHeader(cause: Q850Cause): string {
  return `Q.850;cause=${cause};text="${Q850_TEXT[cause]}"`;
}

export interface ParsedReason {
  protocol: string;
  cause: number | undefined;
  text: string | undefined;
}

/** Reads a Reason header value (the first of a list); undefined when it is not one. */
export function parseReason(value: string | undefined): ParsedReason | undefined {
  if (!value) return undefined;
  const m = /^\s*([A-Za-z0-9.+-]+)\s*((?:;[^,]*)?)/.exec(value.slice(0, 512));
  if (!m) return undefined;
  const params = m[2] ?? '';
  const cause = /;\s*cause\s*=\s*(\d{1,5})/i.exec(params);
  const text = /;\s*text\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(params);
  return {
    protocol: m[1] as string,
    cause: cause ? Number(cause[1]) : undefined,
    text: text ? (text[1] as string) : undefined,
  };
}
