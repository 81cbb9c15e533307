/** Helpers for the intake tests: fixtures made unique per run, a policy directory with test integrations, polling. */
import { until } from '../support/wait';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import { alertGroupQuery, type AlertGroupView } from '../../workflows/alert-group-contract';
import { repoRoot } from '../support/stack';

/**
 * Fixtures carry {{RUN}} in fingerprints, keys and labels so parallel test files never share an alert group.
 * Lines starting with `//` before the JSON say where the payload's shape comes from; they are not sent.
 */
export function fixture(name: string, vars: Record<string, string>): any {
  let text = readFileSync(join(repoRoot, 'test', 'fixtures', 'alerts', `${name}.json`), 'utf8').replace(/^(\s*\/\/.*\n)+/, '');
  for (const [key, value] of Object.entries(vars)) text = text.split(`{{${key}}}`).join(value);
  return JSON.parse(text);
}

export const runId = () => randomBytes(4).toString('hex');

/** A copy of config/ whose integrations.yaml is replaced by the given intake section. */
export function policyDirWith(intakeYaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'marshal-intake-policy-'));
  cpSync(join(repoRoot, 'config'), dir, { recursive: true });
  writeFileSync(join(dir, 'integrations.yaml'), `intake:\n${intakeYaml}`);
  return dir;
}

export function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 20_000): Promise<T> {
  return until(what, probe, timeoutMs, 150);
}

export function groupView(client: Client, workflowId: string): Promise<AlertGroupView> {
  return client.workflow.getHandle(workflowId).query(alertGroupQuery);
}

/** Wait until the group has processed everything it received, then answer its state. */
export async function settledGroup(client: Client, workflowId: string, deliveries: number): Promise<AlertGroupView> {
  return eventually(async () => {
    const view = await groupView(client, workflowId);
    return view.pending === 0 && view.counts.deliveries >= deliveries ? view : undefined;
  }, `group ${workflowId} to take ${deliveries} deliveries`);
}
