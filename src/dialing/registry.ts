/**
 * The loaded profile set: trunks, platforms and plans from a folder, checked against each other
 * (names unique, plan references resolve, one fallback platform, recordings present, every
 * detection mode backed by the platform's data). Problems from all files are reported together.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isPromptLabel, type PromptLabel } from './labels.js';
import type { PrivacyNumber } from './number.js';
import {
  parseProfileText,
  ProfileError,
  type ParsedProfile,
  type ProfileProblem,
  type SourceMap,
} from './profile-load.js';
import type { PlanProfile, PlatformProfile, TrunkProfile } from './profiles.js';
import type { Step } from './steps.js';

export interface LoadedPlatform extends PlatformProfile {
  /** Profile file it came from. */
  file: string;
  /** Recording paths resolved against the profile's folder. */
  recordingFiles: { label: PromptLabel; file: string }[];
}

export interface DialingProfiles {
  trunks: ReadonlyMap<string, TrunkProfile & { file: string }>;
  platforms: readonly LoadedPlatform[];
  plans: ReadonlyMap<string, PlanProfile & { file: string }>;
  fallback: LoadedPlatform;
}

export interface LoadProfilesOptions {
  /** Most profile files read (default 500). */
  maxFiles?: number;
  /** Largest profile file (default 256 KiB). */
  maxFileBytes?: number;
  /** Largest recording (default 2 MiB). */
  maxRecordingBytes?: number;
}

/** Loads every `*.yaml` / `*.yml` in `dir` (not recursive). Throws ProfileError. */
export function loadProfiles(dir: string, opts: LoadProfilesOptions = {}): DialingProfiles {
  const maxFiles = opts.maxFiles ?? 500;
  const maxBytes = opts.maxFileBytes ?? 256 * 1024;
  let names: string[];
  try {
    names = readdirSync(dir)
      .filter((n) => /\.ya?ml$/.test(n))
      .sort();
  } catch (e) {
    throw new ProfileError('profile_unreadable', [
      { file: dir, key: '', message: `cannot read folder: ${(e as Error).message}` },
    ]);
  }
  if (names.length > maxFiles) {
    throw new ProfileError('profile_unreadable', [
      { file: dir, key: '', message: `${names.length} profiles, at most ${maxFiles}` },
    ]);
  }
  const texts = names.map((n) => {
    const file = join(dir, n);
    try {
      const size = statSync(file).size;
      if (size > maxBytes) return { file, error: `${size} bytes, at most ${maxBytes}` };
      return { file, text: readFileSync(file, 'utf8') };
    } catch (e) {
      return { file, error: `cannot read: ${(e as Error).message}` };
    }
  });
  return buildProfiles(texts, opts);
}

/** Builds the set from texts (tests and the daemon's reload use this directly). */
export function buildProfiles(
  files: readonly { file: string; text?: string; error?: string }[],
  opts: LoadProfilesOptions = {},
): DialingProfiles {
  const problems: ProfileProblem[] = [];
  const parsed: (ParsedProfile & { source: SourceMap })[] = [];
  let worst: ProfileError['code'] = 'profiles_inconsistent';
  for (const f of files) {
    if (f.error !== undefined || f.text === undefined) {
      problems.push({ file: f.file, key: '', message: f.error ?? 'no text' });
      worst = 'profile_unreadable';
      continue;
    }
    try {
      parsed.push(parseProfileText(f.text, f.file));
    } catch (e) {
      if (!(e instanceof ProfileError)) throw e;
      problems.push(...e.problems);
      if (worst !== 'profile_unreadable') worst = e.code;
    }
  }
  if (problems.length > 0) throw new ProfileError(worst, problems);

  const trunks = new Map<string, TrunkProfile & { file: string }>();
  const plans = new Map<string, PlanProfile & { file: string }>();
  const platforms: LoadedPlatform[] = [];
  const sources = new Map<string, SourceMap>();
  const at = (src: SourceMap, path: (string | number)[], key: string, message: string) => {
    const line = src.lineOf(path);
    problems.push(
      line === undefined ? { file: src.file, key, message } : { file: src.file, key, line, message },
    );
  };
  for (const p of parsed) {
    sources.set(p.file, p.source);
    const seen =
      p.kind === 'trunk' ? trunks : p.kind === 'plan' ? plans : new Map(platforms.map((x) => [x.name, x]));
    const dup = seen.get(p.profile.name);
    if (dup) {
      at(p.source, ['name'], 'name', `${p.kind} "${p.profile.name}" is also defined in ${dup.file}`);
      continue;
    }
    if (p.kind === 'trunk') trunks.set(p.profile.name, { ...p.profile, file: p.file });
    else if (p.kind === 'plan') plans.set(p.profile.name, { ...p.profile, file: p.file });
    else
      platforms.push({
        ...p.profile,
        file: p.file,
        recordingFiles: recordingFiles(p.profile, p.file, opts, p.source, at),
      });
  }
  const owners = new Map<string, string>();
  for (const pf of platforms) {
    const src = sources.get(pf.file)!;
    if (typeof pf.plan === 'string' && !plans.has(pf.plan)) {
      at(
        src,
        ['plan'],
        'plan',
        `no plan named "${pf.plan}" (known: ${[...plans.keys()].join(', ') || 'none'})`,
      );
    }
    for (const prefix of pf.match.prefixes) {
      const other = owners.get(prefix);
      if (other)
        at(
          src,
          ['match', 'prefixes'],
          'match.prefixes',
          `prefix ${prefix} is also claimed by platform "${other}"`,
        );
      owners.set(prefix, pf.name);
    }
    const steps = planSteps(pf, plans);
    const inline = typeof pf.plan !== 'string';
    if (steps) {
      for (const [i, m] of detectionGaps(pf, steps)) {
        if (inline) at(src, ['plan', i], `plan.${i}`, m);
        else at(src, ['plan'], 'plan', `plan "${String(pf.plan)}" step ${i}: ${m}`);
      }
    }
  }
  const fallbacks = platforms.filter((p) => p.fallback);
  if (fallbacks.length !== 1) {
    problems.push({
      file: files[0]?.file ?? '<profiles>',
      key: 'fallback',
      message:
        fallbacks.length === 0
          ? 'no platform has fallback: true (the generic plan used for unmatched numbers)'
          : `several fallback platforms: ${fallbacks.map((p) => p.name).join(', ')}`,
    });
  }
  if (problems.length > 0) throw new ProfileError('profiles_inconsistent', problems);
  return { trunks, plans, platforms, fallback: fallbacks[0]! };
}

