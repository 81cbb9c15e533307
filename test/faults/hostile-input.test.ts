/**
 * What an attacker or a long night can send, one case each: hostile strings straight into workflows, an
 * unknown team, bad encodings, NUL in filters, a 40 MB policy file and an alias bomb, the engine down under
 * intake, and Marshal itself killed with SIGKILL (its embedded Temporal server must not outlive it).
 */
import { asHttpError } from '../../server/api/errors';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, it } from 'vitest';
import type { Command } from '../../workflows/incident-state';
import { findBinary, TEMPORAL_CLI } from '../../server/runtime/binaries';
import { alive, freePort, startDevServer } from '../../server/runtime/dev-server';
import { fixture, policyDirWith, runId } from '../intake/support';
import { apiClient, repoRoot, startTestStack } from '../support/stack';
import { seededRandom } from '../support/wait';
import { sleep, until, verdict } from './support';

describe('hostile input', () => {
  it('hostile strings straight into the workflow fail one call each; the worker keeps paging', async () => {
    const stack = await startTestStack();
    try {
      const api = apiClient(stack.url, stack.token);
      const random = seededRandom(10);
      const nasty = ['\ud800', '\udfff', '\u0000', '\u001b[31m', 'x'.repeat(5_000), '\ud83d', '🚨\ud83d', 'constructor', '__proto__', ''];
      const text = () => Array.from({ length: 3 }, () => nasty[Math.floor(random() * nasty.length)]).join('');
      const make = (): Command[] => [
        { type: 'assign-role', by: text(), role: 'commander', person: text() },
        { type: 'post-status-update', by: text(), status: 'investigating', message: text() },
        { type: 'change-severity', by: text(), severity: text(), reason: text() },
        { type: 'reassign-team', by: text(), team: text(), reason: text() },
        { type: 'waive-action-item', by: text(), itemId: text(), reason: text() },
        { type: 'add-action-item', by: text(), title: text(), owner: text(), dueAt: text() },
      ];
      const id = (await api.post('/api/v1/incidents', { title: 'Fuzzed in the workflow', severity: 'SEV4' })).body.id;
      const outcomes: Record<string, number> = {};
      for (let round = 0; round < 20; round += 1) {
        for (const command of make()) {
          const status = await stack.incidents.command(id, command).then(
            () => 200,
            (error) => asHttpError(error)?.status ?? 500,
          );
          outcomes[status] = (outcomes[status] ?? 0) + 1;
        }
      }
      const canary = (await api.post('/api/v1/incidents', { title: 'Canary', severity: 'SEV3', service: 'checkout-api' })).body.id;
      const acked = await api.post(`/api/v1/incidents/${canary}/acknowledge`, { by: 'canary' });
      const health = await api.get('/healthz');
      verdict('hostile strings into the workflow', { commands: 120, outcomes, worker: health.body.worker }, [
        ['no call answered 5xx', Object.keys(outcomes).every((status) => Number(status) < 500)],
        ['the worker still runs', health.body.worker === 'running'],
        ['a new incident is acknowledged', acked.status === 200],
      ]);
    } finally {
      await stack.stop();
    }
  });

  it('unknown team, bad encodings and control characters: 4xx at once, nothing logged as an error', async () => {
    const errors: string[] = [];
    const logger = pino(
      { level: 'warn' },
      new Writable({
        write(chunk, _encoding, done) {
          if (JSON.parse(String(chunk)).level >= 50) errors.push(String(chunk));
          done();
        },
      }),
    );
    const stack = await startTestStack({ logger });
    try {
      const api = apiClient(stack.url, stack.token);
      const id = (await api.post('/api/v1/incidents', { title: 'Unknown team', severity: 'SEV1', service: 'checkout-api' })).body.id;
      const reassign = await api.post(`/api/v1/incidents/${id}/team`, { team: 'no-such-team', reason: 'typo' });
      const encodings = await Promise.all(
        ['bogus', 'gzip', 'br, bogus'].map((encoding) =>
          apiClient(stack.url, undefined).send('POST', '/api/v1/incidents', 'junk', { 'Content-Type': 'application/json', 'Content-Encoding': encoding }),
        ),
      );
      const started = Date.now();
      const filters = await Promise.all(['team=a%00', 'service=%0d', 'severity=%7f'].map((query) => api.get(`/api/v1/incidents?${query}`)));
      const filterMs = Date.now() - started;
      const state = (await api.get(`/api/v1/incidents/${id}`)).body;
      verdict('unknown team, encodings, filters', { reassign: reassign.status, encodings: encodings.map((a) => a.status), filters: filters.map((a) => a.status), filterMs, errorLogs: errors.length }, [
        ['unknown team is 400 naming the field', reassign.status === 400 && reassign.body.error.field === 'team'],
        ['the incident still belongs to its team', state.team === 'payments'],
        ['bad encodings are 4xx', encodings.every((answer) => answer.status === 400 || answer.status === 415)],
        ['control characters in filters are 400', filters.every((answer) => answer.status === 400)],
        ['no error-level log line', errors.length === 0],
      ]);
    } finally {
      await stack.stop();
    }
  });

  it('a 40 MB policy file and an alias bomb are rejected with file and line; the last good policy runs on', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'marshal-fault-policy-')), 'config');
    cpSync(join(repoRoot, 'config'), dir, { recursive: true });
    const stack = await startTestStack({ policy: { kind: 'directory', dir } });
    try {
      const api = apiClient(stack.url, stack.token);
      const good = (await api.get('/api/v1/policies/current')).body.version;
      const services = join(dir, 'services.yaml');
      const original = readFileSync(services, 'utf8');
      writeFileSync(services, original + `# ${'x'.repeat(1000)}\n`.repeat(40_000));
      const rssBefore = process.memoryUsage().rss;
      const started = Date.now();
      const huge = await api.post('/api/v1/policies/reload', {});
      const hugeMs = Date.now() - started;
      const rssGrowthMiB = Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20);
      const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefghij'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`)].join('\n');
      writeFileSync(services, bomb);
      const bombReload = await api.post('/api/v1/policies/reload', {});
      const history = (await api.get('/api/v1/policies/history')).body.history as { outcome: string; errors?: { file: string; line: number; message: string }[] }[];
      const rejected = history.filter((entry) => entry.outcome === 'rejected');
      const check = spawnSync(process.execPath, ['--import', 'tsx', 'cli/marshal.ts', 'policy', 'check', dir], { cwd: repoRoot, encoding: 'utf8' });
      const current = (await api.get('/api/v1/policies/current')).body.version;
      verdict('40 MB policy file and alias bomb', { hugeStatus: huge.status, hugeMs, rssGrowthMiB, bombStatus: bombReload.status, rejectedVersions: rejected.length, checkExit: check.status }, [
        [
          'the huge file is rejected naming file and limit',
          huge.body.outcome === 'rejected' && huge.body.errors?.some((e: { file: string; message: string }) => e.file === 'config/services.yaml' && e.message.includes('byte limit')),
        ],
        [
          'the alias bomb is rejected as a YAML problem',
          bombReload.status === 200 && bombReload.body.outcome === 'rejected' && bombReload.body.errors?.some((e: { message: string }) => /alias/i.test(e.message)),
        ],
        ['both are recorded as rejected versions', rejected.length >= 2],
        ['policy check exits 5 naming the file', check.status === 5 && check.stdout.includes('config/services.yaml')],
        ['the last good version is still active', current === good],
      ]);
    } finally {
      await stack.stop();
    }
  });

  it('with the engine down, intake answers 503 within 2 s', async () => {
    process.env.TEST_FAULT_AM_TOKEN = 'fault-am-token';
    const dataDir = mkdtempSync(join(tmpdir(), 'marshal-fault-intake-down-'));
    const server = await startDevServer({ dataDir, headless: true });
    const stack = await startTestStack({
      temporal: { address: server.address, namespace: 'default' },
      policy: { kind: 'directory', dir: policyDirWith('  alertmanager: { tokenEnv: TEST_FAULT_AM_TOKEN }\n') },
    });
    try {
      const sender = apiClient(stack.url, 'fault-am-token');
      await server.stop();
      const times: number[] = [];
      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        const started = Date.now();
        const answer = await sender.post('/api/v1/webhooks/alertmanager', fixture('alertmanager-firing-group', { RUN: runId() }));
        times.push(Date.now() - started);
        statuses.push(answer.status);
      }
      verdict('intake with the engine down', { statuses, msToAnswer: times }, [
        ['every delivery is answered 503', statuses.every((status) => status === 503)],
        ["each within 2 s, inside a sender's 10 s timeout", times.every((ms) => ms < 2000)],
      ]);
    } finally {
      await stack.stop();
    }
  });

  it('Marshal killed with SIGKILL takes its Temporal server with it; a stale one is stopped at the next start', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marshal-fault-tether-'));
    const env = {
      ...process.env,
      MARSHAL_DATA_DIR: dataDir,
      MARSHAL_PORT: String(await freePort()),
      MARSHAL_TEMPORAL_PORT: String(await freePort()),
      MARSHAL_TEMPORAL_UI_PORT: String(await freePort()),
      MARSHAL_POLICY_DIR: join(repoRoot, 'config'),
      MARSHAL_LOG_LEVEL: 'error',
    };
    const start = () =>
      new Promise<ChildProcess>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', 'server/runtime/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let output = '';
        child.stdout!.on('data', (chunk) => {
          output += chunk;
          if (output.includes('Marshal is running')) resolve(child);
        });
        child.stderr!.on('data', (chunk) => (output += chunk));
        child.once('exit', (code) => reject(new Error(`marshal exited with ${code}: ${output}`)));
      });
    const serverPid = () => Number(readFileSync(join(dataDir, 'temporal.pid'), 'utf8'));

    const first = await start();
    const firstServer = serverPid();
    first.kill('SIGKILL');
    const goneAfterKill = await until('the server to stop with Marshal', () => !alive(firstServer), 15_000, 100).then(
      () => true,
      () => false,
    );

    // A stale server from "an earlier run" (started by hand on this data dir), which Marshal must not adopt.
    const stale = spawn(
      findBinary(TEMPORAL_CLI).found!.path,
      ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', env.MARSHAL_TEMPORAL_PORT, '--db-filename', join(dataDir, 'temporal.sqlite')],
      { stdio: 'ignore', detached: true },
    );
    writeFileSync(join(dataDir, 'temporal.pid'), String(stale.pid));
    await sleep(2000);
    const second = await start();
    const staleStopped = !alive(stale.pid!);
    const secondServer = serverPid();
    const health = await apiClient(`http://127.0.0.1:${env.MARSHAL_PORT}`, undefined).get('/healthz');
    second.kill('SIGINT');
    await new Promise((resolve) => second.once('exit', resolve));
    const goneAfterStop = !alive(secondServer);
    verdict('embedded Temporal server tethered to Marshal', { goneAfterKill, staleStopped, healthAfterRestart: health.status, goneAfterStop }, [
      ['the server stops when Marshal is killed', goneAfterKill],
      ['a stale server is stopped, not adopted', staleStopped && secondServer !== stale.pid],
      ['the restarted Marshal is healthy', health.status === 200],
      ['a clean stop leaves no server behind', goneAfterStop],
    ]);
  });
});
