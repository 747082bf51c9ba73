import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  buildProfiles,
  loadProfiles,
  parseProfileText,
  ProfileError,
  resolveDial,
  selectPlatform,
  type DialingProfiles,
} from '../../src/dialing/index.js';
import { PROFILE_DIR, PROFILES } from './harness.js';

/** Expects a ProfileError; returns its problems as "file:line: key: message" lines. */
function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, String(e));
    return e.message.split('\n');
  }
  assert.fail('no ProfileError');
}

const TRUNK = 'kind: trunk\nname: t1\n';
const PLAN = 'kind: plan\nname: p1\nsteps:\n  - waitFor: { event: answer }\n  - sendDigits: {}\n';
const GENERIC = 'kind: platform\nname: g\nfallback: true\nplan: p1\n';
const set = (files: Record<string, string>): DialingProfiles =>
  buildProfiles(Object.entries(files).map(([file, text]) => ({ file, text })));

describe('shipped profiles', () => {
  it('load: four schemes, the generic fallback, their trunks and plans', () => {
    assert.deepEqual([...PROFILES.trunks.keys()].sort(), [
      'carrier-inband',
      'carrier-info',
      'carrier-rfc4733',
      'private-ext',
    ]);
    assert.deepEqual(PROFILES.platforms.map((p) => p.name).sort(), [
      'answered-inband',
      'answered-info',
      'answered-rfc4733',
      'early-media-rfc4733',
      'generic',
    ]);
    assert.equal(PROFILES.fallback.name, 'generic');
    assert.ok(PROFILES.plans.has('generic'));
    const fp = PROFILES.platforms.find((p) => p.name === 'answered-rfc4733')!;
    assert.equal(fp.recordingFiles.length, 5);
    assert.ok(fp.recordingFiles.every((r) => r.file.startsWith(PROFILE_DIR)));
  });

  it('select the platform by X: longest prefix, kind, else the fallback', () => {
    const name = (national: string, kind: 'mobile' | 'landline' = 'mobile') =>
      selectPlatform(PROFILES, { kind, national }).name;
    assert.equal(name('17001234567'), 'answered-rfc4733');
    assert.equal(name('17011234567'), 'early-media-rfc4733');
    assert.equal(name('17091234567'), 'generic');
    assert.equal(name('13800138000'), 'generic');
    assert.equal(name('01017001234', 'landline'), 'generic');
  });

  it('trunk defaults are filled in', () => {
    const t = PROFILES.trunks.get('carrier-info')!;
    assert.equal(t.telephoneEvent.payloadType, 101);
    assert.equal(t.sessionTimer.seconds, 1800);
    assert.deepEqual(t.dtmf.methods, ['info']);
    assert.equal(t.limits.callsPerSecond, 5);
  });
});

