/**
 * `npm start` as a user runs it: the embedded Temporal dev server, the worker and HTTP in one process.
 * Ctrl-C stops everything; starting again finds every incident as it was.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/runtime/dev-server';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, repoRoot } from '../support/stack';

const dataDir = mkdtempSync(join(tmpdir(), 'marshal-restart-'));
const running: ChildProcess[] = [];

let inbox: WebhookReceiver;

afterAll(async () => {
  await inbox?.close();
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Start `npm start`'s entry point and wait for its banner; returns what it printed and how long it took. */
async function start(env: Record<string, string>) {
  const started = Date.now();
  // As `npm start` runs it: one node process with tsx's loader, so SIGINT reaches Marshal's own handler (tsx's
  // CLI wrapper relays signals and SIGKILLs a child that does not acknowledge one within 30 ms, which a busy
  // machine can miss).
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/runtime/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env, MARSHAL_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner within 90 s:\n${output}`)), 90_000);
    const check = () => {
      if (output.includes('Admin token:')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited with ${code}:\n${output}`)));
  });
  return { child, output: () => output, readyMs: Date.now() - started };
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGINT');
  return exited;
}

describe('npm start', () => {
  it('prints its URLs and, at first start only, its token; survives a restart with every incident intact', async () => {
    // Pages from the incident go to a local receiver, never to the example addresses in config/.
    inbox = await startWebhookReceiver();
    const env = {
      MARSHAL_POLICY_DIR: testPolicyDir({ webhookUrl: inbox.url }),
      MARSHAL_DATA_DIR: dataDir,
      MARSHAL_PORT: String(await freePort()),
      MARSHAL_TEMPORAL_PORT: String(await freePort()),
      MARSHAL_TEMPORAL_UI_PORT: String(await freePort()),
      MARSHAL_TOKEN: '',
    };
    const first = await start(env);
    const banner = first.output();
    const token = /Admin token:\s+(\S+)/.exec(banner)![1];
    const apiUrl = /API:\s+(\S+)\/api\/v1\/incidents/.exec(banner)![1];
    const uiUrl = /Temporal UI:\s+(\S+)/.exec(banner)![1];
    console.log(`npm start → banner in ${first.readyMs} ms`);

    const api = apiClient(apiUrl, token);
    expect((await api.get('/healthz')).body).toMatchObject({ status: 'ok', temporal: 'reachable' });
    expect((await fetch(uiUrl)).status).toBe(200);
    const declared = await api.post('/api/v1/incidents', { title: 'Survives restarts', severity: 'SEV2', service: 'api-gateway' });
    expect(declared.status).toBe(201);
    await api.post(`/api/v1/incidents/${declared.body.id}/acknowledge`, { by: 'alice' });

    expect(await stop(first.child)).toBe(0);
    expect(first.output()).toContain('Marshal stopped');

    // The token was generated once and saved: the second start says where it is, not what it is, and the
    // saved file holds the token the first start printed.
    expect(banner).toContain(`(new; saved in ${join(dataDir, 'admin-token')})`);
    const second = await start(env);
    expect(second.output()).toContain(`Admin token:  saved in ${join(dataDir, 'admin-token')}`);
    expect(second.output()).not.toContain(token);
    expect(readFileSync(join(dataDir, 'admin-token'), 'utf8').trim()).toBe(token);
    const again = await api.get(`/api/v1/incidents/${declared.body.id}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ title: 'Survives restarts', team: 'platform', phase: 'act', acknowledgedBy: 'alice' });
    // And it keeps working after the restart.
    const resolved = await api.post(`/api/v1/incidents/${declared.body.id}/resolve`, { summary: 'fixed' });
    expect(resolved.body.status).toBe('resolved');
    const code = await stop(second.child);
    expect(code, second.output()).toBe(0);
  }, 240_000);
});
