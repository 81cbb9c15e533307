/**
 * The shared shape of the two worker-loss cases: incidents escalate in real (second-scale) time on a task
 * queue served by worker processes; one is SIGKILLed after every incident's first page; what is left (a
 * replacement, or the other worker) must carry every chain on. Nothing lost: every notification on the
 * timelines was delivered and reached the receiver; nothing twice: one accepted delivery per key.
 */
import type { ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { startWebhookReceiver } from '../channels/receivers';
import { apiClient, startTestStack } from '../support/stack';
import { acceptedKeys, faultPolicyDir, killHard, pagesFor, sameList, startWorkerProcess, timelineNotifications, until, verdict } from './support';

export async function escalationUnderWorkerLoss(options: { name: string; incidents: number; workers: number; replace: boolean }): Promise<void> {
  const hooks = await startWebhookReceiver();
  const policyDir = faultPolicyDir(hooks.url, '3s');
  const taskQueue = `marshal-fault-${options.workers}w-${process.pid}`;
  const api = await startTestStack({ policy: { kind: 'directory', dir: policyDir }, taskQueue, noWorker: true });
  const workers: ChildProcess[] = [];
  const env = { temporalAddress: inject('temporalAddress'), taskQueue, policyDir };
  try {
    for (let i = 0; i < options.workers; i += 1) workers.push(await startWorkerProcess(env));
    const client = apiClient(api.url, api.token);
    const services = ['api-gateway', 'postgres-primary', 'checkout-api', 'payments-ledger', 'web-frontend'];
    const ids: string[] = [];
    for (let i = 0; i < options.incidents; i += 1) {
      const answer = await client.post<IncidentView>('/api/v1/incidents', { title: `Fault ${i}`, severity: 'SEV1', service: services[i % services.length] });
      if (answer.status !== 201) throw new Error(`declare answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      ids.push(answer.body.id);
    }
    await until('a first page for every incident', () => ids.every((id) => pagesFor(hooks.received, id) >= 1), 30_000);

    const killedAt = Date.now();
    await killHard(workers[0]);
    if (options.replace) workers.push(await startWorkerProcess(env));

    // Level 2 and level 3 (the lead) for every incident, through the timers that fired around the kill.
    await until('three pages for every incident', () => ids.every((id) => pagesFor(hooks.received, id) >= 3), 90_000, 200);
    const carriedOnMs = Date.now() - killedAt;
    for (const id of ids) await client.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'judy' });
    const states = await until(
      'every delivery settled',
      async () => {
        const all = await Promise.all(ids.map(async (id) => (await client.get<IncidentView>(`/api/v1/incidents/${id}`)).body));
        return all.every((state) => state.acknowledgedAt && state.pages.every((page) => page.outcome !== 'sending')) ? all : undefined;
      },
      30_000,
    );

    const { keys, undelivered } = timelineNotifications(states);
    const accepted = acceptedKeys(hooks.requests, new Set(ids));
    const retried = hooks.requests.filter((request) => request.outcome === 'duplicate').length;
    const lost = keys.filter((key) => !accepted.includes(key));
    const unexpected = accepted.filter((key) => !keys.includes(key));
    verdict(
      options.name,
      {
        incidents: ids.length,
        notifications: keys.length,
        accepted: accepted.length,
        duplicateDeliveriesDropped: retried,
        lost: lost.length,
        unexpected: unexpected.length,
        killToAllAtLevel3Ms: carriedOnMs,
      },
      [
        ['every notification on the timelines delivered', undelivered.length === 0],
        ['accepted keys at the receiver == timeline notifications', sameList(accepted, keys)],
        ['no key accepted twice', new Set(accepted).size === accepted.length],
        ['every incident reached level 3', states.every((state) => state.timeline.filter((event) => event.type === 'escalation-step').length >= 3)],
      ],
    );
  } finally {
    for (const worker of workers) await killHard(worker);
    await api.stop();
    await hooks.close();
  }
}
