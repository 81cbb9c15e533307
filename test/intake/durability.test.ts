/**
 * Durability of intake: with Temporal stopped, intake answers 503 (so Alertmanager retries) and records
 * nothing; once Temporal is back on the same data, the sender's retries land exactly once.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { freePort, startDevServer, type DevServer } from '../../server/runtime/dev-server';
import { apiClient, startTestStack } from '../support/stack';
import { eventually, fixture, policyDirWith, runId, settledGroup } from './support';

process.env.TEST_DURABLE_AM_TOKEN = 'durable-token';
let server: DevServer | undefined;
let stack: Stack | undefined;

afterAll(async () => {
  await stack?.stop();
  await server?.stop();
});

describe('intake when Temporal is down', () => {
  it('answers 503 with Retry-After, and the retried alerts land exactly once when Temporal is back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marshal-intake-down-'));
    const port = await freePort();
    server = await startDevServer({ dataDir, port, headless: true });
    const policyDir = policyDirWith('  alertmanager: { tokenEnv: TEST_DURABLE_AM_TOKEN }\n');
    stack = await startTestStack({ temporal: { address: server.address, namespace: 'default' }, policy: { kind: 'directory', dir: policyDir } });
    const sender = apiClient(stack.url, 'durable-token');
    const api = apiClient(stack.url, stack.token);
    const RUN = runId();
    const firing = fixture('alertmanager-firing-group', { RUN });

    await server.stop();
    const downAt = Date.now();
    const refused = await sender.post('/api/v1/webhooks/alertmanager', firing);
    console.log(`intake answered ${refused.status} ${Date.now() - downAt} ms after the engine stopped`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.body.error.code).toBe('engine_unavailable');
    // Alertmanager retries: still down, still 503.
    expect((await sender.post('/api/v1/webhooks/alertmanager', firing)).status).toBe(503);

    server = await startDevServer({ dataDir, port, headless: true });
    // The sender keeps retrying until it hears 2xx, as Alertmanager does.
    const accepted = await eventually(
      async () => {
        const answer = await sender.post('/api/v1/webhooks/alertmanager', firing);
        return answer.status === 202 ? answer : undefined;
      },
      'intake to accept again',
      60_000,
    );
    const view = await settledGroup(stack.client, accepted.body.groups[0], 3);
    expect(view.counts).toMatchObject({ deliveries: 3, incidentsOpened: 1 });
    const incident = await eventually(
      async () => {
        const { body } = await api.get(`/api/v1/incidents/${view.incident!.id}`);
        return body.alerts?.length === 3 ? body : undefined;
      },
      'the incident with its alerts',
      30_000,
    );
    expect(incident.alerts.map((alert: any) => alert.deliveries)).toEqual([1, 1, 1]);
    expect(incident.timeline.filter((event: any) => event.type === 'alert')).toHaveLength(3);
  });
});