/** The steps a platform runs (inline, or its named plan's). */
export function planSteps(
  pf: PlatformProfile,
  plans: ReadonlyMap<string, PlanProfile>,
): readonly Step[] | undefined {
  return typeof pf.plan === 'string' ? plans.get(pf.plan)?.steps : pf.plan;
}

/** Detection modes the plan uses that the platform has no data for: [step index, message]. */
function detectionGaps(pf: PlatformProfile, steps: readonly Step[]): [number, string][] {
  const out: [number, string][] = [];
  let learns = false;
  steps.forEach((s, i) => {
    if (s.type === 'waitPromptEnd') {
      if (s.mode === 'fingerprint' && !pf.recordings[s.label]) {
        out.push([i, `waitPromptEnd fingerprint needs recordings.${s.label}`]);
      }
      if (s.mode === 'keyword' && !pf.keywords[s.label])
        out.push([i, `waitPromptEnd keyword needs keywords.${s.label}`]);
      if (s.mode === 'vad' && s.learn) learns = true;
    }
    if (s.type === 'onReprompt') {
      const backed = s.labels.some((l) => pf.recordings[l] || pf.keywords[l] || (l === 'prompt' && learns));
      const hint = 'add recordings or keywords, or learn: true on a vad waitPromptEnd';
      if (!backed) out.push([i, `onReprompt can hear none of ${s.labels.join(', ')}: ${hint}`]);
    }
  });
  return out;
}

function recordingFiles(
  pf: PlatformProfile,
  file: string,
  opts: LoadProfilesOptions,
  src: SourceMap,
  at: (src: SourceMap, path: (string | number)[], key: string, message: string) => void,
): { label: PromptLabel; file: string }[] {
  const max = opts.maxRecordingBytes ?? 2 * 1024 * 1024;
  const out: { label: PromptLabel; file: string }[] = [];
  for (const [label, list] of Object.entries(pf.recordings)) {
    if (!isPromptLabel(label) || !list) continue;
    list.forEach((rel, i) => {
      const path = resolve(dirname(file), rel);
      const problem = checkWavFile(path, max);
      if (problem) at(src, ['recordings', label, i], `recordings.${label}.${i}`, `${rel}: ${problem}`);
      else out.push({ label, file: path });
    });
  }
  return out;
}

/** Existence, size and the RIFF/WAVE signature; the media layer decodes it at use. */
function checkWavFile(path: string, max: number): string | undefined {
  let fd: number | undefined;
  try {
    const size = statSync(path).size;
    if (size > max) return `${size} bytes, at most ${max}`;
    fd = openSync(path, 'r');
    const head = Buffer.alloc(12);
    const n = readSync(fd, head, 0, 12, 0);
    if (n < 12 || head.toString('latin1', 0, 4) !== 'RIFF' || head.toString('latin1', 8, 12) !== 'WAVE') {
      return 'not a WAV file';
    }
    return undefined;
  } catch (e) {
    return `cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** The platform that owns X: the longest prefix, then the first pattern, else the fallback. */
export function selectPlatform(
  p: DialingProfiles,
  n: Pick<PrivacyNumber, 'kind' | 'national'>,
): LoadedPlatform {
  let best: LoadedPlatform | undefined;
  let bestLen = 0;
  for (const pf of p.platforms) {
    if (pf.fallback || !pf.match.kinds.includes(n.kind)) continue;
    for (const prefix of pf.match.prefixes) {
      if (prefix.length > bestLen && n.national.startsWith(prefix)) {
        best = pf;
        bestLen = prefix.length;
      }
    }
  }
  if (best) return best;
  for (const pf of p.platforms) {
    if (pf.fallback || !pf.match.kinds.includes(n.kind)) continue;
    if (pf.match.patterns.some((re) => new RegExp(re).test(n.national))) return pf;
  }
  return p.fallback;
}
