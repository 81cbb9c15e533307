import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import type { PolicyLoadResult, PolicyProblem } from '../../policy/types';
import { configCopy, configDir } from './helpers';

const now = new Date('2025-03-24T00:00:00Z');
const load = (dir: string) => loadPolicyDir(dir, { now });
const errorsOf = (result: PolicyLoadResult): PolicyProblem[] => (result.ok ? [] : result.errors);
const find = (problems: PolicyProblem[], text: string) => problems.find((p) => p.message.includes(text));

describe('the example config', () => {
  it('loads without errors or warnings, with people, services and routing', () => {
    const result = load(configDir);
    expect(errorsOf(result)).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.policy.teams).sort()).toEqual(['payments', 'platform', 'web']);
    expect(result.policy.people.grace).toMatchObject({ team: 'payments', timezone: 'Australia/Sydney' });
    expect(result.policy.services['checkout-api']).toMatchObject({ team: 'payments', component: 'Checkout' });
    expect(result.policy.routing.defaultTeam).toBe('platform');
    expect(result.policy.integrations?.intake.alertmanager).toEqual({ tokenEnv: 'MARSHAL_ALERTMANAGER_TOKEN', enabled: true });
    expect(result.policy.version).toMatch(/^sha256:[0-9a-f]{16}$/);
  });

  it('takes the version it is given, and changes its content version when a team file changes', () => {
    const pinned = loadPolicyDir(configDir, { version: 'abc123', now });
    expect(pinned.ok && pinned.policy.version).toBe('abc123');
    const before = load(configDir);
    const after = load(configCopy({ 'teams/web.yaml': (t) => t.replace('concurrencyLimit: 1', 'concurrencyLimit: 2') }));
    expect(before.ok && after.ok && before.policy.version !== after.policy.version).toBe(true);
  });
});

