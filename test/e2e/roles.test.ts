/**
 * Roles that mean something, over real HTTP against the running stack: roles and action items go only to
 * people in policy (400 naming the field, in the API and the console alike).
 */
import { describe, expect, it } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { useTestStack } from '../support/stack';
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
