/** Small policies built in code, and temporary copies of config/ to break on purpose. */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir } from '../../policy/io/load';
import type { Policy, RotationLayer, TeamPolicy } from '../../policy/types';

export const configDir = join(__dirname, '..', '..', 'config');

export function examplePolicy(now = new Date('2025-03-24T00:00:00Z')): Policy {
  const result = loadPolicyDir(configDir, { now });
  if (!result.ok) throw new Error(`example config is invalid: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

/** A copy of config/ in a temp dir, with `edits` applied to files (path relative to config/ → new text or edit). */
export function configCopy(edits: Record<string, string | ((text: string) => string)> = {}): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'marshal-policy-')), 'config');
  cpSync(configDir, dir, { recursive: true });
  for (const [path, edit] of Object.entries(edits)) {
    const full = join(dir, path);
    writeFileSync(full, typeof edit === 'string' ? edit : edit(readFileSync(full, 'utf8')));
  }
  return dir;
}

export function layer(fields: Partial<RotationLayer> & Pick<RotationLayer, 'participants'>): RotationLayer {
  return { name: 'main', timezone: 'UTC', shift: 'daily', handoff: '09:00', start: '2025-01-06', ...fields };
}

/** One team, with everyone mentioned in its rotations as a member in UTC unless said otherwise. */
export function teamPolicy(id: string, primary: RotationLayer[], secondary?: RotationLayer[], extra: Partial<TeamPolicy> = {}): TeamPolicy {
  const people = new Set([...primary, ...(secondary ?? [])].flatMap((l) => l.participants));
  return {
    id,
    name: id,
    lead: [...people][0],
    codeowners: [],
    members: [...people].map((person) => ({ id: person, name: person.toUpperCase(), timezone: 'UTC', contacts: [{ kind: 'email', address: `${person}@example.com` }] })),
    rotations: { primary: { layers: primary }, ...(secondary ? { secondary: { layers: secondary } } : {}) },
    escalation: { default: { levels: [{ targets: [{ kind: 'rotation', rotation: 'primary' }] }, { targets: [{ kind: 'team-lead' }] }] } },
    services: [],
    concurrencyLimit: 1,
    restRule: { enabled: false, severities: ['SEV1', 'SEV2'], night: { from: '00:00', to: '06:00' } },
    ...extra,
  };
}

export function policyOf(teams: TeamPolicy[], base: Policy = examplePolicy()): Policy {
  const policy: Policy = { ...base, version: 'test', teams: {}, people: {}, services: {}, routing: { rules: [] } };
  for (const team of teams) {
    policy.teams[team.id] = team;
    for (const member of team.members) policy.people[member.id] = { ...member, team: team.id };
  }
  return policy;
}

export const utc = (iso: string) => new Date(iso);