describe('broken files are refused with file:line:column', () => {
  it('reports a YAML syntax error at its exact line', () => {
    const dir = configCopy({
      'teams/web.yaml': (t) => t.replace("        handoff: '09:00'\n        start: '2025-01-06'\n  secondary:", "        handoff: '09:00\n        start: '2025-01-06'\n  secondary:"),
    });
    const errors = errorsOf(load(dir));
    expect(errors.length).toBeGreaterThan(0);
    // The unclosed quote opens on line 22 (handoff of the primary layer).
    expect(errors[0]).toMatchObject({ level: 'error', file: 'config/teams/web.yaml', line: 22 });
    expect(errors[0].message).toMatch(/^YAML syntax: Missing closing 'quote/);
  });

  it('points a YAML syntax error at the broken line of a small file', () => {
    const dir = configCopy({ 'services.yaml': 'services:\n  a: { team: payments }\n   b: {}\n' });
    const errors = errorsOf(load(dir));
    expect(errors[0]).toMatchObject({ file: 'config/services.yaml', line: 3, column: 1 });
    expect(errors[0].message).toContain('same column');
  });

  it('reports a schema violation at the offending value', () => {
    const dir = configCopy({ 'teams/platform.yaml': (t) => t.replace("handoff: '10:00'     # Monday", "handoff: '25:00'     # Monday") });
    const error = errorsOf(load(dir))[0];
    expect(error).toMatchObject({ file: 'config/teams/platform.yaml', line: 24, column: 18 });
    expect(error.message).toContain('/rotations/primary/layers/0/handoff is "25:00"');
  });

  it('names an unknown contact kind', () => {
    const dir = configCopy({ 'teams/web.yaml': (t) => t.replace("{ kind: webhook, url: 'https://pager.example.com/hooks/wendy' }", '{ kind: pigeon }') });
    const error = errorsOf(load(dir))[0];
    expect(error).toMatchObject({ file: 'config/teams/web.yaml', line: 13 });
    expect(error.message).toContain('/members/4/contacts/0');
  });
});

describe('semantic rules', () => {
  it('an unknown rotation participant is an error at its line', () => {
    const dir = configCopy({ 'teams/web.yaml': (t) => t.replace('participants: [trent, uma, victor, wendy]', 'participants: [trent, uma, victor, wendi]') });
    const error = find(errorsOf(load(dir)), '"wendi"');
    expect(error).toMatchObject({ file: 'config/teams/web.yaml', line: 20, column: 44 });
    expect(error?.hint).toBeTruthy();
  });

  it('access.yaml names only people from the team files, at the line of the unknown one', () => {
    const dir = configCopy({ 'access.yaml': 'admins: [judy]\ncomms: [judy]\nviewers: [olivia, the-cto]\n' });
    expect(find(errorsOf(load(dir)), 'viewers names "the-cto", who is in no team file')).toMatchObject({ file: 'config/access.yaml', line: 3 });
    const both = configCopy({ 'access.yaml': 'admins: [judy]\nviewers: [judy]\n' });
    expect(find(errorsOf(load(both)), '"judy" is both an admin and a viewer')).toMatchObject({ file: 'config/access.yaml' });
    const hostile = configCopy({ 'access.yaml': `admins: ["${'x'.repeat(500)}"]\nmystery: true\n` });
    expect(errorsOf(load(hostile)).filter((problem) => problem.file === 'config/access.yaml').length).toBeGreaterThanOrEqual(2);
  });

  it('an unreal timezone is an error', () => {
    const dir = configCopy({ 'teams/payments.yaml': (t) => t.replace('timezone: America/Denver\n        participants', 'timezone: America/Denvr\n        participants') });
    expect(find(errorsOf(load(dir)), '"America/Denvr" is not a timezone')).toMatchObject({ file: 'config/teams/payments.yaml', line: 71, column: 19 });
  });

  it('a service claimed by two teams is an error', () => {
    const dir = configCopy({ 'teams/web.yaml': (t) => t.replace('services: [web-frontend, marketing-site]', 'services: [web-frontend, marketing-site, checkout-api]') });
    const errors = errorsOf(load(dir));
    expect(find(errors, 'service "checkout-api" is also owned by team payments')).toMatchObject({ file: 'config/teams/web.yaml' });
  });

  it('services.yaml and a team file disagreeing about an owner is an error', () => {
    const dir = configCopy({ 'services.yaml': (t) => t.replace('kubernetes:       { team: platform', 'kubernetes:       { team: web') });
    expect(find(errorsOf(load(dir)), 'owned by web here but claimed by team platform')).toMatchObject({ file: 'config/services.yaml', line: 11, column: 29 });
  });

  it('an escalation chain that ends at a rotation is refused', () => {
    const dir = configCopy({
      'teams/platform.yaml': (t) =>
        t.replace(
          '      - targets: [{ kind: rotation, rotation: secondary }]\n      - targets: [{ kind: team-lead }]\n  bySeverity',
          '      - targets: [{ kind: rotation, rotation: secondary }]\n  bySeverity',
        ),
    });
    expect(find(errorsOf(load(dir)), 'ends at a rotation')).toMatchObject({ file: 'config/teams/platform.yaml', line: 40, column: 9 });
  });

  it('references to a missing rotation, team or severity are errors', () => {
    const dir = configCopy({
      'teams/web.yaml': (t) =>
        t.replace('{ kind: rotation, rotation: primary, team: platform }', '{ kind: rotation, rotation: primary, team: platfrom }').replace('severities: [SEV3, SEV4]', 'severities: [SEV3, SEV5]'),
      'services.yaml': (t) => t.replace('defaultTeam: platform', 'defaultTeam: nobody'),
    });
    const errors = errorsOf(load(dir));
    expect(find(errors, 'team "platfrom" does not exist')).toBeDefined();
    expect(find(errors, 'severity "SEV5" is not defined')).toBeDefined();
    expect(find(errors, 'team "nobody" does not exist')).toMatchObject({ file: 'config/services.yaml' });
  });

  it('rotation size: a warning outside 3–6, an error under 2', () => {
    const small = load(configCopy({ 'teams/web.yaml': (t) => t.replace('participants: [trent, uma, victor, wendy]', 'participants: [trent, uma]') }));
    expect(small.ok).toBe(true);
    expect(find(small.warnings, 'has 2 people; rotations work best with 3–6')).toMatchObject({ level: 'warning', file: 'config/teams/web.yaml', line: 20 });
    const alone = load(configCopy({ 'teams/web.yaml': (t) => t.replace('participants: [trent, uma, victor, wendy]', 'participants: [trent]') }));
    expect(find(errorsOf(alone), 'has 1 person')).toBeDefined();
  });

  it('a too-long acknowledgement timeout is an error and a too-short one a warning', () => {
    const long = load(configCopy({ 'severities.yaml': (t) => t.replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: 2d') }));
    const line =
      readFileSync(join(configDir, 'severities.yaml'), 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('acknowledgementTimeout: 5m')) + 1;
    expect(find(errorsOf(long), 'over a day')).toMatchObject({ file: 'config/severities.yaml', line, column: 29 });
    const short = load(configCopy({ 'severities.yaml': (t) => t.replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: 20s') }));
    expect(short.ok && find(short.warnings, 'shorter than a person')).toBeTruthy();
  });

  it('a team file named differently from its id is an error', () => {
    const dir = configCopy();
    renameSync(join(dir, 'teams/web.yaml'), join(dir, 'teams/webteam.yaml'));
    expect(find(errorsOf(load(dir)), 'does not match its file name webteam.yaml')).toMatchObject({ file: 'config/teams/webteam.yaml', line: 3 });
  });

  it('a coverage gap in the next 14 days is a warning when the first page still reaches the team lead', () => {
    const dir = configCopy({
      'teams/web.yaml': (t) =>
        t
          .replace("        start: '2025-01-06'\n  secondary:", "        start: '2025-01-06'\n        hours: { from: '08:00', to: '20:00' }\n  secondary:")
          .replace(/  secondary:\n    layers:\n      - name: weekly\n[\s\S]*?start: '2025-01-06'\n/, '')
          .replace('{ kind: rotation, rotation: secondary }, ', '')
          .replace('      - targets: [{ kind: rotation, rotation: secondary }]\n', '')
          .replace(/targets: \[\{ kind: rotation, rotation: primary \}\]/g, 'targets: [{ kind: rotation, rotation: primary }, { kind: team-lead }]'),
    });
    const result = load(dir);
    expect(errorsOf(result)).toEqual([]);
    const gap = find(result.warnings, 'nobody is on call for web');
    expect(gap).toMatchObject({ level: 'warning', file: 'config/teams/web.yaml' });
    // 14 evenings plus the night already under way at `now`; 12h a night less the hour lost to DST.
    expect(gap?.message).toContain('15 window(s) over the next 14 days (7d in all)');
    expect(gap?.message).toContain('first Mon 24 Mar 00:00 UTC – Mon 24 Mar 07:00 UTC');
  });

  it('gives each person at most one sign-in email, refusing one shared by two people at its file:line', () => {
    const withEmails = configCopy({
      'teams/payments.yaml': (t) => t.replace('    github: alicem\n', '    github: alicem\n    email: alice@example.com\n'),
      'teams/web.yaml': (t) => t.replace('{ id: sybil, ', '{ id: sybil, email: ALICE@example.com, '),
    });
    const errors = errorsOf(load(withEmails));
    const shared = find(errors, 'email "ALICE@example.com" is also alice\'s');
    expect(shared).toMatchObject({ level: 'error', file: 'config/teams/web.yaml' });
    expect(shared?.line).toBeGreaterThan(0);
    const one = load(configCopy({ 'teams/payments.yaml': (t) => t.replace('    github: alicem\n', '    github: alicem\n    email: alice@example.com\n') }));
    expect(one.ok && one.policy.people.alice.email).toBe('alice@example.com');
    const hostile = errorsOf(load(configCopy({ 'teams/payments.yaml': (t) => t.replace('    github: alicem\n', `    github: alicem\n    email: "a\\0@${'x'.repeat(300)}"\n`) })));
    expect(hostile.length).toBeGreaterThan(0);
  });
});

describe('the first page of every severity must reach someone', () => {
  const withoutSydney = () => configCopy({ 'teams/payments.yaml': (t) => t.replace(/      - name: sydney\n[\s\S]*?hours: \{ from: '08:00', to: '18:00' \}\n/, '') });
  const lineOf = (text: string, needle: string, after = 0) => text.split('\n').findIndex((line, index) => index >= after && line.includes(needle)) + 1;

  it('a primary-only gap is an error naming the team, severities, daily window, file and line', () => {
    const dir = withoutSydney();
    // The secondary still covers the night, so the old "nobody on call" warning stays silent.
    const result = loadPolicyDir(dir, { now: new Date('2025-12-01T00:00:00Z') });
    const errors = errorsOf(result);
    const text = readFileSync(join(dir, 'teams/payments.yaml'), 'utf8');
    const sev1 = find(errors, 'first page of a SEV1 for payments');
    expect(sev1).toMatchObject({ level: 'error', file: 'config/teams/payments.yaml', line: lineOf(text, '- targets', lineOf(text, 'SEV1:')) });
    expect(sev1?.message).toContain('reaches nobody 01:00–07:00 UTC daily (14 windows, 3d12h in the next 14 days)');
    expect(sev1?.hint).toMatch(/Cover those hours/);
    const others = find(errors, 'first page of a SEV2, SEV3, SEV4 for payments');
    expect(others).toMatchObject({ line: lineOf(text, '- targets', lineOf(text, 'default:')) });
    expect(find(errors, 'nobody is on call')).toBeUndefined();
  });

  it('names the first concrete window when the gap moves with daylight saving', () => {
    // Denver is on summer time from 9 March, London from 30 March: the gap is 00:00–07:00 UTC, then 00:00–06:00.
    const sev1 = find(errorsOf(load(withoutSydney())), 'first page of a SEV1 for payments');
    expect(sev1?.message).toContain('reaches nobody Mon 24 Mar 00:00 UTC – Mon 24 Mar 07:00 UTC (the first of 14 windows, 3d18h');
  });

  it('a first level that also pages a person is never a gap', () => {
    const dir = configCopy({
      'teams/payments.yaml': (t) =>
        t
          .replace(/      - name: sydney\n[\s\S]*?hours: \{ from: '08:00', to: '18:00' \}\n/, '')
          .replace(/targets: \[\{ kind: rotation, rotation: primary \}\]/g, 'targets: [{ kind: rotation, rotation: primary }, { kind: team-lead }]'),
    });
    expect(errorsOf(load(dir))).toEqual([]);
  });
});

describe('hostile policy files are rejected, located, and never stall the process', () => {
  it('refuses a file over the size limit by its size, without parsing it', () => {
    const huge = `# padding\n${'#'.repeat(120)}\n`.repeat(20_000);
    const started = Date.now();
    const errors = errorsOf(load(configCopy({ 'services.yaml': (text) => text + huge })));
    const tooLarge = find(errors, 'byte limit');
    expect(tooLarge).toMatchObject({ file: 'config/services.yaml', line: 1 });
    expect(tooLarge?.message).toContain('1,048,576');
    // Refused by its size, not after a parse: well under the seconds a 2.4 MB parse would take.
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('records an alias bomb as a YAML problem of its file', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n');
    const errors = errorsOf(load(configCopy({ 'integrations.yaml': (text) => `${text}\nbomb:\n  ${bomb.split('\n').join('\n  ')}\n` })));
    const alias = find(errors, 'alias');
    expect(alias).toMatchObject({ file: 'config/integrations.yaml' });
  });

  it('refuses text with NUL, at its line', () => {
    const errors = errorsOf(load(configCopy({ 'teams/web.yaml': (text) => text.replace(/name: (.+)/, 'name: "Web\\0Team"') })));
    const nul = find(errors, 'NUL');
    expect(nul?.file).toBe('config/teams/web.yaml');
    expect(nul?.line).toBeGreaterThan(1);
  });
});
