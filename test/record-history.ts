/**
 * `npm run record-history`: run real incidents on a fresh dev server and save their event histories under
 * test/histories/. The replay test replays them against today's workflow code, so a change that would
 * break running incidents fails CI. Record again only when adding new shapes of history, never to make
 * a failing replay pass (that is what `patched()` is for). Histories recorded by older code stay: they
 * prove incidents started before a change still replay (lifecycle-closed and continued-as-new predate
 * paging; the -paged ones include it).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { loadPolicyDir } from '../policy/io/load';
import { Incidents } from '../engine/incidents';
import { startDevServer } from '../server/runtime/dev-server';
import { createWorker } from '../server/runtime/worker';
import { createPagingActivities } from '../activities/paging';
import { Overrides } from '../engine/overrides';
import { PolicyStore } from '../server/runtime/policy-store';
import { startWebhookReceiver } from './channels/receivers';
import { testPolicyDir } from './support/policy';
import type { IncidentPolicy } from '../workflows/incident-state';
import { incidentWorkflowId } from '../workflows/incident-contract';

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'marshal-record-'));
  const server = await startDevServer({ dataDir, headless: true });
  const target = { address: server.address, namespace: 'default' };
  const inbox = await startWebhookReceiver();
  const loadedForPaging = loadPolicyDir(testPolicyDir({ webhookUrl: inbox.url }));
  if (!loadedForPaging.ok) throw new Error('policy invalid');
  const client0 = new Client({ connection: await Connection.connect({ address: server.address }) });
  const policies = new PolicyStore(loadedForPaging.policy, 'record');
  const activities = createPagingActivities({ policies, overrides: new Overrides(client0), client: client0, publicUrl: () => 'http://marshal.test' });
  const { worker, connection: workerConnection } = await createWorker({ target, activities });
  const connection = await Connection.connect({ address: server.address });
  const policy: IncidentPolicy = { version: 'recorded', severities: loadedForPaging.policy.severities };

  await worker.runUntil(async () => {
    const save = (name: string, id: string) => {
      const json = execFileSync(server.binary, ['workflow', 'show', '--address', server.address, '--workflow-id', incidentWorkflowId(id), '--output', 'json'], { encoding: 'utf8' });
      writeFileSync(join(__dirname, 'histories', `${name}.json`), json);
      console.log(`saved test/histories/${name}.json`);
    };

    const full = new Incidents(new Client({ connection }));
    const { incident } = await full.declare({ title: 'Checkout errors', severity: 'SEV2', team: 'payments', service: 'checkout-api', reporter: 'dana' }, policy);
    const steps = [
      { type: 'acknowledge', by: 'alice' },
      { type: 'post-status-update', by: 'alice', status: 'investigating', message: 'Looking', public: true },
      { type: 'change-severity', by: 'alice', severity: 'SEV1', reason: 'All regions' },
      { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' },
      { type: 'assign-role', by: 'carol', role: 'commander', person: 'erin' },
      { type: 'reassign-team', by: 'erin', team: 'platform', reason: 'Load balancer' },
      { type: 'post-status-update', by: 'erin', status: 'monitoring', message: 'Fix deployed' },
      { type: 'resolve', by: 'erin', summary: 'Rolled back' },
      { type: 'add-action-item', by: 'erin', title: 'Canary deploys', owner: 'bob' },
      { type: 'add-action-item', by: 'erin', title: 'Alert on 5xx', owner: 'carol' },
      { type: 'publish-postmortem', by: 'erin', markdown: '# Postmortem' },
      { type: 'complete-action-item', by: 'bob', itemId: 'AI-1' },
      { type: 'waive-action-item', by: 'carol', itemId: 'AI-2', reason: 'Covered by AI-1' },
    ] as const;
    // Let the first page go out before anyone acknowledges, so the history holds paging activities.
    while (!(await full.get(incident.id)).pages.some((page) => page.outcome === 'delivered')) await new Promise((r) => setTimeout(r, 100));
    for (const step of steps) await full.command(incident.id, step);
    await new Client({ connection }).workflow.getHandle(incidentWorkflowId(incident.id)).result();
    save('lifecycle-paged', incident.id);

    // A run that continued as new part-way: its history ends in ContinueAsNew.
    const long = new Incidents(new Client({ connection }), { historyLimit: 20 });
    const { incident: chatty } = await long.declare({ title: 'Long running', severity: 'SEV3' }, policy);
    for (let n = 1; n <= 12; n += 1) await long.command(chatty.id, { type: 'post-status-update', by: 'alice', status: 'investigating', message: `update ${n}` });
    const first = await new Client({ connection }).workflow.getHandle(incidentWorkflowId(chatty.id)).describe();
    const firstRunHistory = execFileSync(server.binary, ['workflow', 'list', '--address', server.address, '--query', `WorkflowId='${incidentWorkflowId(chatty.id)}'`, '--output', 'json'], {
      encoding: 'utf8',
    });
    const runs = JSON.parse(firstRunHistory) as { execution: { runId: string } }[];
    const oldest = runs.map((run) => run.execution.runId).find((runId) => runId !== first.runId)!;
    const json = execFileSync(server.binary, ['workflow', 'show', '--address', server.address, '--workflow-id', incidentWorkflowId(chatty.id), '--run-id', oldest, '--output', 'json'], {
      encoding: 'utf8',
    });
    writeFileSync(join(__dirname, 'histories', 'continued-as-new-paged.json'), json);
    console.log('saved test/histories/continued-as-new-paged.json');
  });
  await workerConnection.close();
  await connection.close();
  await inbox.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
