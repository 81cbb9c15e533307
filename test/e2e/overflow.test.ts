/**
 * The overflow rule on the real dev server: a primary already responding to the team's limit of open
 * incidents (payments: 2) is not paged first for the next one; the secondary is, and the page says
 * overflow. The count comes from Temporal visibility (engine/responder-load.ts).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openIncidentsHeldBy } from '../../engine/responder-load';
import type { IncidentView } from '../../workflows/incident-view';
import { apiClient, firstPaged, startTestStack, type TestStack } from '../support/stack';

let stack: TestStack;
const api = () => apiClient(stack.url, stack.token);
const declare = async (title: string) => {
  const { status, body } = await api().post<IncidentView>('/api/v1/incidents', { title, severity: 'SEV3', service: 'checkout-api' });
  expect(status).toBe(201);
  return body;
};

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

describe('the overflow rule', () => {
  it('pages the primary until they hold the limit, then the secondary', async () => {
    const first = await declare('Overflow one');
    const primary = await firstPaged(api(), first.id);
    const second = await declare('Overflow two');
    expect(await firstPaged(api(), second.id)).toBe(primary);

    // Visibility follows the workflows by a moment: wait until both are listed as the primary's.
    await vi.waitFor(async () => expect(await openIncidentsHeldBy(stack.client, stack.taskQueue, primary, 'none')).toBe(2), { timeout: 15_000, interval: 100 });
    expect(await openIncidentsHeldBy(stack.client, stack.taskQueue, primary, second.id)).toBe(1);
    expect(await openIncidentsHeldBy(stack.client, stack.taskQueue, "nobody' OR 'x'='x", 'none')).toBe(0);

    const third = await declare('Overflow three');
    const overflowedTo = await firstPaged(api(), third.id);
    expect(overflowedTo).not.toBe(primary);
    const view = (await api().get<IncidentView>(`/api/v1/incidents/${third.id}`)).body;
    expect(view.pages[0]).toMatchObject({ kind: 'overflow', to: overflowedTo });
  });
});
