/**
 * Helpers for the fault suite: worker processes to kill, a policy whose timers are seconds long and
 * independent of the time of day, waiting with bounds, and one PASS/FAIL line per case with its figures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import type { ReceivedWebhook, WebhookRequest } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { repoRoot } from '../support/paths';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The shipped policy with contacts on a local receiver, no quiet hours and no night rest rule (so a run at
 * 03:00 does what a run at 15:00 does), no extra level delays, and `ackTimeout` for every severity.
 */
export function faultPolicyDir(webhookUrl: string, ackTimeout: string, extra: Record<string, (text: string) => string> = {}): string {
  const team = (text: string) =>
    text
      .replace(/^quietHours:\n(?:[ \t]+.*\n?)*/m, '')
      .replace(/^(restRule:\n[ \t]+enabled:) true/m, '$1 false')
      .replace(/\n[ \t]+delay: \w+/g, '');
  return testPolicyDir({
    webhookUrl,
    edit: {
      'teams/platform.yaml': team,
      'teams/payments.yaml': team,
      'teams/web.yaml': team,
      'severities.yaml': (text) => text.replace(/acknowledgementTimeout: \w+/g, `acknowledgementTimeout: ${ackTimeout}`),
      ...extra,
    },
  });
}

/** `npm run worker` as a child process (so it can be SIGKILLed), resolved once it polls. */
export function startWorkerProcess(env: { temporalAddress: string; taskQueue: string; policyDir: string }): Promise<ChildProcess> {
  // node --import tsx rather than the tsx CLI: the pid we kill is the worker itself, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/runtime/worker-main.ts'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.temporalAddress,
      MARSHAL_TASK_QUEUE: env.taskQueue,
      MARSHAL_POLICY_DIR: env.policyDir,
      MARSHAL_DATA_DIR: mkdtempSync(join(tmpdir(), 'marshal-fault-worker-')),
      MARSHAL_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start within 60 s: ${output}`)), 60_000);
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Marshal worker running')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.stderr!.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}: ${output}`));
    });
  });
}

export async function killHard(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

export { until } from '../support/wait';

/** Print one line per case — PASS or FAIL, its figures, and what failed — then fail the test on any failed check. */
export function verdict(name: string, figures: Record<string, unknown>, checks: [string, boolean][]): void {
  const failed = checks.filter(([, ok]) => !ok).map(([what]) => what);
  const shown = Object.entries(figures)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  console.log(`${failed.length ? 'FAIL' : 'PASS'} ${name}: ${shown}${failed.length ? ` — failed: ${failed.join('; ')}` : ''}`);
  expect(failed).toEqual([]);
}

/** Keys of every notification on the incidents' timelines (`<incident>:<seq>`), and of those not delivered. */
export function timelineNotifications(states: IncidentView[]): { keys: string[]; undelivered: string[] } {
  const keys: string[] = [];
  const undelivered: string[] = [];
  for (const state of states) {
    for (const page of state.pages) {
      const key = `${state.id}:${page.seq}`;
      keys.push(key);
      if (page.outcome !== 'delivered') undelivered.push(`${key} (${page.outcome})`);
    }
  }
  return { keys: keys.sort(), undelivered };
}

export function acceptedKeys(requests: WebhookRequest[], ids: Set<string>): string[] {
  return requests
    .filter((request) => request.outcome === 'accepted' && request.key && ids.has(request.key.slice(0, request.key.lastIndexOf(':'))))
    .map((request) => request.key!)
    .sort();
}

export function pagesFor(received: ReceivedWebhook[], id: string): number {
  return received.filter((delivery) => {
    const json = delivery.json as { kind?: string; incident?: { id?: string } } | undefined;
    return json?.incident?.id === id && (json.kind === 'page' || json.kind === 'escalation');
  }).length;
}

export const sameList = (a: string[], b: string[]) => a.length === b.length && a.every((value, i) => value === b[i]);
