/**
 * Energy voice-activity detector with an adaptive noise floor: a frame is active when it stands
 * `marginDb` above the floor (and above an absolute floor) and is not call-progress tone. The
 * floor is the minimum frame level over the last ~2 s (minimum statistics: speech pauses expose
 * the noise under it, and steady noise becomes the floor within 2 s). Starts
 * after `startFrames` active frames, ends after `hangoverFrames` inactive ones; the dialing plan
 * adds its own trailing silence on top of the reported end.
 */
export interface VadOptions {
  /** Active frames in a row that start voice (default 3 = 60 ms). */
  startFrames?: number;
  /** Inactive frames in a row that end voice (default 10 = 200 ms). */
  hangoverFrames?: number;
  /** Margin above the noise floor, dB (default 9). */
  marginDb?: number;
  /** Nothing quieter than this is voice, dBov (default -50). */
  absFloorDb?: number;
  /** The noise floor never rises above this, dBov (default -35). */
  maxNoiseDb?: number;
}

export type VadEvent =
  { type: 'voice-start'; atMs: number } | { type: 'voice-end'; atMs: number; voiceMs: number };

const FRAME_MS = 20;
const BLOCK = 25;
const BLOCKS = 4;

export class VoiceActivity {
  private readonly startFrames: number;
  private readonly hangover: number;
  private readonly margin: number;
  private readonly absFloor: number;
  private readonly maxNoise: number;
  private noiseDb = -70;
  /** Minimum level per block of BLOCK frames, the last BLOCKS blocks. */
  private readonly blockMin = new Float64Array(BLOCKS).fill(-70);
  private blockFill = 0;
  private blockIndex = 0;
  private activeRun = 0;
  private quietRun = 0;
  private inVoice = false;
  private voiceStartMs = 0;
  private lastActiveEndMs = 0;

  constructor(opts: VadOptions = {}) {
    this.startFrames = opts.startFrames ?? 3;
    this.hangover = opts.hangoverFrames ?? 10;
    this.margin = opts.marginDb ?? 9;
    this.absFloor = opts.absFloorDb ?? -50;
    this.maxNoise = opts.maxNoiseDb ?? -35;
  }

  get active(): boolean {
    return this.inVoice;
  }

  get noiseFloorDb(): number {
    return this.noiseDb;
  }

  /** Whether a frame of this level would count as active now. */
  isActive(frameDb: number, isTone: boolean): boolean {
    return !isTone && frameDb >= this.absFloor && frameDb >= this.noiseDb + this.margin;
  }

  /** Feeds one frame ending at `atMs`. */
  push(frameDb: number, isTone: boolean, atMs: number, emit: (e: VadEvent) => void): void {
    const active = this.isActive(frameDb, isTone);
    if (!isTone) this.track(frameDb);
    if (active) {
      this.activeRun++;
      this.quietRun = 0;
      this.lastActiveEndMs = atMs;
      if (!this.inVoice && this.activeRun >= this.startFrames) {
        this.inVoice = true;
        this.voiceStartMs = atMs - this.activeRun * FRAME_MS;
        emit({ type: 'voice-start', atMs: this.voiceStartMs });
      }
    } else {
      this.activeRun = 0;
      this.quietRun++;
      if (this.inVoice && this.quietRun >= this.hangover) {
        this.inVoice = false;
        emit({
          type: 'voice-end',
          atMs: this.lastActiveEndMs,
          voiceMs: this.lastActiveEndMs - this.voiceStartMs,
        });
      }
    }
  }

  private track(frameDb: number): void {
    const level = Math.max(frameDb, -90);
    const b = this.blockIndex;
    this.blockMin[b] = this.blockFill === 0 ? level : Math.min(this.blockMin[b]!, level);
    if (++this.blockFill >= BLOCK) {
      this.blockFill = 0;
      this.blockIndex = (b + 1) % BLOCKS;
    }
    let min = level;
    for (let i = 0; i < BLOCKS; i++) if (this.blockMin[i]! < min) min = this.blockMin[i]!;
    this.noiseDb = Math.min(min, this.maxNoise);
  }

  reset(): void {
    this.noiseDb = -70;
    this.blockMin.fill(-70);
    this.blockFill = 0;
    this.blockIndex = 0;
    this.activeRun = 0;
    this.quietRun = 0;
    this.inVoice = false;
  }
}
