/**
 * kill -9 the embedded Temporal server with 100 open incidents waiting on their acknowledgement timers;
 * restart it on the same SQLite file and port: all 100 are there (a query each), and every timer fires
 * (each incident's escalation reaches its second level), with every page delivered once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'vitest';
import { startDevServer, type DevServer } from '../../server/runtime/dev-server';
import type { IncidentView } from '../../workflows/incident-view';
import { startWebhookReceiver } from '../channels/receivers';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import { acceptedKeys, faultPolicyDir, sameList, sleep, timelineNotifications, until, verdict } from './support';

const INCIDENTS = 100;
const ACK_TIMEOUT_SECONDS = 30;

it(`restarts a SIGKILLed Temporal server with ${INCIDENTS} incidents mid-timer: all there, every timer fires`, async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-fault-server-'));
  const hooks = await startWebhookReceiver();
  const policyDir = faultPolicyDir(hooks.url, `${ACK_TIMEOUT_SECONDS}s`);
  let server: DevServer | undefined = await startDevServer({ dataDir, headless: true });
  const port = Number(server.address.split(':').at(-1));
  let stack: TestStack | undefined;
  try {
    stack = await startTestStack({ policy: { kind: 'directory', dir: policyDir }, temporal: { address: server.address, namespace: 'default' }, taskQueue: `marshal-fault-server-${process.pid}` });
    const client = apiClient(stack.url, stack.token);
    const services = ['api-gateway', 'postgres-primary', 'checkout-api', 'payments-ledger', 'web-frontend', 'kubernetes'];
    const ids: string[] = [];
    const declaredAt = Date.now();
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (ids.length < INCIDENTS) {
          const index = ids.length;
          ids.push('');
          const answer = await client.post<IncidentView>('/api/v1/incidents', { title: `Server fault ${index}`, severity: 'SEV2', service: services[index % services.length] });
          if (answer.status !== 201) throw new Error(`declare answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          ids[index] = answer.body.id;
        }
      }),
    );
    // Every incident has paged its first level and now waits on its acknowledgement timer.
    await until(
      'a first escalation step for every incident',
      async () => {
        const states = await Promise.all(ids.map(async (id) => (await client.get<IncidentView>(`/api/v1/incidents/${id}`)).body));
        return states.every((state) => state.timeline.some((event) => event.type === 'escalation-step'));
      },
      60_000,
      500,
    );
    const killedAfterMs = Date.now() - declaredAt;

    process.kill(server.pid!, 'SIGKILL');
    const downAt = Date.now();
    await until(
      'the server process to be gone',
      () => {
        try {
          process.kill(server!.pid!, 0);
          return false;
        } catch {
          return true;
        }
      },
      10_000,
      50,
    );
    await sleep(1000);
    server = await startDevServer({ dataDir, headless: true, port });
    const downMs = Date.now() - downAt;

    // All there: a query answers for each (the worker reconnects by itself).
    const found = await until(
      'a query answer from all incidents',
      async () => {
        const answers = await Promise.all(ids.map((id) => client.get<IncidentView>(`/api/v1/incidents/${id}`)));
        return answers.every((answer) => answer.status === 200) ? answers.length : undefined;
      },
      60_000,
      500,
    );
    // Every timer fires: a second escalation step on each incident.
    const states = await until(
      'a second escalation step on every incident',
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await client.get<IncidentView>(`/api/v1/incidents/${id}`)).body));
        const fired = all.every((state) => state.timeline.filter((event) => event.type === 'escalation-step').length >= 2 && state.pages.every((page) => page.outcome !== 'sending'));
        return fired ? all : undefined;
      },
      (ACK_TIMEOUT_SECONDS + 90) * 1000,
      1000,
    );
    const allFiredAfterRestartMs = Date.now() - downAt - downMs;
    for (const id of ids) await client.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'judy' });

    const { keys, undelivered } = timelineNotifications(states);
    const accepted = acceptedKeys(hooks.requests, new Set(ids));
    // The second level may already have paged again by now (a third step); compare what the timelines held.
    const acceptedOfTimeline = accepted.filter((key) => keys.includes(key));
    verdict(
      'Temporal server kill -9 with 100 open incidents',
      {
        incidents: ids.length,
        killedAfterDeclaringMs: killedAfterMs,
        downMs,
        answeringAfterRestart: found,
        allSecondLevelAfterRestartMs: allFiredAfterRestartMs,
        notifications: keys.length,
        accepted: acceptedOfTimeline.length,
        lost: keys.length - acceptedOfTimeline.length,
      },
      [
        ['all 100 incidents answer after the restart', found === INCIDENTS],
        ['every incident escalated to its second level', states.every((state) => state.timeline.filter((event) => event.type === 'escalation-step').length >= 2)],
        ['every notification delivered', undelivered.length === 0],
        ['every notification reached the receiver once', sameList(acceptedOfTimeline, keys) && new Set(accepted).size === accepted.length],
      ],
    );
  } finally {
    await stack?.stop();
    await server?.stop();
    await hooks.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 300_000);
