/**
 * Policy benchmark: a generated 1,000-team, 10,000-person config. Measures `policy check` (load + schema +
 * semantic validation + 14-day coverage scan), `policy diff`, and on-call lookups per second.
 * Run: npx tsx bench/policy.ts [teams] [people]. Prints figures and the machine; writes bench/results/policy.json.
 */
import { tmpdir } from 'node:os';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { policyDiff } from '../policy/diff';
import { escalationPlan } from '../policy/escalation';
import { generatePolicyDir, generatePolicyFiles } from './policy-generator';
import { loadPolicyDir } from '../policy/io/load';
import { onCallAt } from '../policy/oncall';
import type { Policy } from '../policy/types';
import { describeMachine, machine, writeResult } from './support';

const teams = Number(process.argv[2] ?? 1000);
const people = Number(process.argv[3] ?? 10_000);
const from = new Date('2025-03-24T00:00:00Z');

function time<T>(fn: () => T): { ms: number; value: T } {
  const start = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function load(dir: string): Policy {
  const result = loadPolicyDir(dir, { now: from });
  if (!result.ok) throw new Error(`generated policy is invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result.policy;
}

/** Per-second rate of `fn` over about `budgetMs`. */
function rate(fn: (i: number) => void, budgetMs = 3000): { perSecond: number; calls: number } {
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) for (let n = 0; n < 100; n++) fn(calls++);
  return { perSecond: Math.round(calls / ((performance.now() - start) / 1000)), calls };
}

const root = mkdtempSync(join(tmpdir(), 'marshal-bench-'));
try {
  const baseDir = join(root, 'base');
  const headDir = join(root, 'head');
  const generated = time(() => generatePolicyDir(baseDir, { teams, people }));
  // The head changes one team in ten (a reshuffled rotation and a later handoff) and the SEV1 timeout.
  const files = generatePolicyFiles({ teams, people });
  for (const [path, text] of Object.entries(files)) {
    let out = text;
    const index = /team-(\d+)\.yaml$/.exec(path);
    if (index && Number(index[1]) % 10 === 0) {
      const spec = parse(text);
      spec.rotations.primary.layers[0].participants.reverse();
      spec.rotations.secondary.layers[0].handoff = '13:00';
      out = stringify(spec);
    }
    if (path === 'severities.yaml') out = text.replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: 10m');
    mkdirSync(join(headDir, path, '..'), { recursive: true });
    writeFileSync(join(headDir, path), out);
  }

  const checks = [0, 1, 2].map(() => time(() => load(baseDir)));
  const base = checks[0].value;
  const head = load(headDir);
  const diffs = [0, 1, 2].map(() => time(() => policyDiff(base, head, { from, days: 14 })));
  const teamIds = Object.keys(base.teams);
  const instant = (i: number) => new Date(from.getTime() + ((i * 7_919_993) % (14 * 86_400_000)));
  const lookups = rate((i) => onCallAt(base, teamIds[(i * 7919) % teamIds.length], instant(i)));
  const plans = rate((i) => escalationPlan(base, teamIds[(i * 7919) % teamIds.length], 'SEV1', instant(i)), 2000);

  const results = {
    date: new Date().toISOString(),
    config: { teams, people, files: generated.value.files, generateMs: Math.round(generated.ms) },
    checkMs: { median: Math.round(median(checks.map((c) => c.ms))), runs: checks.map((c) => Math.round(c.ms)) },
    diffMs: { median: Math.round(median(diffs.map((d) => d.ms))), runs: diffs.map((d) => Math.round(d.ms)), changedTeams: Math.ceil(teams / 10), markdownChars: diffs[0].value.length },
    onCallLookupsPerSecond: lookups.perSecond,
    escalationPlansPerSecond: plans.perSecond,
    machine: machine(),
  };
  console.log(`policy benchmark: ${teams} teams, ${people} people (${results.config.files} files)`);
  console.log(`  check (load + validate + 14-day coverage): ${results.checkMs.median} ms median of ${results.checkMs.runs.join(', ')}`);
  console.log(`  diff (${results.diffMs.changedTeams} teams changed + SEV1 timeout, 14 days): ${results.diffMs.median} ms median of ${results.diffMs.runs.join(', ')}`);
  console.log(`  on-call lookups: ${results.onCallLookupsPerSecond.toLocaleString('en')} /s`);
  console.log(`  SEV1 escalation plans: ${results.escalationPlansPerSecond.toLocaleString('en')} /s`);
  console.log(`  machine: ${describeMachine(results.machine)}`);
  writeResult('policy', results);
} finally {
  rmSync(root, { recursive: true, force: true });
}
