/**
 * Turns an origination request (a privacy or plain number, a trunk, optional overrides) into a
 * DialJob: the number parsed against the owning platform's rules, formatted for the trunk, and
 * the plan's steps with every default filled in (timeouts from the trunk, terminator and
 * attempts from the platform, digit templates expanded). Coded errors, never throws.
 */
import type { AnalysisRequest } from './dial-control.js';
import { expandDigits } from './digits.js';
import type { PromptLabel } from './labels.js';
import {
  parsePrivacyNumber,
  type NumberErrorCode,
  type PrivacyNumber,
  type StructuredNumber,
} from './number.js';
import { formatNumber } from './number-format.js';
import { planSteps, selectPlatform, type DialingProfiles, type LoadedPlatform } from './registry.js';
import { err, ok, type Result } from './result.js';
import type { Step, StepOf } from './steps.js';
import type { TrunkProfile } from './profiles.js';

export type RunStep =
  | (Omit<StepOf<'waitFor'>, 'timeoutMs'> & { timeoutMs: number })
  | StepOf<'pause'>
  | StepOf<'waitPromptEnd'>
  | (Omit<StepOf<'sendDigits'>, 'terminator'> & { sendsExtension: boolean })
  | (Omit<StepOf<'onReprompt'>, 'attempts'> & { attempts: number })
  | (Omit<StepOf<'verifyConnect'>, 'confirmMs'> & { confirmMs: number });

export type RunStepOf<K extends RunStep['type']> = Extract<RunStep, { type: K }>;

export interface DialJob {
  number: PrivacyNumber;
  trunk: TrunkProfile;
  platform: LoadedPlatform;
  /** Plan name (`direct` for a plain number on the fallback platform). */
  plan: string;
  maxDurationMs: number;
  requestUser: string;
  headers: Record<string, string>;
  steps: RunStep[];
  analysis: AnalysisRequest;
}

export interface DialRequest {
  to: string | StructuredNumber;
  trunk: string;
  /** Platform override (by name). */
  platform?: string;
  /** Plan override (by name). */
  plan?: string;
}

export type ResolveErrorCode =
  | NumberErrorCode
  | 'unknown_trunk'
  | 'unknown_platform'
  | 'unknown_plan'
  | 'extension_in_request_unsupported'
  | 'digits_invalid';

export interface ResolveError {
  code: ResolveErrorCode;
  message: string;
}

export const DIRECT_PLAN = 'direct';

export function resolveDial(p: DialingProfiles, req: DialRequest): Result<DialJob, ResolveError> {
  const trunk = p.trunks.get(req.trunk);
  if (!trunk)
    return err({
      code: 'unknown_trunk',
      message: `no trunk "${req.trunk}" (known: ${list([...p.trunks.keys()])})`,
    });
  // Parse loosely first: the platform (chosen by X) sets the extension rules.
  const loose = parsePrivacyNumber(req.to, { extensionMin: 1, extensionMax: 8 });
  if (!loose.ok) return loose;
  let platform: LoadedPlatform | undefined;
  if (req.platform !== undefined) {
    platform = p.platforms.find((x) => x.name === req.platform);
    if (!platform)
      return err({
        code: 'unknown_platform',
        message: `no platform "${req.platform}" (known: ${list(p.platforms.map((x) => x.name))})`,
      });
  } else platform = selectPlatform(p, loose.value);
  const strict = parsePrivacyNumber(req.to, {
    extensionMin: platform.extension.minLength,
    extensionMax: platform.extension.maxLength,
    requireExtension: platform.extension.required && !platform.fallback,
  });
  if (!strict.ok)
    return err({ ...strict.error, message: `${strict.error.message} (platform ${platform.name})` });
  const number = strict.value;

  let planName: string;
  let steps: readonly Step[] | undefined;
  let maxDurationMs: number;
  if (req.plan !== undefined) {
    const named = p.plans.get(req.plan);
    if (!named)
      return err({
        code: 'unknown_plan',
        message: `no plan "${req.plan}" (known: ${list([...p.plans.keys()])})`,
      });
    [planName, steps, maxDurationMs] = [named.name, named.steps, named.maxDurationMs];
  } else if (number.extension === undefined) {
    [planName, steps, maxDurationMs] = [
      DIRECT_PLAN,
      [{ type: 'waitFor', event: 'answer' }],
      trunk.timeouts.answerMs + 10_000,
    ];
  } else {
    const named = typeof platform.plan === 'string' ? p.plans.get(platform.plan) : undefined;
    planName = named?.name ?? `${platform.name}/inline`;
    steps = planSteps(platform, p.plans);
    maxDurationMs = named?.maxDurationMs ?? 180_000;
  }
  if (!steps) return err({ code: 'unknown_plan', message: `platform ${platform.name} has no plan` });

  const requestUserBase = formatNumber(number, trunk.numberFormat);
  let requestUser = requestUserBase;
  const headers: Record<string, string> = {};
  const run: RunStep[] = [];
  const fill = (t: string) =>
    t.replaceAll('{number}', requestUserBase).replaceAll('{ext}', number.extension ?? '');
  for (const s of steps) {
    if (s.type === 'dialExtension') {
      if (!trunk.extensionInRequest) {
        return err({
          code: 'extension_in_request_unsupported',
          message: `trunk ${trunk.name} does not take the extension in the INVITE (extensionInRequest: false)`,
        });
      }
      if (s.where === 'uriUser') requestUser = fill(s.format);
      else headers[s.header] = fill(s.value);
      continue;
    }
    const resolved = resolveStep(s, trunk, platform, number);
    if (!resolved.ok) return resolved;
    run.push(resolved.value);
  }
  return ok({
    number,
    trunk,
    platform,
    plan: planName,
    maxDurationMs,
    requestUser,
    headers,
    steps: run,
    analysis: analysisFor(platform, run),
  });
}

