/**
 * A worker that dies is seen at once. To kill a real worker the way production once did, this stack runs
 * a workflow bundle built WITHOUT Marshal's failure converter, then sends the lone-surrogate refusal that
 * used to shut workers down: /healthz must turn 503 naming the worker, and the stack's failure hook (which
 * `npm start` answers by exiting for its supervisor) must fire.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, expect, it } from 'vitest';
import { workflowsPath } from '../../server/runtime/worker';
import { commandUpdate, incidentWorkflowId } from '../../workflows/incident-contract';
import type { Command } from '../../workflows/incident-state';
import { apiClient, startTestStack, type TestStack } from '../support/stack';
import { until } from '../support/wait';

let stack: TestStack | undefined;
afterAll(async () => {
  await stack?.stop();
});

it('reports a dead worker on /healthz within seconds and calls the failure hook', async () => {
  const silent = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} };
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'marshal-unguarded-')), 'bundle.js');
  writeFileSync(bundlePath, (await bundleWorkflowCode({ workflowsPath, logger: silent })).code);
  const failures: unknown[] = [];
  stack = await startTestStack({ workflowBundle: { codePath: bundlePath }, onWorkerFailure: (error) => failures.push(error) });
  const api = apiClient(stack.url, stack.token);
  expect((await api.get('/healthz')).body).toMatchObject({ status: 'ok', worker: 'running' });

  const { id } = (await api.post('/api/v1/incidents', { title: 'Worker killer', severity: 'SEV4' })).body;
  // Straight to the workflow, past the HTTP edge and the engine layer, which now both refuse this text.
  const workflow = stack.client.workflow.getHandle(incidentWorkflowId(id));
  const fatal: Command = { type: 'assign-role', by: 'ops', role: 'scribe', person: 'P\ud800Q' };
  // Not awaited: with its worker dead the update never completes (the engine layer's deadline is bypassed too).
  for (let attempt = 0; attempt < 2; attempt++) void workflow.executeUpdate(commandUpdate, { args: [fatal] }).catch(() => undefined);

  const started = Date.now();
  const health = await until(
    'healthz to report the dead worker',
    async () => {
      const answer = await api.get('/healthz');
      return answer.status === 503 ? answer : undefined;
    },
    30_000,
    100,
  );
  expect(health.body).toMatchObject({ status: 'unavailable', worker: 'failed', temporal: 'reachable' });
  await until('the failure hook', () => failures.length === 1, 30_000, 100);
  console.log(`dead worker reported ${Date.now() - started} ms after the fatal command returned`);
});
