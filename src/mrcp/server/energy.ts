/**
 * Frame energy and a small energy-based voice activity detector, used by the recorder (START-OF-
 * INPUT, Final-Silence, Capture-On-Speech: RFC 6787 §10) and the test recognizer. Sensitivity-
 * Level (0.0–1.0, §9.4.2/§10.4.1) moves the threshold: higher is more sensitive.
 */

/** RMS level of a frame in dBFS (-100 for digital silence). */
export function frameDbfs(frame: Int16Array): number {
  if (frame.length === 0) return -100;
  let sum = 0;
  for (let i = 0; i < frame.length; i++) {
    const s = frame[i] as number;
    sum += s * s;
  }
  const rms = Math.sqrt(sum / frame.length) / 32768;
  return rms <= 0.00001 ? -100 : 20 * Math.log10(rms);
}

export interface VadEvent {
  /** Speech started (after `onsetFrames` voiced frames) or stopped (after `silenceMs`). */
  change?: 'speech' | 'silence';
  voiced: boolean;
}

export class EnergyVad {
  speaking = false;
  /** Milliseconds of continuous silence (or of speech while speaking). */
  silenceMs = 0;
  speechMs = 0;
  private voicedRun = 0;
  readonly thresholdDb: number;

  constructor(
    sensitivity: number,
    private readonly frameMs: number,
    private readonly onsetFrames = 3,
    private readonly hangoverMs = 300,
  ) {
    // 0.0 → -25 dBFS (deaf), 0.5 → -40 dBFS, 1.0 → -55 dBFS (hears a whisper).
    this.thresholdDb = -25 - 30 * Math.min(1, Math.max(0, sensitivity));
  }

  push(frame: Int16Array): VadEvent {
    const voiced = frameDbfs(frame) >= this.thresholdDb;
    if (voiced) {
      this.voicedRun++;
      this.silenceMs = 0;
      if (this.speaking) this.speechMs += this.frameMs;
      else if (this.voicedRun >= this.onsetFrames) {
        this.speaking = true;
        this.speechMs = this.voicedRun * this.frameMs;
        return { change: 'speech', voiced };
      }
      return { voiced };
    }
    this.voicedRun = 0;
    this.silenceMs += this.frameMs;
    if (this.speaking && this.silenceMs >= this.hangoverMs) {
      this.speaking = false;
      return { change: 'silence', voiced };
    }
    return { voiced };
  }
}