/** A SIP or tel URI (`sip:4001@pbx`, `tel:+8610…`): dialled as given, no plan beyond the answer. */
export function isDialUri(to: string): boolean {
  return /^(sips?|tel):[^\s]{1,250}$/i.test(to);
}

/**
 * A job that calls a URI as it is (no number parsing, no digits): the fallback platform, the
 * `direct` plan (wait for the answer within the trunk's answer timeout).
 */
export function resolveDirect(
  p: DialingProfiles,
  req: { uri: string; trunk: string },
): Result<DialJob, ResolveError> {
  const trunk = p.trunks.get(req.trunk);
  if (!trunk)
    return err({
      code: 'unknown_trunk',
      message: `no trunk "${req.trunk}" (known: ${list([...p.trunks.keys()])})`,
    });
  if (!isDialUri(req.uri))
    return err({
      code: 'invalid_character',
      message: 'not a sip:, sips: or tel: URI of at most 254 characters',
    });
  return ok({
    number: { kind: 'landline', national: req.uri, terminator: false },
    trunk,
    platform: p.fallback,
    plan: DIRECT_PLAN,
    maxDurationMs: trunk.timeouts.answerMs + 10_000,
    requestUser: req.uri,
    headers: {},
    steps: [{ type: 'waitFor', event: 'answer', timeoutMs: trunk.timeouts.answerMs }],
    analysis: { references: [], keywords: [], learn: false },
  });
}

function resolveStep(
  s: Exclude<Step, { type: 'dialExtension' }>,
  trunk: TrunkProfile,
  pf: LoadedPlatform,
  n: PrivacyNumber,
): Result<RunStep, ResolveError> {
  switch (s.type) {
    case 'waitFor':
      return ok({ ...s, timeoutMs: s.timeoutMs ?? trunk.timeouts.answerMs });
    case 'sendDigits': {
      const { terminator, ...rest } = s;
      const sendsExtension = s.digits.includes('{ext}');
      const template = sendsExtension
        ? s.digits.replace(/\{ext\}(?![\s\S]*\{ext\})/, `{ext}${terminator ?? pf.terminator}`)
        : s.digits;
      const digits = expandDigits(template, n.extension);
      if (!digits.ok) return err({ code: 'digits_invalid', message: digits.error.message });
      return ok({ ...rest, digits: digits.value, sendsExtension });
    }
    case 'onReprompt':
      return ok({ ...s, attempts: s.attempts ?? pf.attempts });
    case 'verifyConnect': {
      const phrases = (['busy', 'noAnswer', 'unavailable', 'error'] as const).some(
        (l) => pf.recordings[l] || pf.keywords[l],
      );
      return ok({ ...s, confirmMs: s.confirmMs ?? (phrases ? 2000 : 0) });
    }
    default:
      return ok(s);
  }
}

function analysisFor(pf: LoadedPlatform, steps: readonly RunStep[]): AnalysisRequest {
  // A recognizer session costs a speech server channel: ask for one only when a step uses it.
  const usesKeywords = steps.some((s) => s.type === 'waitPromptEnd' && s.mode === 'keyword');
  const keywords = Object.entries(usesKeywords ? pf.keywords : {})
    .filter((e): e is [PromptLabel, string[]] => e[1] !== undefined)
    .map(([label, phrases]) => ({ label, phrases }));
  return {
    references: pf.recordingFiles.map((r, i) => ({
      id: `${pf.name}/${r.label}/${i}`,
      label: r.label,
      file: r.file,
    })),
    keywords,
    learn: steps.some((s) => s.type === 'waitPromptEnd' && s.mode === 'vad' && s.learn),
  };
}

function list(names: string[]): string {
  return names.length === 0 ? 'none' : names.slice(0, 20).join(', ') + (names.length > 20 ? ', …' : '');
}

/**
 * Where a re-prompt sends the run: the prompt wait before the last digits (it waits for the
 * re-played prompt to end), else the digits themselves.
 */
export function repromptTarget(steps: readonly RunStep[], lastSendIndex: number): number {
  for (let i = lastSendIndex - 1; i >= 0 && steps[i]!.type !== 'sendDigits'; i--) {
    if (steps[i]!.type === 'waitPromptEnd') return i;
  }
  return lastSendIndex;
}
