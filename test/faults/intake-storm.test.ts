/**
 * 10,000 Alertmanager webhook deliveries: 100 alert groups × 70 distinct alerts, plus 3,000 duplicate
 * deliveries (Alertmanager HA peers and retries), all in one shuffled order so groups, alerts and their
 * duplicates arrive interleaved and out of order. Afterwards: exactly one incident per group, exactly the
 * group's alerts on it, every delivery counted, nothing lost.
 */
import { seededRandom } from '../support/wait';
import { it } from 'vitest';
import { alertGroupQuery, type AlertGroupView } from '../../workflows/alert-group-contract';
import type { IncidentView } from '../../workflows/incident-view';
import { startTestStack } from '../support/stack';
import { runId } from '../intake/support';
import { sleep, until, verdict } from './support';

const GROUPS = 100;
const ALERTS_PER_GROUP = 70;
const DELIVERIES = 10_000;
const CONCURRENCY = 24;
const TOKEN = 'fault-storm-token';

it('10,000 deliveries with duplicates and reordering: exactly the expected incidents and alerts', async () => {
  process.env.MARSHAL_ALERTMANAGER_TOKEN = TOKEN;
  const stack = await startTestStack();
  try {
    const run = runId();
    const seed = Number.parseInt(run, 16);
    const next = seededRandom(seed);
    const fingerprint = (group: number, alert: number) => `${run}-g${group}-a${alert}`;
    const groupKey = (group: number) => `{}:{alertname="FaultStorm", group="${run}-${group}"}`;
    const body = (group: number, alert: number) =>
      JSON.stringify({
        version: '4',
        groupKey: groupKey(group),
        truncatedAlerts: 0,
        status: 'firing',
        receiver: 'marshal',
        groupLabels: { alertname: 'FaultStorm', group: `${run}-${group}` },
        commonLabels: { alertname: 'FaultStorm', service: 'checkout', severity: 'warning' },
        commonAnnotations: { summary: 'Storm' },
        externalURL: 'http://alertmanager.test:9093',
        alerts: [
          {
            status: 'firing',
            labels: { alertname: 'FaultStorm', service: 'checkout', severity: 'warning', group: `${run}-${group}`, shard: String(alert) },
            annotations: { summary: `shard ${alert} is slow`, description: 'p99 above SLO' },
            startsAt: new Date(Date.UTC(2026, 2, 2, 9, 0, alert)).toISOString(),
            endsAt: '0001-01-01T00:00:00Z',
            generatorURL: 'http://prometheus.test:9090/graph',
            fingerprint: fingerprint(group, alert),
          },
        ],
      });

    // Every distinct alert once, then duplicates of random ones, then one shuffle of the lot.
    const deliveries: [number, number][] = [];
    for (let group = 0; group < GROUPS; group += 1) for (let alert = 0; alert < ALERTS_PER_GROUP; alert += 1) deliveries.push([group, alert]);
    while (deliveries.length < DELIVERIES) deliveries.push([Math.floor(next() * GROUPS), Math.floor(next() * ALERTS_PER_GROUP)]);
    for (let i = deliveries.length - 1; i > 0; i -= 1) {
      const j = Math.floor(next() * (i + 1));
      [deliveries[i], deliveries[j]] = [deliveries[j], deliveries[i]];
    }
    const expected = new Map<string, number>();
    for (const [group, alert] of deliveries) expected.set(fingerprint(group, alert), (expected.get(fingerprint(group, alert)) ?? 0) + 1);

    const url = `${stack.url}/api/v1/webhooks/alertmanager`;
    const headers = { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` };
    const workflowIds = new Map<number, string>();
    const statuses = new Map<number, number>();
    let retried = 0;
    let cursor = 0;
    const sendStarted = Date.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (cursor < deliveries.length) {
          const [group, alert] = deliveries[cursor++];
          // A sender retries 5xx (Alertmanager does); bounded here so a stuck server fails the case.
          for (let attempt = 0; ; attempt += 1) {
            const response = await fetch(url, { method: 'POST', headers, body: body(group, alert) });
            const answer = (await response.json()) as { groups?: string[] };
            statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
            if (response.status === 202) {
              workflowIds.set(group, answer.groups![0]);
              break;
            }
            if (response.status < 500 || attempt >= 20) throw new Error(`delivery answered ${response.status}: ${JSON.stringify(answer)}`);
            retried += 1;
            await sleep(200);
          }
        }
      }),
    );
    const sendMs = Date.now() - sendStarted;

    // Settle: each group has applied every delivery it accepted, then read its incident.
    const perGroup = new Map<number, number>();
    for (const [group] of deliveries) perGroup.set(group, (perGroup.get(group) ?? 0) + 1);
    const drainStarted = Date.now();
    const views = await until(
      'every group to apply its deliveries',
      async () => {
        const all = await Promise.all(
          [...workflowIds].map(async ([group, workflowId]) => [group, await stack.client.workflow.getHandle(workflowId).query(alertGroupQuery)] as [number, AlertGroupView]),
        );
        return all.every(([group, view]) => view.pending === 0 && view.counts.deliveries >= perGroup.get(group)! && view.incident) ? all : undefined;
      },
      // Bounded so a stuck group fails the case; generous because the suite runs two files at once on 2 cores.
      300_000,
      1000,
    );
    const incidents = await Promise.all(views.map(async ([group, view]) => [group, await stack.incidents.get(view.incident!.workflowId.replace(/^incident-/, ''))] as [number, IncidentView]));
    const drainMs = Date.now() - drainStarted;

    const seen = new Map<string, number>();
    for (const [, incident] of incidents) for (const alert of incident.alerts) seen.set(alert.key, (seen.get(alert.key) ?? 0) + alert.deliveries);
    const alertsOnIncidents = incidents.reduce((sum, [, incident]) => sum + incident.alerts.length, 0);
    const lost = [...expected.keys()].filter((key) => !seen.has(key));
    const extra = [...seen.keys()].filter((key) => !expected.has(key));
    const miscounted = [...expected].filter(([key, count]) => seen.get(key) !== count);
    const misplaced = incidents.filter(([group, incident]) => incident.alerts.some((alert) => !alert.key.startsWith(`${run}-g${group}-`)));
    const incidentIds = new Set(incidents.map(([, incident]) => incident.id));
    verdict(
      '10,000 webhook deliveries with duplicates and reordering',
      {
        deliveries: deliveries.length,
        distinctAlerts: expected.size,
        duplicates: deliveries.length - expected.size,
        answers: Object.fromEntries(statuses),
        retried503: retried,
        sendMs,
        deliveriesPerSecond: Math.round(deliveries.length / (sendMs / 1000)),
        drainMs,
        incidents: incidentIds.size,
        alertsOnIncidents,
        lost: lost.length,
        extra: extra.length,
        miscounted: miscounted.length,
      },
      [
        [`one incident per group (${GROUPS})`, incidentIds.size === GROUPS && views.every(([, view]) => view.counts.incidentsOpened === 1)],
        ["every distinct alert on its group's incident, nothing lost", lost.length === 0 && misplaced.length === 0],
        ['no alert that was never sent', extra.length === 0 && alertsOnIncidents === expected.size],
        ['every delivery counted exactly once', miscounted.length === 0],
      ],
    );
  } finally {
    await stack.stop();
  }
}, 480_000);
