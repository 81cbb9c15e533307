/**
 * The whole lifecycle over real HTTP against the running stack on a real Temporal dev server:
 * declare → acknowledge → updates → severity → commander → resolve → action item → postmortem → closed.
 */
import { describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { searchAttributes } from '../../workflows/incident-contract';
import { useTestStack } from '../support/stack';

const file = useTestStack();

describe('incident lifecycle over HTTP', () => {
  it('runs from declaration to close, recording every step on the timeline and in visibility', async () => {
    const declared = await file.api.post<IncidentView>('/api/v1/incidents', { title: 'Checkout returns 500s', severity: 'SEV2', service: 'checkout-api', team: 'payments', reporter: 'dana' });
    expect(declared.status).toBe(201);
    const id = declared.body.id;
    expect(declared.body).toMatchObject({ title: 'Checkout returns 500s', severity: 'SEV2', phase: 'discover', status: 'open', team: 'payments' });

    expect((await file.api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'alice' })).body.phase).toBe('act');
    // A second acknowledgement is refused with the reason.
    const again = await file.api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'bob' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/already acknowledged by alice/);

    await file.api.post(`/api/v1/incidents/${id}/updates`, { status: 'investigating', message: 'Looking at the payment gateway', public: true, by: 'alice' });
    await file.api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Bad config push; rolling back', by: 'alice' });
    const raised = await file.api.post<IncidentView>(`/api/v1/incidents/${id}/severity`, { severity: 'SEV1', reason: 'All regions affected', by: 'alice' });
    expect(raised.body.severity).toBe('SEV1');
    const assigned = await file.api.post<IncidentView>(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'carol', by: 'alice' });
    expect(assigned.body.roles.commander).toBe('carol');

    // SEV1 requires a postmortem, so the postmortem cannot be published before resolution…
    expect((await file.api.post(`/api/v1/incidents/${id}/postmortem`, { markdown: '# too early' })).status).toBe(409);
    const resolved = await file.api.post<IncidentView>(`/api/v1/incidents/${id}/resolve`, { summary: 'Rolled back the config', by: 'carol' });
    expect(resolved.body).toMatchObject({ status: 'resolved', phase: 'reflect' });
    expect((await file.api.post(`/api/v1/incidents/${id}/resolve`, { summary: 'again' })).status).toBe(409);

    const item = await file.api.post(`/api/v1/incidents/${id}/action-items`, { title: 'Validate config before push', owner: 'dan', dueAt: '2026-12-31T17:00:00Z' });
    expect(item.status).toBe(201);
    expect(item.body.id).toBe('AI-1');

    const draft = await file.api.get(`/api/v1/incidents/${id}/postmortem`);
    expect(draft.body.draft).toContain('Severity SEV2 → SEV1: All regions affected');
    expect(draft.body.draft).toContain('Validate config before push');
    const published = await file.api.post<IncidentView>(`/api/v1/incidents/${id}/postmortem`, { markdown: draft.body.draft, by: 'carol' });
    // …and the open action item still holds the incident open after publication.
    expect(published.body.status).toBe('resolved');

    expect((await file.api.post(`/api/v1/incidents/${id}/action-items/AI-1/complete`, { by: 'dana' })).status).toBe(200);

    const closed = await vi.waitFor(
      async () => {
        const current = await file.api.get<IncidentView>(`/api/v1/incidents/${id}`);
        expect(current.body.status).toBe('closed');
        return current.body;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(closed.phase).toBe('closed');
    expect(closed.closedAt).toBeDefined();
    const types = closed.timeline.map((event) => event.type);
    expect(types).toEqual(
      expect.arrayContaining([
        'declared',
        'acknowledged',
        'status-updated',
        'severity-changed',
        'role-assigned',
        'resolved',
        'action-item-added',
        'postmortem-published',
        'action-item-completed',
        'closed',
      ]),
    );
    expect(closed.timeline.filter((event) => event.type === 'phase-changed').map((event) => (event.type === 'phase-changed' ? event.to : ''))).toEqual(['act', 'reflect', 'closed']);
    expect(closed.statusUpdates.map((update) => update.status)).toEqual(['investigating', 'identified']);

    // After close, commands are refused as conflicts, not lost.
    const late = await file.api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'late' });
    expect(late.status).toBe(409);

    // Visibility (what the Temporal UI and the list show) follows the state.
    const description = await file.stack.client.workflow.getHandle(`incident-${id}`).describe();
    expect(description.typedSearchAttributes.get(searchAttributes.status)).toBe('closed');
    expect(description.typedSearchAttributes.get(searchAttributes.severity)).toBe('SEV1');
    await vi.waitFor(
      async () => {
        const list = await file.api.get(`/api/v1/incidents?status=closed&team=payments&severity=SEV1`);
        expect(list.body.incidents.map((incident: { id: string }) => incident.id)).toContain(id);
      },
      { timeout: 10_000, interval: 200 },
    );
  });

  it('closes a low severity incident on resolve when nothing else is owed', async () => {
    const { body } = await file.api.post<IncidentView>('/api/v1/incidents', { title: 'Typo on the pricing page', severity: 'SEV4' });
    await file.api.post(`/api/v1/incidents/${body.id}/resolve`, { summary: 'Fixed the typo' });
    await vi.waitFor(
      async () => {
        expect((await file.api.get(`/api/v1/incidents/${body.id}`)).body.status).toBe('closed');
      },
      { timeout: 10_000, interval: 100 },
    );
  });

  it('returns the same incident for a repeated Idempotency-Key', async () => {
    const key = `key-${Date.now()}`;
    const first = await file.api.post('/api/v1/incidents', { title: 'Login slow', severity: 'SEV3' }, { 'Idempotency-Key': key });
    const second = await file.api.post('/api/v1/incidents', { title: 'Login slow', severity: 'SEV3' }, { 'Idempotency-Key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
    const other = await file.api.post('/api/v1/incidents', { title: 'Login slow', severity: 'SEV3' }, { 'Idempotency-Key': `${key}-other` });
    expect(other.body.id).not.toBe(first.body.id);
  });

  it('lists open incidents with filters from Temporal visibility', async () => {
    const a = await file.api.post('/api/v1/incidents', { title: 'Queue backlog', severity: 'SEV3', team: 'web' });
    const b = await file.api.post('/api/v1/incidents', { title: 'Disk filling', severity: 'SEV2', team: 'web' });
    const ids = (answer: { body: { incidents: { id: string }[] } }) => answer.body.incidents.map((incident) => incident.id);
    await vi.waitFor(
      async () => {
        expect(ids(await file.api.get('/api/v1/incidents?team=web'))).toEqual(expect.arrayContaining([a.body.id, b.body.id]));
        const sev2 = await file.api.get('/api/v1/incidents?team=web&severity=SEV2');
        expect(ids(sev2)).toContain(b.body.id);
        expect(ids(sev2)).not.toContain(a.body.id);
        expect(sev2.body.incidents.find((incident: { id: string }) => incident.id === b.body.id)).toMatchObject({ title: 'Disk filling', phase: 'discover', status: 'open', team: 'web' });
        expect(ids(await file.api.get('/api/v1/incidents?team=platform'))).not.toContain(a.body.id);
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
