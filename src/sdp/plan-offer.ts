/**
 * The m= lines of a new offer (RFC 3264 §8): every line of the previous SDP stays in its place; a
 * stream we no longer want gets port 0; a new one reuses a port-0 slot or is appended.
 */
import { type AudioCapabilities, offerAudio } from './audio.js';
import type { LocalApplicationSection, LocalAudioSection, LocalSection } from './build.js';
import { type MrcpResourceOffer, offerMrcp, removedMrcp } from './mrcp.js';
import { type Result, ok, sdpError } from './result.js';

export interface OfferSpec {
  readonly audio?: AudioCapabilities;
  readonly mrcp?: {
    /** Defaults to the audio address. */
    readonly address?: string;
    readonly resources: readonly MrcpResourceOffer[];
  };
  /** a=mid of the audio line that a=cmid points to (default "1" when MRCP lines are offered). */
  readonly mid?: string;
}

function disabled(s: LocalSection): LocalSection {
  if (s.kind === 'audio') return { ...s, port: 0 } satisfies LocalAudioSection;
  if (s.kind === 'application') return removedMrcp(s);
  return s;
}

export function planOffer(
  previous: readonly LocalSection[],
  spec: OfferSpec,
  maxMedia: number,
): Result<LocalSection[]> {
  const out: (LocalSection | undefined)[] = previous.map(() => undefined);
  const wanted: { prevIndex: number; section: LocalSection }[] = [];
  const mid = spec.mid ?? (spec.mrcp && spec.mrcp.resources.length > 0 ? '1' : undefined);
  if (spec.audio) {
    const prevIndex = previous.findIndex((s) => s.kind === 'audio');
    wanted.push({ prevIndex, section: offerAudio(spec.audio, mid) });
  }
  if (spec.mrcp) {
    const address = spec.mrcp.address ?? spec.audio?.address;
    if (address === undefined) return sdpError('bad_options', 'an MRCP offer needs an address');
    const seen = new Set<string>();
    for (const r of spec.mrcp.resources) {
      if (seen.has(r.resource)) return sdpError('bad_options', `resource ${r.resource} offered twice`);
      seen.add(r.resource);
      const prevIndex = previous.findIndex(
        (s) => s.kind === 'application' && s.port !== 0 && s.resource === r.resource,
      );
      // A kept channel reuses the connection it already has (RFC 6787 §4.2).
      const line: LocalApplicationSection = offerMrcp(
        prevIndex >= 0 ? { ...r, connection: 'existing' } : r,
        address,
        mid,
      );
      wanted.push({ prevIndex, section: line });
    }
  }
  if (wanted.length === 0) return sdpError('bad_options', 'an offer needs audio or MRCP resources');
  for (const w of wanted) if (w.prevIndex >= 0) out[w.prevIndex] = w.section;
  for (let i = 0; i < previous.length; i++) {
    if (out[i] === undefined) out[i] = disabled(previous[i] as LocalSection);
  }
  // Slots that were already disabled before this offer may carry a new stream (RFC 3264 §8.1).
  const reusable = previous
    .map((s, i) => (s.port === 0 && out[i]?.port === 0 ? i : -1))
    .filter((i) => i >= 0);
  for (const w of wanted) {
    if (w.prevIndex >= 0) continue;
    const free = reusable.shift();
    if (free !== undefined) out[free] = w.section;
    else out.push(w.section);
  }
  if (out.length > maxMedia)
    return sdpError('bad_options', `offer would have ${out.length} m= lines, limit ${maxMedia}`);
  return ok(out as LocalSection[]);
}
