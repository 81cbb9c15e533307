/**
 * What the embedded store (PGlite, in Marshal's own process) costs per declaration: the archive of a new
 * incident's first five events (declared, escalation started, step, page, delivery), folded into the
 * projection in the same transaction, and the page put in its recipient's inbox, as the paging activity and
 * the archive activity write them. Most pages go to few people (the on-call), so the inbox per person is
 * full (500 kept) for most of the run, as it is on a real team's store. CPU time of this process per
 * declaration, in steady state (after a warm-up of as many declarations). In the same run and store, the
 * floor: the same rows written bare (one INSERT … ON CONFLICT DO NOTHING of the five events, one of the inbox
 * row), and the ratio of the two.
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
  const page = (kind: string, index: number) => {
    const id = `${kind}${index.toString(36).padStart(9, '0')}`;
    const at = new Date(Date.UTC(2026, 10, 1) + index * 60_000).toISOString();
    const to = PEOPLE[index % PEOPLE.length];
    return { id, at, to, events: firstEvents(index, at), key: `${id}:4:${to}` };
  };
  const declare = async (index: number) => {
    const { id, at, to, events, key } = page('b', index);
    await store.inbox.deliver({
      key,
      recipient: { personId: to },
      incidentId: id,
      kind: 'page',
      severity: 'SEV3',
      incidentTitle: `bench ${index}`,
      headline: `Paged: SEV3 bench ${index}`,
      body: 'Checkout errors above 2% for 5 minutes.',
      occurredAt: at,
    });
    await store.archive.append(id, events);
  };
  const bare = async (index: number) => {
    const { id, at, to, events, key } = page('f', index);
    await store.database.query(
      `INSERT INTO inbox (key, person_id, incident_id, kind, severity, incident_title, headline, body, occurred_at)
       VALUES ($1, $2, $3, 'page', 'SEV3', $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING`,
      [key, to, id, `bench ${index}`, `Paged: SEV3 bench ${index}`, 'Checkout errors above 2% for 5 minutes.', at],
    );
    await store.database.query(
      `INSERT INTO timeline_events (incident_id, seq, at, type, actor, event)
       SELECT $1, (e->>'seq')::int, (e->>'at')::timestamptz, e->>'type', e->>'by', e FROM jsonb_array_elements($2::jsonb) AS e
       ON CONFLICT (incident_id, seq) DO NOTHING`,
      [id, JSON.stringify(events)],
    );
  };
  /** CPU and wall milliseconds per call of `write`, after a warm-up of as many calls. */
  const measure = async (write: (index: number) => Promise<void>) => {
    for (let index = 0; index < declarations; index += 1) await write(index);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    for (let index = declarations; index < 2 * declarations; index += 1) await write(index);
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { cpuMs: Math.round(((cpu.user + cpu.system) / 1000 / declarations) * 100) / 100, wallMs: Math.round((wall / declarations) * 100) / 100 };
  };
  const perDeclaration = await measure(declare);
  const floor = await measure(bare);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
  const result = { date: new Date().toISOString(), machine: machine(), declarations, perDeclaration, floor, ratio: Math.round((perDeclaration.cpuMs / floor.cpuMs) * 10) / 10 };
  console.log(JSON.stringify(result, null, 2));
  console.log(
    `\nstore writes per declaration (archive of 5 events with the projection, and one inbox page): ${perDeclaration.cpuMs} ms CPU, ${perDeclaration.wallMs} ms wall; ` +
      `floor (the same rows, bare inserts) ${floor.cpuMs} ms CPU; ratio ${result.ratio}×`,
  );
  console.log(`machine: ${describeMachine(result.machine)}`);
  writeResult(name, result);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
