/**
 * `npm start` as a new machine runs it: prestart builds dist/ (plain JavaScript and the workflow bundle), then
 * Marshal runs from dist/ with no TypeScript compiled at start. It must find its migrations, schemas and
 * Temporal binaries from there, and its workflows must run: a declaration pages.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/runtime/dev-server';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, repoRoot } from '../support/stack';
import { until } from '../support/wait';

const dataDir = mkdtempSync(join(tmpdir(), 'marshal-compiled-'));
let child: ChildProcess | undefined;
let inbox: WebhookReceiver | undefined;

afterAll(async () => {
  await inbox?.close();
  if (child && child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Every process under `pid` with its command line (npm runs Marshal through a shell). */
function descendants(pid: number): { pid: number; args: string }[] {
  const tree = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3] }));
  const found: { pid: number; args: string }[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const row of tree.filter((entry) => entry.ppid === parent)) {
      found.push(row);
      queue.push(row.pid);
    }
  }
  return found;
}

describe('npm start runs the compiled build', () => {
  it('builds dist/, serves /healthz and pages for a declaration from it, and stops on Ctrl-C', async () => {
    inbox = await startWebhookReceiver();
    const port = await freePort();
    child = spawn('npm', ['start'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        MARSHAL_POLICY_DIR: testPolicyDir({ webhookUrl: inbox.url }),
        MARSHAL_DATA_DIR: dataDir,
        MARSHAL_PORT: String(port),
        MARSHAL_TEMPORAL_PORT: String(await freePort()),
        MARSHAL_TEMPORAL_UI_PORT: String(await freePort()),
        MARSHAL_TOKEN: '',
        MARSHAL_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so Ctrl-C can be sent as a terminal sends it: to npm, its shell and Marshal.
      detached: true,
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    await until('the banner', () => child!.exitCode === null && output.includes('Admin token:'), 180_000).catch((error: Error) => {
      throw new Error(`${error.message}\n${output}`);
    });

    // Marshal itself is node running dist/'s JavaScript, not TypeScript through tsx.
    const processes = descendants(child.pid!);
    const listed = processes.map((entry) => entry.args).join('\n');
    const marshal = processes.find((entry) => /^\S*node dist\/server\/runtime\/main\.js/.test(entry.args));
    expect(marshal, listed).toBeDefined();
    expect(listed).not.toContain('tsx');
    expect(existsSync(join(repoRoot, 'dist', 'workflow-bundle.js'))).toBe(true);
    expect(existsSync(join(repoRoot, 'dist', 'store', 'migrations'))).toBe(true);

    const token = readFileSync(join(dataDir, 'admin-token'), 'utf8').trim();
    const api = apiClient(`http://127.0.0.1:${port}`, token);
    expect((await api.get('/healthz')).body).toMatchObject({ status: 'ok', temporal: 'reachable', worker: 'running' });
    // Migrations ran from dist/store/migrations: the store answers (the audit trail is a store table).
    expect((await api.get('/api/v1/audit')).status).toBe(200);
    const declared = await api.post('/api/v1/incidents', { title: 'Compiled start pages', severity: 'SEV2', service: 'api-gateway' });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    // The workflow (from the prebuilt bundle) ran and its paging activity delivered.
    const [page] = await inbox.waitFor(1, 60_000);
    expect(JSON.stringify(page.json)).toContain(declared.body.id);
    expect((await api.get(`/api/v1/incidents/${declared.body.id}`)).body).toMatchObject({ title: 'Compiled start pages', phase: 'discover' });

    // Ctrl-C reaches Marshal (npm itself just dies of it, as in a terminal), which stops in order and exits.
    process.kill(-child.pid!, 'SIGINT');
    await until('Marshal stopped', () => output.includes('Marshal stopped'), 60_000);
    await until('the Marshal process gone', () => !existsSync(`/proc/${marshal!.pid}`), 30_000);

    // With nothing changed since, the build has nothing to do: a start pays no compiling or bundling.
    const { stdout } = await promisify(execFile)('npm', ['run', 'build'], { cwd: repoRoot });
    expect(stdout).not.toMatch(/compiled|bundled/);
  }, 300_000);
});
