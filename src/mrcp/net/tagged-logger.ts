/**
 * A logger that prefixes its owner's tag (`<session>` or `<session@resource>`, the UniMRCP habit)
 * and adds fixed fields (the call id) to every line. Lines that already carry a tag — the
 * channels' own `<session@resource>` lines — keep theirs.
 */
import type { MrcpLogger } from '../server/clock.js';

export function taggedLogger(base: MrcpLogger, tag: string, fields: Record<string, unknown>): MrcpLogger {
  const line = (msg: string): string => (msg.startsWith('<') ? msg : `${tag} ${msg}`);
  const meta = (m?: Record<string, unknown>): Record<string, unknown> => (m ? { ...fields, ...m } : fields);
  return {
    debug: (msg, m) => base.debug(line(msg), meta(m)),
    info: (msg, m) => base.info(line(msg), meta(m)),
    warn: (msg, m) => base.warn(line(msg), meta(m)),
    error: (msg, m) => base.error(line(msg), meta(m)),
  };
}
