/**
 * Audio codecs voicegate negotiates, declared once. RTP clock rates per RFC 3551 §4.5: G.722 is
 * sampled at 16 kHz but its RTP clock is 8000 (§4.5.2, a historical error kept for compatibility).
 */

export const AUDIO_CODECS = {
  PCMU: { name: 'PCMU', staticPt: 0, clockRate: 8000, sampleRate: 8000 },
  PCMA: { name: 'PCMA', staticPt: 8, clockRate: 8000, sampleRate: 8000 },
  G722: { name: 'G722', staticPt: 9, clockRate: 8000, sampleRate: 16000 },
  'L16/8000': { name: 'L16', staticPt: undefined, clockRate: 8000, sampleRate: 8000 },
  'L16/16000': { name: 'L16', staticPt: undefined, clockRate: 16000, sampleRate: 16000 },
} as const satisfies Record<
  string,
  { name: string; staticPt: number | undefined; clockRate: number; sampleRate: number }
>;

export type CodecId = keyof typeof AUDIO_CODECS;
export const CODEC_IDS = Object.keys(AUDIO_CODECS) as CodecId[];

export const DEFAULT_CODECS: readonly CodecId[] = ['PCMA', 'PCMU', 'G722'];

/** RFC 3551 Table 4: static audio payload types (so an m= line without rtpmap still names its codec). */
export const STATIC_AUDIO_PT: Readonly<
  Record<number, { name: string; clockRate: number; channels: number }>
> = {
  0: { name: 'PCMU', clockRate: 8000, channels: 1 },
  3: { name: 'GSM', clockRate: 8000, channels: 1 },
  4: { name: 'G723', clockRate: 8000, channels: 1 },
  5: { name: 'DVI4', clockRate: 8000, channels: 1 },
  6: { name: 'DVI4', clockRate: 16000, channels: 1 },
  7: { name: 'LPC', clockRate: 8000, channels: 1 },
  8: { name: 'PCMA', clockRate: 8000, channels: 1 },
  9: { name: 'G722', clockRate: 8000, channels: 1 },
  10: { name: 'L16', clockRate: 44100, channels: 2 },
  11: { name: 'L16', clockRate: 44100, channels: 1 },
  12: { name: 'QCELP', clockRate: 8000, channels: 1 },
  13: { name: 'CN', clockRate: 8000, channels: 1 },
  14: { name: 'MPA', clockRate: 90000, channels: 1 },
  15: { name: 'G728', clockRate: 8000, channels: 1 },
  16: { name: 'DVI4', clockRate: 11025, channels: 1 },
  17: { name: 'DVI4', clockRate: 22050, channels: 1 },
  18: { name: 'G729', clockRate: 8000, channels: 1 },
};

/** Default dynamic payload types we use in our own offers (RFC 3551 §3: 96–127). */
export const DEFAULT_DYNAMIC_PT: Readonly<Partial<Record<CodecId, number>>> = {
  'L16/8000': 96,
  'L16/16000': 97,
};
export const DEFAULT_TELEPHONE_EVENT_PT = 101;

/** Accepted packetisation times (ms); anything else falls back to 20. */
export const PTIMES = [10, 20, 30, 40, 60] as const;
export const DEFAULT_PTIME = 20;

/** Which of our codecs an rtpmap (or static PT) names, if any. Names compare case-insensitively. */
export function codecFor(name: string, clockRate: number, channels: number): CodecId | undefined {
  if (channels !== 1) return undefined;
  const upper = name.toUpperCase();
  // Some endpoints write G722/16000 (the sampling rate); RFC 3551 §4.5.2 fixes its RTP clock at 8000.
  if (upper === 'G722' && (clockRate === 8000 || clockRate === 16000)) return 'G722';
  for (const id of CODEC_IDS) {
    const c = AUDIO_CODECS[id];
    if (c.name === upper && c.clockRate === clockRate) return id;
  }
  return undefined;
}

export function isCodecId(value: string): value is CodecId {
  return Object.hasOwn(AUDIO_CODECS, value);
}
