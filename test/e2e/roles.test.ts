/**
 * Roles that mean something, over real HTTP against the running stack: roles and action items go only to
 * people in policy (400 naming the field, in the API and the console alike); the person assigned is told; a
 * commander handoff carries notes and only the incoming commander may accept it (403 for anyone else, audited).
 */
import { describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { apiClient, useTestStack } from '../support/stack';
import { runCli } from '../support/cli';
import { consoleClient } from '../web/console-client';

const file = useTestStack();

async function declare(title: string): Promise<string> {
  const answer = await file.api.post<IncidentView>('/api/v1/incidents', { title, severity: 'SEV3', service: 'checkout-api' });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

describe('roles and action-item owners are known people', () => {
  it('refuses unknown and hostile names with 400 naming the field, recording nothing', async () => {
    const id = await declare('Roles for known people');
    const cases: [string, Record<string, unknown>, string][] = [
      ['roles', { role: 'scribe', person: 'the-cto' }, 'person'],
      ['roles', { role: 'commander', person: '__proto__' }, 'person'],
      ['roles', { role: 'commander', person: 'a\u0000b' }, 'person'],
      ['roles', { role: 'commander', person: '\ud800' }, 'person'],
      ['roles', { role: 'commander', person: 'x'.repeat(100_000) }, 'person'],
      ['action-items', { title: 'Check it', owner: 'nobody-here' }, 'owner'],
      ['action-items', { title: 'Check it', owner: 'constructor' }, 'owner'],
      ['action-items', { title: 'Check it', owner: 'Carol' }, 'owner'],
    ];
    for (const [route, body, field] of cases) {
      const answer = await file.api.post(`/api/v1/incidents/${id}/${route}`, body);
      expect(answer.status, `${route} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
      expect(answer.body.error.field).toBe(field);
      expect(answer.body.error.message.length).toBeLessThan(600);
    }
    const unknown = await file.api.post(`/api/v1/incidents/${id}/roles`, { role: 'scribe', person: 'the-cto' });
    expect(unknown.body.error.message).toMatch(/not a person in policy.*alice.*config\/teams\//);

    const state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state.roles).toEqual({});
    expect(state.actionItems).toEqual([]);
    expect((await file.api.post(`/api/v1/incidents/${id}/roles`, { role: 'scribe', person: 'carol' })).status).toBe(200);
    expect((await file.api.post(`/api/v1/incidents/${id}/action-items`, { title: 'Check it', owner: 'carol' })).status).toBe(201);
  });

  it('the console shows the same refusal on the incident page, with the field', async () => {
    const id = await declare('Console roles for known people');
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'Fran');
    const role = await browser.post(`/console/incidents/${id}/roles`, { _csrf: csrf, role: 'scribe', person: 'the-cto' });
    expect(role.status).toBe(400);
    expect(role.html).toContain('is not a person in policy');
    const item = await browser.post(`/console/incidents/${id}/action-items`, { _csrf: csrf, title: 'Check it', owner: 'nobody-here' });
    expect(item.status).toBe(400);
    expect(item.html).toContain('&#34;owner&#34; &#34;nobody-here&#34; is not a person in policy');
  });
});

describe('commander handoffs over HTTP', () => {
  it('tells the incoming commander with the notes, and only they may accept (403 for others, personal tokens or a named by)', async () => {
    const id = await declare('Handoff over HTTP');
    const token = async (person: string) => apiClient(file.stack.url, (await file.api.post('/api/v1/tokens', { person, name: `${person} test` })).body.token);
    const [carol, dan] = [await token('carol'), await token('dan')];
    expect((await carol.post(`/api/v1/incidents/${id}/acknowledge`, {})).status).toBe(200);
    expect((await carol.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'carol' })).status).toBe(200);
    const handed = await carol.post<IncidentView>(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'dan', notes: 'Failover done; DNS TTL still 1h' });
    expect(handed.status).toBe(200);
    expect(handed.body.pendingHandoff).toMatchObject({ from: 'carol', to: 'dan', notes: 'Failover done; DNS TTL still 1h' });

    // Dan is told, by the handoff notice, with the notes.
    await vi.waitFor(
      () => {
        const notice = file.stack.inbox.received.find(
          (delivery) => (delivery.json as { kind: string; incident: { id: string } }).kind === 'handoff' && (delivery.json as { incident: { id: string } }).incident.id === id,
        );
        expect(notice?.path.split('/').pop()).toBe('dan');
        expect((notice!.json as { body: string }).body).toContain('Failover done; DNS TTL still 1h');
      },
      { timeout: 10_000, interval: 100 },
    );

    for (const attempt of [
      () => carol.post(`/api/v1/incidents/${id}/handoff/accept`, {}),
      () => file.api.post(`/api/v1/incidents/${id}/handoff/accept`, {}),
      () => file.api.post(`/api/v1/incidents/${id}/handoff/accept`, { by: 'carol' }),
    ]) {
      const answer = await attempt();
      expect(answer.status).toBe(403);
      expect(answer.body.error.message).toMatch(/only they can accept/);
    }
    expect((await carol.post(`/api/v1/incidents/${id}/handoff/accept`, { by: 'dan' })).status).toBe(403);
    const accepted = await dan.post<IncidentView>(`/api/v1/incidents/${id}/handoff/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body.pendingHandoff).toBeUndefined();
    expect(accepted.body.timeline.find((event) => event.type === 'handoff-accepted')).toMatchObject({ by: 'dan', from: 'carol' });
    expect((await dan.post(`/api/v1/incidents/${id}/handoff/accept`, {})).status).toBe(409);

    // The refusal is in the audit trail.
    await vi.waitFor(
      async () => {
        const entries = (await file.api.get<{ events: { actor: string; outcome: string; target: string }[] }>('/api/v1/audit?actor=carol&limit=50')).body.events;
        expect(entries.some((entry) => entry.outcome === 'denied' && entry.target.endsWith('/handoff/accept'))).toBe(true);
      },
      { timeout: 10_000, interval: 200 },
    );

    // Handoff notes are bounded text like every other: hostile values are a 400 naming the field.
    for (const notes of ['a\u0000b', '\ud800', 'x'.repeat(2001)]) {
      const answer = await carol.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'erin', notes });
      expect(answer.status).toBe(400);
      expect(answer.body.error.field).toBe('notes');
    }
  });
});

const marshal = (args: string[]) => runCli(file.stack, args);

describe('roles from the console and the CLI', () => {
  it('the console triages "no responder needed", de-escalates, hands over with notes, and accepts only as the incoming commander', async () => {
    const id = await declare('Console roles and triage');
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token, 'carol');
    const send = (action: string, form: Record<string, string> = {}) => browser.post(`/console/incidents/${id}/${action}`, { _csrf: csrf, ...form });

    // Unacknowledged: the triage form is offered, and stops paging.
    expect((await browser.get(`/console/incidents/${id}`)).html).toContain('No responder needed?');
    const triaged = await send('severity', { severity: 'SEV4', reason: 'Known flap of the synthetic check', responderNeeded: 'false' });
    expect(triaged.location).toContain('done=triaged');
    let state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state).toMatchObject({ severity: 'SEV4', responderNeeded: false });
    expect((await browser.get(`/console/incidents/${id}`)).html).not.toContain('No responder needed?');

    // Raised again and acknowledged: the de-escalation form offers only lower severities.
    expect((await file.api.post(`/api/v1/incidents/${id}/severity`, { severity: 'SEV2', reason: 'It is real after all' })).status).toBe(200);
    expect((await send('acknowledge')).status).toBe(303);
    const page = (await browser.get(`/console/incidents/${id}`)).html;
    const lower = /<select id="d-severity"[^>]*>([\s\S]*?)<\/select>/.exec(page)![1];
    expect([...lower.matchAll(/value="([^"]+)"/g)].map((match) => match[1])).toEqual(['SEV3', 'SEV4']);
    expect((await send('severity', { severity: 'SEV3', reason: 'Only one region' })).location).toContain('done=severity');

    // Carol is commander and hands over to dan with notes; carol (not dan) cannot accept: 403 on the page.
    expect((await send('roles', { role: 'commander', person: 'carol' })).status).toBe(303);
    expect((await send('roles', { role: 'commander', person: 'dan', notes: 'Watch the replica lag' })).status).toBe(303);
    state = (await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
    expect(state.pendingHandoff).toMatchObject({ from: 'carol', to: 'dan', notes: 'Watch the replica lag' });
    const refused = await send('handoff/accept');
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('only they can accept');
    expect(refused.html).toContain('Watch the replica lag');

    // Dan, signed in, sees Accept and accepts.
    const danBrowser = consoleClient(file.stack.url);
    const dan = await danBrowser.signIn(file.stack.token, 'dan');
    expect((await danBrowser.get(`/console/incidents/${id}`)).html).toContain('Accept handoff');
    const accepted = await danBrowser.post(`/console/incidents/${id}/handoff/accept`, { _csrf: dan.csrf });
    expect(accepted.location).toContain('done=handoff-accepted');
    expect((await file.api.get<IncidentView>(`/api/v1/incidents/${id}`)).body.pendingHandoff).toBeUndefined();
  });

  it('the CLI assigns with notes, accepts as the named person, and refuses an unknown person with exit 5', async () => {
    const id = await declare('CLI roles');
    expect(await marshal(['assign', id, 'commander', 'carol'])).toMatchObject({ code: 0, stderr: '' });
    expect(await marshal(['assign', id, 'commander', 'dan', '--notes', 'DNS change pending', '--by', 'carol'])).toMatchObject({ code: 0, stderr: '' });
    const shown = await marshal(['show', id]);
    expect(shown.stdout).toMatch(/handoff\s+to dan from carol, awaiting acceptance/);
    const wrong = await marshal(['accept', id]);
    expect(wrong.code).toBe(6);
    expect(wrong.stderr).toMatch(/only they can accept/);
    expect(await marshal(['accept', id, '--by', 'dan'])).toMatchObject({ code: 0, stderr: '' });
    const unknown = await marshal(['assign', id, 'scribe', 'the-cto']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toMatch(/^marshal: "person" "the-cto" is not a person in policy/);
    expect(unknown.stderr.split('\n')).toHaveLength(2);
  });
});
