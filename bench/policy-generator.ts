/**
 * A synthetic, valid policy directory of any size, for benchmarks and tests that need scale. Deterministic
 * for a given seed so benchmark runs compare like with like.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';

export interface GenerateOptions {
  teams: number;
  people: number;
  seed?: number;
}

const hubs = [
  { name: 'london', timezone: 'Europe/London', hours: { from: '07:00', to: '17:00' } },
  { name: 'denver', timezone: 'America/Denver', hours: { from: '08:00', to: '18:00' } },
  { name: 'sydney', timezone: 'Australia/Sydney', hours: { from: '08:00', to: '18:00' } },
];
const zones = ['Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Denver', 'America/Los_Angeles', 'Asia/Tokyo', 'Australia/Sydney', 'Asia/Kolkata'];

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: fast, deterministic, good enough to vary handoffs and timezones.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4_294_967_296;
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function team(index: number, count: number, people: string[], next: () => number): Record<string, unknown> {
  const id = `team-${pad(index, 4)}`;
  const zone = zones[Math.floor(next() * zones.length)];
  const members = people.map((person) => ({
    id: person,
    name: `Person ${person.slice(2)}`,
    timezone: zone,
    contacts: [{ kind: 'email', address: `${person}@example.com` }],
  }));
  const handoff = `${pad(8 + Math.floor(next() * 4), 2)}:00`;
  const followTheSun = people.length >= 10 && index % 3 === 0;
  // Rotations stay within the comfortable 3–6; anyone beyond that is a member without a rotation.
  const half = Math.min(6, Math.ceil(people.length / 2));
  const primaryLayers = followTheSun
    ? hubs.map((hub, position) => ({
        name: hub.name,
        timezone: hub.timezone,
        participants: people.slice(position * 3, position * 3 + 3),
        shift: 'weekly',
        handoff: '09:00',
        start: '2025-01-06',
        hours: hub.hours,
      }))
    : [{ name: 'main', timezone: zone, participants: people.slice(0, half), shift: index % 2 ? 'weekly' : 'daily', handoff, start: '2025-01-06' }];
  const secondaryPeople = followTheSun ? [people[0], people[3], people[6], people[9]] : people.slice(half, half + 6);
  return {
    id,
    name: `Team ${index}`,
    lead: people[0],
    codeowners: [`@synthetic/${id}`],
    members,
    rotations: {
      primary: { layers: primaryLayers },
      secondary: { layers: [{ name: 'backup', timezone: zone, participants: secondaryPeople, shift: 'weekly', handoff, start: '2025-01-06' }] },
    },
    escalation: {
      default: { levels: [{ targets: [{ kind: 'rotation', rotation: 'primary' }] }, { targets: [{ kind: 'rotation', rotation: 'secondary' }] }, { targets: [{ kind: 'team-lead' }] }] },
      bySeverity: {
        SEV1: {
          levels: [
            { targets: [{ kind: 'rotation', rotation: 'primary' }], delay: '5m' },
            { targets: [{ kind: 'rotation', rotation: 'secondary' }, { kind: 'team-lead' }] },
            { targets: [{ kind: 'team-lead', team: `team-${pad((index + 1) % count, 4)}` }] },
          ],
        },
      },
    },
    services: [`svc-${pad(index, 4)}-a`, `svc-${pad(index, 4)}-b`],
    concurrencyLimit: 1 + (index % 3),
    restRule: { enabled: true, severities: ['SEV1', 'SEV2'], night: { from: '00:00', to: '06:00' } },
    quietHours: { severities: ['SEV4'], from: '20:00', to: '08:00' },
  };
}

/** The files of a generated policy directory, by path relative to it. */
export function generatePolicyFiles(options: GenerateOptions): Record<string, string> {
  const perTeam = Math.floor(options.people / options.teams);
  if (perTeam < 4) throw new Error(`need at least 4 people per team; ${options.people} people for ${options.teams} teams is too few`);
  const next = random(options.seed ?? 42);
  const files: Record<string, string> = {
    'severities.yaml': readFileSync(join(__dirname, '..', 'config', 'severities.yaml'), 'utf8'),
  };
  const services: Record<string, { team: string; component: string }> = {};
  const remainder = options.people - perTeam * options.teams;
  let nextPerson = 0;
  for (let index = 0; index < options.teams; index++) {
    // Spread the remainder one each over the first teams so the total is exact and sizes stay even.
    const size = perTeam + (index < remainder ? 1 : 0);
    const people = Array.from({ length: size }, () => `p-${pad(nextPerson++, 6)}`);
    const spec = team(index, options.teams, people, next);
    files[`teams/${spec.id as string}.yaml`] = stringify(spec);
    for (const service of spec.services as string[]) services[service] = { team: spec.id as string, component: `Component ${index % 50}` };
  }
  files['services.yaml'] = stringify({ services, routing: { defaultTeam: 'team-0000', rules: [{ name: 'critical', match: { 'labels.severity': 'critical' }, severity: 'SEV2' }] } });
  return files;
}

export function generatePolicyDir(dir: string, options: GenerateOptions): { files: number } {
  const files = generatePolicyFiles(options);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { files: Object.keys(files).length };
}
