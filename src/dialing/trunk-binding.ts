/**
 * Binds a SIP trunk (by its name in the SIP configuration) to a carrier profile: the profile of
 * the same name, one named in a mapping, or the schema's defaults when the trunk has none. The
 * result is a profile set in which the SIP trunk's name resolves, so resolveDial() sends the
 * INVITE to that trunk with the profile's number format, DTMF order and timeouts.
 */
import type { DialingProfiles } from './registry.js';
import { trunkSchema, type TrunkProfile } from './profiles.js';

export type BoundTrunk = TrunkProfile & { file: string };

/** The defaults of every carrier profile key (national numbers, RFC 4733 then in-band, 60 s answer). */
export function defaultTrunkProfile(name: string): BoundTrunk {
  return { ...trunkSchema.parse({ kind: 'trunk', name: 'default' }), name, file: '<defaults>' };
}

/**
 * The carrier profile of a SIP trunk: `mapping[trunk]` if given (undefined when it names no
 * profile), else the profile named like the trunk, else the defaults.
 */
export function trunkProfileFor(
  p: DialingProfiles,
  sipTrunk: string,
  mapping: Readonly<Record<string, string>> = {},
): BoundTrunk | undefined {
  const mapped = mapping[sipTrunk];
  if (mapped !== undefined) {
    const t = p.trunks.get(mapped);
    return t ? { ...t, name: sipTrunk } : undefined;
  }
  const own = p.trunks.get(sipTrunk);
  return own ? { ...own } : defaultTrunkProfile(sipTrunk);
}

/** The profile set with `sipTrunk` resolving to `profile` (other trunks are left out). */
export function bindTrunk(p: DialingProfiles, sipTrunk: string, profile: BoundTrunk): DialingProfiles {
  return { ...p, trunks: new Map([[sipTrunk, { ...profile, name: sipTrunk }]]) };
}
