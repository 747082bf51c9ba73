/** Bounds on what an SDP may contain before voicegate reads it (all overridable). */
export interface SdpLimits {
  /** Whole SDP body, in bytes. */
  readonly maxBytes: number;
  readonly maxLines: number;
  readonly maxLineLength: number;
  /** m= lines. */
  readonly maxMedia: number;
  /** a= lines in the session part or in any one media section. */
  readonly maxAttributesPerSection: number;
}

export const DEFAULT_SDP_LIMITS: SdpLimits = {
  maxBytes: 16_384,
  maxLines: 512,
  maxLineLength: 1_024,
  maxMedia: 16,
  maxAttributesPerSection: 64,
};