describe('profile validation names file, line and key', () => {
  it('a wrong value', () => {
    const p = problems(() =>
      parseProfileText('kind: trunk\nname: t\ndtmf:\n  methods: [rfc4733, smoke]\n', 't.yaml'),
    );
    assert.match(p[0]!, /^t\.yaml:4: key "dtmf\.methods\.1": /);
  });

  it('an unknown key, with a suggestion', () => {
    const p = problems(() =>
      parseProfileText('kind: trunk\nname: t\nnumberFormat:\n  styel: e164\n', 't.yaml'),
    );
    assert.deepEqual(p, ['t.yaml:4: key "numberFormat.styel": unknown key (did you mean "style"?)']);
  });

  it('a misspelt step type inside a plan, with a suggestion', () => {
    const p = problems(() =>
      parseProfileText(
        'kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - sendDigit: { digits: "1" }\n',
        'p.yaml',
      ),
    );
    assert.ok(
      p.some((l) =>
        /^p\.yaml:5: key "steps\.1\.sendDigit": unknown key \(did you mean "sendDigits"\?\)$/.test(l),
      ),
      p.join('\n'),
    );
  });

  it('a bad field inside a step', () => {
    const p = problems(() =>
      parseProfileText(
        'kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - sendDigits:\n      method: smoke-signal\n',
        'p.yaml',
      ),
    );
    assert.match(p[0]!, /^p\.yaml:6: key "steps\.1\.sendDigits\.method": /);
  });

  it('two step types in one list item; a step out of order', () => {
    const two = problems(() =>
      parseProfileText('kind: plan\nname: p\nsteps:\n  - waitFor: {}\n    pause: { ms: 1 }\n', 'p.yaml'),
    );
    assert.match(two.join('\n'), /p\.yaml:4: key "steps\.0": one step per list item, got waitFor and pause/);
    const order = problems(() =>
      parseProfileText('kind: plan\nname: p\nsteps:\n  - sendDigits: {}\n  - waitFor: {}\n', 'p.yaml'),
    );
    assert.match(
      order.join('\n'),
      /p\.yaml:4: key "steps\.0": the first step after dialExtension must be waitFor/,
    );
    const reprompt = problems(() =>
      parseProfileText('kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - onReprompt: {}\n', 'p.yaml'),
    );
    assert.match(reprompt.join('\n'), /key "steps\.1": onReprompt needs a sendDigits before it/);
    const last = problems(() =>
      parseProfileText(
        'kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - verifyConnect: {}\n  - pause: { ms: 1 }\n',
        'p.yaml',
      ),
    );
    assert.match(last.join('\n'), /verifyConnect must be the last step/);
  });

  it('fixed waits need a delay; digit templates are checked', () => {
    const fixed = problems(() =>
      parseProfileText(
        'kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - waitPromptEnd: { mode: fixed }\n',
        'p.yaml',
      ),
    );
    assert.match(fixed.join('\n'), /key "steps\.1\.waitPromptEnd\.delayMs": `fixed` needs delayMs/);
    const digits = problems(() =>
      parseProfileText(
        'kind: plan\nname: p\nsteps:\n  - waitFor: {}\n  - sendDigits: { digits: "{extension}" }\n',
        'p.yaml',
      ),
    );
    assert.match(digits.join('\n'), /steps\.1\.sendDigits\.digits": use 0-9/);
  });

  it('YAML syntax, a missing or unknown kind, a non-mapping', () => {
    assert.match(
      problems(() => parseProfileText('kind: trunk\nname: [t\n', 's.yaml'))[0]!,
      /^s\.yaml:\d+: YAML syntax/,
    );
    assert.deepEqual(
      problems(() => parseProfileText('name: t\n', 'k.yaml')),
      ['k.yaml:1: key "kind": kind must be one of: plan, platform, trunk'],
    );
    assert.match(
      problems(() => parseProfileText('kind: carrier\nname: t\n', 'k.yaml'))[0]!,
      /^k\.yaml:1: key "kind"/,
    );
    assert.match(problems(() => parseProfileText('- 1\n', 'l.yaml'))[0]!, /a profile is a YAML mapping/);
  });

  it('cross-file: duplicate names, unknown plan, prefix claimed twice, fallback count', () => {
    const dup = problems(() => set({ 'a.yaml': TRUNK, 'b.yaml': TRUNK, 'p.yaml': PLAN, 'g.yaml': GENERIC }));
    assert.match(dup.join('\n'), /b\.yaml:2: key "name": trunk "t1" is also defined in a\.yaml/);
    const plan = problems(() => set({ 'g.yaml': 'kind: platform\nname: g\nfallback: true\nplan: nope\n' }));
    assert.match(plan.join('\n'), /g\.yaml:4: key "plan": no plan named "nope" \(known: none\)/);
    const prefix = problems(() =>
      set({
        'p.yaml': PLAN,
        'g.yaml': GENERIC,
        'x.yaml': 'kind: platform\nname: x\nmatch: { prefixes: ["170"] }\nplan: p1\n',
        'y.yaml': 'kind: platform\nname: y\nmatch:\n  prefixes: ["170"]\nplan: p1\n',
      }),
    );
    assert.match(
      prefix.join('\n'),
      /y\.yaml:4: key "match\.prefixes": prefix 170 is also claimed by platform "x"/,
    );
    assert.match(problems(() => set({ 'p.yaml': PLAN }))[0]!, /no platform has fallback: true/);
    const two = problems(() =>
      set({ 'p.yaml': PLAN, 'g.yaml': GENERIC, 'h.yaml': GENERIC.replace('name: g', 'name: h') }),
    );
    assert.match(two.join('\n'), /several fallback platforms: g, h/);
  });

  it('a plan using detection the platform has no data for', () => {
    const text =
      'kind: platform\nname: g\nfallback: true\nplan:\n  - waitFor: {}\n  - waitPromptEnd: { mode: fingerprint }\n  - sendDigits: {}\n  - onReprompt: {}\n';
    const p = problems(() => set({ 'g.yaml': text }));
    assert.match(
      p.join('\n'),
      /g\.yaml:6: key "plan\.1": waitPromptEnd fingerprint needs recordings\.prompt/,
    );
    assert.match(p.join('\n'), /g\.yaml:8: key "plan\.3": onReprompt can hear none of prompt, invalid/);
    const named = problems(() =>
      set({
        'p.yaml': PLAN.replace(
          '  - sendDigits: {}\n',
          '  - waitPromptEnd: { mode: keyword }\n  - sendDigits: {}\n',
        ),
        'g.yaml': GENERIC,
      }),
    );
    assert.match(
      named.join('\n'),
      /g\.yaml:4: key "plan": plan "p1" step 1: waitPromptEnd keyword needs keywords\.prompt/,
    );
  });

  it('recordings must exist and be WAV files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-prof-'));
    writeFileSync(join(dir, 'not.wav'), 'hello, not audio');
    writeFileSync(join(dir, 'p.yaml'), PLAN);
    writeFileSync(
      join(dir, 'g.yaml'),
      'kind: platform\nname: g\nfallback: true\nrecordings:\n  prompt: [missing.wav]\n  invalid: [not.wav]\nplan: p1\n',
    );
    const p = problems(() => loadProfiles(dir));
    assert.match(
      p.join('\n'),
      /g\.yaml:5: key "recordings\.prompt\.0": missing\.wav: cannot read \(ENOENT\)/,
    );
    assert.match(p.join('\n'), /g\.yaml:6: key "recordings\.invalid\.0": not\.wav: not a WAV file/);
  });

  it('all problems of all files come together; an unreadable folder is coded', () => {
    const p = problems(() =>
      set({ 'a.yaml': 'kind: trunk\nname: A\n', 'b.yaml': 'kind: plan\nname: b\nsteps: []\n' }),
    );
    assert.ok(p.some((l) => l.startsWith('a.yaml:2: key "name"')));
    assert.ok(p.some((l) => l.startsWith('b.yaml:3: key "steps"')));
    try {
      loadProfiles('/nonexistent/voicegate/profiles');
      assert.fail('loaded');
    } catch (e) {
      assert.ok(e instanceof ProfileError);
      assert.equal(e.code, 'profile_unreadable');
    }
  });

  it('bounds the number and size of profile files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vg-prof-'));
    writeFileSync(join(dir, 'big.yaml'), `kind: trunk\nname: t\ndescription: "${'x'.repeat(300_000)}"\n`);
    assert.match(problems(() => loadProfiles(dir)).join('\n'), /big\.yaml: .*bytes, at most 262144/);
    writeFileSync(join(dir, 'second.yaml'), TRUNK);
    assert.match(problems(() => loadProfiles(dir, { maxFiles: 1 })).join('\n'), /2 profiles, at most 1/);
  });
});

