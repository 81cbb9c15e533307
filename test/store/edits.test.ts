/**
 * Edits in the projection (embedded store, no Temporal): the row takes the new title and summary, search finds
 * the new words (and still the old), and time to resolve counts from the impact start once someone set it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import { openStore, type Store } from '../../store';
import { decide, declare, record, type Command, type IncidentState } from '../../workflows/incident-state';

const loaded = loadPolicyDir('config');
if (!loaded.ok) throw new Error('the shipped config must load');
const policy = loaded.policy;
const window = { from: '2026-10-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', severityOrder: policy.severities.map((s) => s.name), now: '2026-11-30T00:00:00.000Z' };

function run(state: IncidentState, command: Command, at: string): IncidentState {
  const decision = decide(state, command);
  if (!decision.ok) throw new Error(decision.refusal.reason);
  return record(state, decision.events, at, command.by);
}

describe('edits in the projection', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({}, () => policy);
    const incidentPolicy = { version: 'v1', severities: policy.severities };
    // Declared at 10:00, resolved at 11:00; the second one's impact began at 09:00 (an edit), so it lasted 2 h.
    for (const [id, impact] of [
      ['plain', undefined],
      ['edited', '2026-10-05T09:00:00Z'],
    ] as const) {
      let state = declare({ id, title: `Quokkaqueue backlog ${id}`, severity: 'SEV3', team: 'payments', reporter: 'dan' }, incidentPolicy, '2026-10-05T10:00:00.000Z');
      state = run(state, { type: 'acknowledge', by: 'alice' }, '2026-10-05T10:01:00.000Z');
      if (impact) state = run(state, { type: 'edit-details', by: 'alice', title: 'Wallabywire outage edited', summary: 'Numbatnote summary', impactStartedAt: impact }, '2026-10-05T10:30:00.000Z');
      state = run(state, { type: 'resolve', by: 'alice', summary: 'fixed' }, '2026-10-05T11:00:00.000Z');
      await store.archive.append(id, state.timeline);
    }
  }, 60_000);
  afterAll(async () => {
    await store?.close();
  });

  it('searches the new title and summary, still finds the old title, and lists the row under its new title', async () => {
    expect((await store.insight.search('Wallabywire', 10)).map((found) => [found.id, found.title])).toEqual([['edited', 'Wallabywire outage edited']]);
    expect((await store.insight.search('Numbatnote', 10)).map((found) => found.id)).toEqual(['edited']);
    expect((await store.insight.search('Quokkaqueue', 10)).map((found) => found.id).sort()).toEqual(['edited', 'plain']);
  });

  it('counts time to resolve from the impact start where one was set, acknowledgement still from declaration', async () => {
    const report = await store.insight.report('response', window);
    const table = Object.values(report)[0];
    const row = Object.fromEntries(table.columns.map((column, index) => [column, table.rows[0][index]]));
    expect(row).toMatchObject({ severity: 'SEV3', team: 'payments', incidents: 2, ack_p50_s: 60 });
    // 3600 s (plain) and 7200 s (edited): the median is 5400.
    expect(row.resolve_p50_s).toBe(5400);
  });
});
