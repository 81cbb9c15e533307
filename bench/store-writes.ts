/**
 * What the embedded store (PGlite, in Marshal's own process) costs per declaration: the archive of a new
 * incident's first five events (declared, escalation started, step, page, delivery), folded into the
 * projection in the same transaction, and the page put in its recipient's inbox, as the paging activity and
 * the archive activity write them. Most pages go to few people (the on-call), so the inbox per person is
 * full (500 kept) for most of the run, as it is on a real team's store. CPU time of this process per
 * declaration, in steady state (after a warm-up of as many declarations).
 * Run: npx tsx bench/store-writes.ts [declarations=2000] [--name=store-writes]. Writes bench/results/<name>.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir } from '../policy/io/load';
import { openStore } from '../store';
import type { TimelineEvent } from '../workflows/incident-state';
import { describeMachine, flag, machine, positional, writeResult } from './support';

const declarations = Number(positional[0] ?? 2000);
const name = flag('name') ?? 'store-writes';
const PEOPLE = ['erin', 'bob'];

function firstEvents(index: number, at: string): TimelineEvent[] {
  const to = PEOPLE[index % PEOPLE.length];
  const base = { at, by: 'marshal' };
  return [
    { type: 'declared', policyVersion: 'sha256:bench', title: `bench ${index}`, severity: 'SEV3', team: 'payments', service: 'checkout-api', reporter: 'admin', seq: 1, ...base, by: 'admin' },
    { type: 'escalation-started', team: 'payments', severity: 'SEV3', reason: 'declared', seq: 2, ...base },
    { type: 'escalation-step', step: 0, level: 1, round: 0, targets: [to], unresolved: [], overflow: false, seq: 3, ...base },
    { type: 'notified', to, kind: 'page', headline: `Paged: SEV3 bench ${index}`, step: 0, seq: 4, ...base },
    { type: 'delivery', ref: 4, to, outcome: 'delivered', channel: 'inbox+webhook', target: '127.0.0.1:1', failures: [], seq: 5, ...base },
  ] as TimelineEvent[];
}

async function main() {
  const loaded = loadPolicyDir(join(__dirname, '..', 'config'));
  if (!loaded.ok) throw new Error('the shipped config must load');
  const { policy } = loaded;
  const dir = mkdtempSync(join(tmpdir(), 'marshal-bench-store-'));
  const store = await openStore({ dir: join(dir, 'store') }, () => policy);
  const declare = async (index: number) => {
    const id = `b${index.toString(36).padStart(9, '0')}`;
    const at = new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString();
    const to = PEOPLE[index % PEOPLE.length];
    await store.inbox.deliver({
      key: `${id}:4:${to}`,
      recipient: { personId: to },
      incidentId: id,
      kind: 'page',
      severity: 'SEV3',
      incidentTitle: `bench ${index}`,
      headline: `Paged: SEV3 bench ${index}`,
      body: 'Checkout errors above 2% for 5 minutes.',
      occurredAt: at,
    });
    await store.archive.append(id, firstEvents(index, at));
  };
  for (let index = 0; index < declarations; index += 1) await declare(index);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let index = declarations; index < 2 * declarations; index += 1) await declare(index);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    declarations,
    perDeclaration: { wallMs: Math.round((elapsed / declarations) * 100) / 100, cpuMs: Math.round(((cpu.user + cpu.system) / 1000 / declarations) * 100) / 100 },
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`\nstore writes per declaration (archive of 5 events with the projection, and one inbox page): ${result.perDeclaration.cpuMs} ms CPU, ${result.perDeclaration.wallMs} ms wall`);
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