describe('resolving a dial request', () => {
  const code = (r: ReturnType<typeof resolveDial>) => (r.ok ? 'ok' : r.error.code);

  it('an unknown trunk, platform or plan is a coded error listing the known ones', () => {
    const r = resolveDial(PROFILES, { to: '17001234567-1234', trunk: 'nope' });
    assert.equal(code(r), 'unknown_trunk');
    assert.match(
      r.ok ? '' : r.error.message,
      /known: carrier-inband, carrier-info, carrier-rfc4733, private-ext/,
    );
    assert.equal(
      code(resolveDial(PROFILES, { to: '17001234567-1234', trunk: 'carrier-info', platform: 'nope' })),
      'unknown_platform',
    );
    assert.equal(
      code(resolveDial(PROFILES, { to: '17001234567-1234', trunk: 'carrier-info', plan: 'nope' })),
      'unknown_plan',
    );
  });

  it("number errors carry the platform's rules", () => {
    const short = resolveDial(PROFILES, { to: '17001234567-12', trunk: 'carrier-info' });
    assert.equal(code(short), 'extension_too_short');
    assert.match(short.ok ? '' : short.error.message, /platform answered-rfc4733/);
    assert.equal(
      code(resolveDial(PROFILES, { to: '170****4567-1234', trunk: 'carrier-info' })),
      'masked_number',
    );
    assert.equal(
      code(resolveDial(PROFILES, { to: '17001234567', trunk: 'carrier-info' })),
      'extension_required',
    );
    // The generic platform allows 1-4 digits.
    assert.equal(code(resolveDial(PROFILES, { to: '13800138000-1', trunk: 'carrier-info' })), 'ok');
  });

  it('the extension in the INVITE needs a trunk that takes it', () => {
    assert.equal(
      code(resolveDial(PROFILES, { to: '13800138000-1234', trunk: 'carrier-info', plan: 'dial-in-uri' })),
      'extension_in_request_unsupported',
    );
  });

  it('fills defaults: waitFor timeout from the trunk, terminator and attempts from the platform', () => {
    const r = resolveDial(PROFILES, { to: '17001234567-1234', trunk: 'carrier-rfc4733' });
    assert.ok(r.ok);
    const steps = r.value.steps;
    assert.deepEqual(steps[0], { type: 'waitFor', event: 'answer', timeoutMs: 45_000 });
    const send = steps.find((s) => s.type === 'sendDigits');
    assert.equal(send?.type === 'sendDigits' && send.digits, '1234#');
    const rp = steps.find((s) => s.type === 'onReprompt');
    assert.equal(rp?.type === 'onReprompt' && rp.attempts, 3);
    const vc = steps.find((s) => s.type === 'verifyConnect');
    assert.equal(vc?.type === 'verifyConnect' && vc.confirmMs, 2000);
    assert.equal(r.value.analysis.keywords.length, 0, 'no recognizer unless a step uses keywords');
    assert.equal(r.value.analysis.references.length, 5);
  });

  it('number formats per trunk reach the Request-URI', () => {
    const user = (trunk: string, to: string) => {
      const r = resolveDial(PROFILES, { to, trunk });
      return r.ok ? r.value.requestUser : r.error.code;
    };
    assert.equal(user('carrier-rfc4733', '010-12345678转12'), '+861012345678');
    assert.equal(user('carrier-info', '010-12345678转12'), '01012345678');
    assert.equal(user('carrier-inband', '+86 138 0013 8000'), '13800138000');
  });
});
