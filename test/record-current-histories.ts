/**
 * `npm run record-history:current`: run every long-lived workflow type through the whole stack (embedded
 * server, workers, store, intake, overrides) and save each one's history under test/histories/, so the
 * replay test holds today's code to them: the incident with its archived timeline, an alert group, a
 * team's overrides and on-call notices, and an action item's follow-through. A file that exists is never
 * overwritten: histories recorded by older code prove that running workflows still replay.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startStack } from '../server/runtime/stack';
import { createLogger } from '../server/runtime/log';
import { findBinary, TEMPORAL_CLI } from '../server/runtime/binaries';
import { actionItemWorkflowId } from '../workflows/action-item-contract';
import { incidentWorkflowId } from '../workflows/incident-contract';
import { teamWorkflowId } from '../workflows/queues';
import { startWebhookReceiver } from './channels/receivers';
import { testPolicyDir } from './support/policy';
import { until } from './support/wait';

const dir = join(__dirname, 'histories');
const fixture = (name: string) =>
  JSON.parse(
    readFileSync(join(__dirname, 'fixtures', 'alerts', `${name}.json`), 'utf8')
      .split('{{RUN}}')
      .join('record'),
  );

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-record-current-'));
  const inbox = await startWebhookReceiver();
  process.env.RECORD_AM_TOKEN = 'record-token';
  process.env.RECORD_EVENTS_KEY = 'record-events-key';
  // The test policy (people reached at the local receiver) with an Alertmanager integration.
  const policyDir = testPolicyDir({ webhookUrl: inbox.url });
  writeFileSync(join(policyDir, 'integrations.yaml'), 'intake:\n  alertmanager: { tokenEnv: RECORD_AM_TOKEN }\n  events: { tokenEnv: RECORD_EVENTS_KEY }\n');
  const stack = await startStack({ port: 0, host: '127.0.0.1', dataDir, policy: { kind: 'directory', dir: policyDir }, token: 'record', headless: true, logger: createLogger('warn') });
  const cli = findBinary(TEMPORAL_CLI).found!.path;
  const save = (name: string, workflowId: string) => {
    const path = join(dir, `${name}.json`);
    if (existsSync(path)) return console.log(`kept test/histories/${name}.json (recorded earlier)`);
    writeFileSync(path, execFileSync(cli, ['workflow', 'show', '--address', stack.temporalAddress, '--workflow-id', workflowId, '--output', 'json'], { encoding: 'utf8' }));
    console.log(`saved test/histories/${name}.json`);
  };
  const api = async (method: string, path: string, body?: unknown, token = stack.token): Promise<any> => {
    const response = await fetch(`${stack.url}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const answer = await response.json();
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  try {
    // An incident through its whole lifecycle, with enough events that its timeline is archived.
    const incident = await api('POST', '/api/v1/incidents', { title: 'Checkout errors', severity: 'SEV2', service: 'checkout-api' });
    await until('a first page', () => inbox.received.some((hook) => hook.body.includes(incident.id)), 30_000);
    await api('POST', `/api/v1/incidents/${incident.id}/acknowledge`, {});
    for (let n = 1; n <= 30; n += 1) await api('POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'investigating', message: `Update ${n}` });
    await api('POST', `/api/v1/incidents/${incident.id}/roles`, { role: 'commander', person: 'carol' });
    await api('POST', `/api/v1/incidents/${incident.id}/updates`, { status: 'monitoring', message: 'Fix deployed' });
    await api('POST', `/api/v1/incidents/${incident.id}/resolve`, { summary: 'Rolled back' });
    await api('POST', `/api/v1/incidents/${incident.id}/action-items`, { title: 'Canary deploys', owner: 'bob', dueAt: new Date(Date.now() + 3 * 24 * 3600_000).toISOString() });
    await api('POST', `/api/v1/incidents/${incident.id}/postmortem`, { markdown: '# Postmortem' });
    await until(
      'the action item workflow',
      async () =>
        (await stack.client.workflow
          .getHandle(actionItemWorkflowId(incident.id, 'AI-1'))
          .describe()
          .then(
            () => true,
            () => false,
          )) || undefined,
      30_000,
    );
    await api('POST', `/api/v1/incidents/${incident.id}/action-items/AI-1/complete`, {});
    await stack.client.workflow.getHandle(incidentWorkflowId(incident.id)).result();
    save('projected-lifecycle', incidentWorkflowId(incident.id));
    // The same whole lifecycle, recorded since new incidents take every change with one marker (workflows/patches.ts).
    save('changes-2026-12-lifecycle', incidentWorkflowId(incident.id));
    await stack.client.workflow.getHandle(actionItemWorkflowId(incident.id, 'AI-1')).result();
    save('action-item', actionItemWorkflowId(incident.id, 'AI-1'));

    // Roles that mean something and edits: the people assigned are told, a commander handoff with notes waits
    // for acceptance (its reminder timer started, then cancelled by the acceptance), and the title is edited.
    const roles = await api('POST', '/api/v1/incidents', { title: 'Ledger ~30% slow', severity: 'SEV3', service: 'checkout-api' });
    await api('POST', `/api/v1/incidents/${roles.id}/acknowledge`, { by: 'alice' });
    await api('POST', `/api/v1/incidents/${roles.id}/details`, { title: 'Ledger 70% slow', impactStartedAt: new Date(Date.now() - 600_000).toISOString() });
    await api('POST', `/api/v1/incidents/${roles.id}/roles`, { role: 'commander', person: 'carol', by: 'alice' });
    await api('POST', `/api/v1/incidents/${roles.id}/roles`, { role: 'scribe', person: 'erin', by: 'alice' });
    await api('POST', `/api/v1/incidents/${roles.id}/roles`, { role: 'commander', person: 'dan', notes: 'Rollback half done', by: 'carol' });
    await until(
      'the handoff notice',
      async () => (await api('GET', `/api/v1/incidents/${roles.id}`)).pages.some((page: { kind: string; outcome: string }) => page.kind === 'handoff' && page.outcome !== 'sending') || undefined,
      30_000,
    );
    await api('POST', `/api/v1/incidents/${roles.id}/handoff/accept`, { by: 'dan' });
    await api('POST', `/api/v1/incidents/${roles.id}/resolve`, { summary: 'Vacuumed the ledger table', by: 'dan' });
    await stack.client.workflow.getHandle(incidentWorkflowId(roles.id)).result();
    save('roles-and-edits', incidentWorkflowId(roles.id));

    // An escalation whose next step is planned by a local activity (a marker, no activity task), acknowledged and resolved.
    const paged = await api('POST', '/api/v1/incidents', { title: 'Search latency', severity: 'SEV3', service: 'checkout-api' });
    await until(
      'the next step planned',
      async () =>
        ((await stack.client.workflow.getHandle(incidentWorkflowId(paged.id)).fetchHistory()).events ?? []).some(
          (event) => event.markerRecordedEventAttributes?.markerName === 'core_local_activity',
        ) || undefined,
      30_000,
    );
    await api('POST', `/api/v1/incidents/${paged.id}/acknowledge`, {});
    await api('POST', `/api/v1/incidents/${paged.id}/resolve`, { summary: 'Reindexed' });
    await stack.client.workflow.getHandle(incidentWorkflowId(paged.id)).result();
    save('local-plans', incidentWorkflowId(paged.id));
    // The same, recorded since a delivered page or a person's command archives its events at once (no 1 s
    // batch wait) and the lead, incoming on-call and deadline reads run as local activities.
    save('archived-when-settled', incidentWorkflowId(paged.id));
    save('changes-2026-12-escalation', incidentWorkflowId(paged.id));

    // An alert group that wakes to many deliveries at once and forwards them in one signal.
    const burst = fixture('alertmanager-firing-group');
    const burstKey = `${burst.groupKey}-burst`;
    const first = await api('POST', '/api/v1/webhooks/alertmanager', { ...burst, groupKey: burstKey }, 'record-token');
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        api(
          'POST',
          '/api/v1/webhooks/alertmanager',
          { ...burst, groupKey: burstKey, alerts: burst.alerts.map((alert: { fingerprint: string }) => ({ ...alert, fingerprint: `${alert.fingerprint}-${n}` })) },
          'record-token',
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    save('alert-group-held', first.groups[0]);

    // An alert group whose deliveries arrived together (one 'alert-batches' signal for several), and the
    // incident it opened, started with the alerts that opened it.
    const together = fixture('alertmanager-firing-group');
    const togetherKey = `${together.groupKey}-together`;
    const sent = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        api(
          'POST',
          '/api/v1/webhooks/alertmanager',
          { ...together, groupKey: togetherKey, alerts: together.alerts.map((alert: { fingerprint: string }) => ({ ...alert, fingerprint: `${alert.fingerprint}-t${n}` })) },
          'record-token',
        ),
      ),
    );
    const opened = await until(
      'the group to open its incident',
      async () => (await stack.client.workflow.getHandle(sent[0].groups[0]).query<{ incident?: { workflowId: string } }>('alertGroup')).incident,
      30_000,
    );
    await new Promise((resolve) => setTimeout(resolve, 3000));
    save('alert-group-together', sent[0].groups[0]);
    save('incident-started-with-alerts', opened.workflowId);
    save('changes-2026-12-alert-group', sent[0].groups[0]);

    // An alert group: firing, a repeat, then recovery.
    const firing = fixture('alertmanager-firing-group');
    const accepted = await api('POST', '/api/v1/webhooks/alertmanager', firing, 'record-token');
    await api('POST', '/api/v1/webhooks/alertmanager', firing, 'record-token');
    await api('POST', '/api/v1/webhooks/alertmanager', fixture('alertmanager-all-resolved'), 'record-token');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    save('alert-group', accepted.groups[0]);

    // An incident whose alerts carry their context (annotations, links), told of a deploy by a change event.
    const annotated = await api('POST', '/api/v1/webhooks/alertmanager', { ...firing, groupKey: `${firing.groupKey}-context` }, 'record-token');
    const group = await until(
      'the annotated group to open its incident',
      async () => (await stack.client.workflow.getHandle(annotated.groups[0]).query<{ incident?: { id: string } }>('alertGroup')).incident,
      30_000,
    );
    const change = {
      routing_key: 'record-events-key',
      payload: { summary: 'Deploy checkout-api v1.2.3', source: 'ci', custom_details: { service: 'checkout-api' } },
      links: [{ href: 'https://ci.example.com/1' }],
    };
    await until('the change to be recorded', async () => ((await api('POST', '/v2/change/enqueue', change)).incidents as string[]).includes(group.id) || undefined, 30_000);
    await until('the change on the timeline', async () => (await api('GET', `/api/v1/incidents/${group.id}`)).timeline.some((event: { type: string }) => event.type === 'change') || undefined, 30_000);
    save('alert-context-change', incidentWorkflowId(group.id));

    // A team's overrides, and its on-call notices.
    const now = Date.now();
    await api('POST', '/api/v1/oncall/payments/overrides', { person: 'bob', from: new Date(now + 1000).toISOString(), to: new Date(now + 4000).toISOString(), reason: 'Dentist swap' });
    await new Promise((resolve) => setTimeout(resolve, 6000));
    save('oncall-overrides', teamWorkflowId('oncall-overrides', 'payments'));
    save('oncall-notices', teamWorkflowId('oncall-notices', 'payments'));
  } finally {
    await stack.stop();
    await inbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
