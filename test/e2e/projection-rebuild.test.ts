/**
 * The store is a copy: rebuilt from Temporal alone, it equals the live one. Incidents driven over the API
 * on a real Temporal dev server; then an empty store is filled from Temporal's histories and states and
 * compared row by row with the store the live archive filled; and a stack started on a deleted store
 * rebuilds it by itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { timelinesFromTemporal } from '../../engine/timeline-history';
import { openStore, type Store } from '../../store';
import { apiClient, startTestStack, useTestStack } from '../support/stack';

const file = useTestStack();

const TABLES: Record<string, string> = {
  timeline_events: 'SELECT incident_id, seq, type, actor, event FROM timeline_events ORDER BY incident_id, seq',
  incidents: `SELECT incident_id, title, team, severity, highest_severity, upgrades, downgrades, declared_by, acknowledged_by, acknowledged_at, resolved_at, phase, alert_events, highest_escalation_level FROM incidents ORDER BY incident_id`,
  pages: 'SELECT * FROM pages ORDER BY incident_id, seq',
  action_items: 'SELECT * FROM action_items ORDER BY incident_id, item_id',
  search: `SELECT incident_id, search::text FROM incident_search ORDER BY incident_id`,
};

async function snapshot(store: Store): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const [name, sql] of Object.entries(TABLES)) out[name] = JSON.parse(JSON.stringify(await store.database.query(sql)));
  return out;
}

async function drive(api: ReturnType<typeof apiClient>, run: string): Promise<string[]> {
  const ids: string[] = [];
  for (const severity of ['SEV2', 'SEV3']) ids.push((await api.post('/api/v1/incidents', { title: `Rebuild ${run} ${severity}`, severity, team: 'platform', reporter: 'dana' })).body.id);
  await api.post(`/api/v1/incidents/${ids[0]}/acknowledge`, { by: 'alice' });
  for (let n = 0; n < 30; n += 1) await api.post(`/api/v1/incidents/${ids[0]}/updates`, { status: 'investigating', message: `Rebuild note ${n} for ${run}`, public: n % 2 === 0, by: 'alice' });
  await api.post(`/api/v1/incidents/${ids[0]}/severity`, { severity: 'SEV1', reason: 'wider', by: 'alice' });
  await api.post(`/api/v1/incidents/${ids[0]}/resolve`, { summary: 'Rolled back', by: 'alice' });
  await api.post(`/api/v1/incidents/${ids[0]}/action-items`, { title: 'Guard the rollout', owner: 'carol', dueAt: '2030-01-01T00:00:00Z' });
  return ids;
}

/** Wait until the live archive holds every event each incident's timeline has. */
async function projected(api: ReturnType<typeof apiClient>, store: Store, ids: string[]): Promise<void> {
  await vi.waitFor(
    async () => {
      for (const id of ids) {
        const total = (await api.get(`/api/v1/incidents/${id}/timeline?limit=1`)).body.total as number;
        const [{ through }] = await store.database.query<{ through: number }>('SELECT coalesce(max(through_seq), 0)::int AS through FROM projection_progress WHERE incident_id = $1', [id]);
        if (through < total) throw new Error(`${id}: projected ${through} of ${total}`);
      }
    },
    { timeout: 30_000, interval: 250 },
  );
}

describe('the projection rebuilt from Temporal', () => {
  it('equals the live store, row by row', async () => {
    const ids = await drive(file.api, Date.now().toString(36));
    const live = file.stack.store!;
    await projected(file.api, live, ids);
    const rebuilt = await openStore({}, () => file.stack.policies.current);
    try {
      const report = await rebuilt.rebuild(timelinesFromTemporal(file.stack.client, file.stack.taskQueue));
      expect(report.incidents).toBe(ids.length);
      expect(report.eventsFolded).toBe(report.eventsStored);
      expect(await snapshot(rebuilt)).toEqual(await snapshot(live));
      // Over the API too: the live store rebuilt in place answers the same.
      const before = await snapshot(live);
      const answer = await file.api.post('/api/v1/projection/rebuild', {});
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ incidents: ids.length, eventsStored: 0 });
      expect(await snapshot(live)).toEqual(before);
    } finally {
      await rebuilt.close();
    }
  });

  it('fills a deleted embedded store again at start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marshal-rebuild-'));
    const first = await startTestStack({ dataDir });
    const api = apiClient(first.url, first.token);
    const ids = await drive(api, `deleted-${Date.now().toString(36)}`);
    await projected(api, first.store!, ids);
    const expected = await snapshot(first.store!);
    const taskQueue = first.taskQueue;
    await first.stop();
    rmSync(join(dataDir, 'store'), { recursive: true, force: true });

    const second = await startTestStack({ dataDir, taskQueue });
    try {
      await vi.waitFor(
        async () => {
          const count = (await second.store!.database.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents'))[0].n;
          if (count < ids.length) throw new Error(`rebuilt ${count} of ${ids.length}`);
        },
        { timeout: 60_000, interval: 500 },
      );
      await projected(apiClient(second.url, second.token), second.store!, ids);
      expect(await snapshot(second.store!)).toEqual(expected);
    } finally {
      await second.stop();
    }
  });
});
