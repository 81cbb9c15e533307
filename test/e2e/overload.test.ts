/**
 * Overload sheds load instead of timing out: with room for one engine write at a time and no waiting, a
 * burst of declarations gets 201 or a fast 503 `overloaded` with Retry-After — never a 500, never a hold
 * until the engine's deadline — and every 201 is a real incident while no 503 left one behind.
 */
import { describe, expect, it, vi } from 'vitest';
import { useTestStack } from '../support/stack';

const file = useTestStack({ admission: { limit: 1, maxWaitMs: 1 } });

describe('admission control', () => {
  it('answers a burst with 201 or 503 overloaded, and loses nothing', async () => {
    const run = `burst-${Date.now().toString(36)}`;
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => file.api.post('/api/v1/incidents', { title: `${run} ${n}`, severity: 'SEV4', team: 'web' })));
    const statuses = answers.map((answer) => answer.status);
    expect(
      statuses.every((status) => status === 201 || status === 503),
      statuses.join(','),
    ).toBe(true);
    const created = answers.filter((answer) => answer.status === 201);
    const shed = answers.filter((answer) => answer.status === 503);
    expect(created.length).toBeGreaterThan(0);
    expect(shed.length).toBeGreaterThan(0);
    for (const answer of shed) {
      expect(answer.body.error.code).toBe('overloaded');
      expect(answer.headers.get('retry-after')).toBe('1');
    }
    for (const answer of created) expect((await file.api.get(`/api/v1/incidents/${answer.body.id}`)).status).toBe(200);
    // Visibility lists exactly the declarations that were admitted: a shed one never reached the engine.
    await vi.waitFor(
      async () => {
        const listed = (await file.api.get('/api/v1/incidents?team=web&limit=1000')).body.incidents.filter((incident: { title: string }) => incident.title.startsWith(run));
        expect(listed.map((incident: { id: string }) => incident.id).sort()).toEqual(created.map((answer) => answer.body.id).sort());
      },
      { timeout: 15_000, interval: 300 },
    );
    // Once the burst is over, the next declaration goes through.
    expect((await file.api.post('/api/v1/incidents', { title: `${run} after`, severity: 'SEV4', team: 'web' })).status).toBe(201);
  });
});
