/**
 * The `marshal` command end to end: the real CLI (cli/bin.js, as installed) as a child process against
 * the running stack on a real Temporal dev server. Each child costs ~0.5 s, so checks share processes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import type { Stack } from '../../server/runtime/stack';
import { repoRoot, startTestStack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `marshal ...args` against the test stack (or whatever MARSHAL_URL/MARSHAL_TOKEN `env` names). */
function marshal(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'cli', 'bin.js'), ...args],
      {
        cwd: mkdtempSync(join(tmpdir(), 'marshal-cli-')), // no ./data/admin-token to fall back on
        env: { ...process.env, MARSHAL_URL: stack.url, MARSHAL_TOKEN: stack.token, ...env },
        timeout: 30_000,
      },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** Exit 0, or fail showing what the CLI said. */
async function ok(args: string[]): Promise<string> {
  const run = await marshal(args);
  expect(run, `marshal ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

describe('marshal CLI', () => {
  it('runs the whole lifecycle to closed', async () => {
    const declared = JSON.parse(await ok(['declare', '--title', 'CLI: checkout returns 500s', '--severity', 'SEV2', '--team', 'payments', '--reporter', 'dana', '--json'])) as IncidentView;
    expect(declared).toMatchObject({ title: 'CLI: checkout returns 500s', severity: 'SEV2', status: 'open', phase: 'discover', team: 'payments' });
    const id = declared.id;

    expect(await ok(['ack', id, '--by', 'alice'])).toContain(`Acknowledged ${id}: open, phase act`);
    const again = await marshal(['ack', id, '--by', 'bob']);
    expect(again.code).toBe(4);
    expect(again.stdout).toBe('');
    expect(again.stderr).toMatch(/^marshal: already acknowledged by alice at \S+\n$/);

    await ok(['update', id, '--status', 'investigating', '--message', 'Looking at the payment gateway', '--public', '--by', 'alice']);
    await ok(['update', id, '--status', 'identified', '--message', 'Bad config push; rolling back', '--by', 'alice']);
    expect(await ok(['severity', id, 'SEV1', '--reason', 'All regions affected', '--by', 'alice'])).toContain('SEV1');
    await ok(['assign', id, 'commander', 'carol', '--by', 'alice']);
    const resolved = await ok(['resolve', id, '--summary', 'Rolled back the config', '--by', 'carol']);
    expect(resolved).toContain(`Resolved ${id}: resolved, phase reflect`);
    expect(resolved).toContain('publish the postmortem (required for SEV1)');

    expect(await ok(['action', 'add', id, '--title', 'Validate config before push', '--owner', 'dan', '--due', '2026-12-31T17:00:00Z'])).toContain(`Added action item AI-1 to ${id}`);
    expect(await ok(['action', 'complete', id, 'AI-1', '--by', 'dana'])).toContain('publish the postmortem');

    // Publish an edited draft from a file: the draft comes from the timeline.
    const draft = await ok(['postmortem', 'draft', id]);
    expect(draft).toContain('Severity SEV2 → SEV1: All regions affected');
    const file = join(mkdtempSync(join(tmpdir(), 'marshal-pm-')), 'postmortem.md');
    writeFileSync(file, `${draft}\nEdited by the CLI test.\n`);
    expect(await ok(['postmortem', 'publish', id, '--file', file, '--by', 'carol'])).toMatch(/Nothing else is owed|: closed, phase closed/);

    // Closing follows the last duty right after the command returns.
    const closed = await vi.waitFor(
      async () => {
        const current = JSON.parse(await ok(['show', id, '--json'])) as IncidentView;
        expect(current.status).toBe('closed');
        return current;
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(closed.roles.commander).toBe('carol');
    expect(closed.postmortem?.markdown).toContain('Edited by the CLI test.');
    expect(closed.statusUpdates.map((update) => update.status)).toEqual(['investigating', 'identified']);

    const shown = await ok(['show', id]);
    expect(shown).toMatch(/status\s+closed \(phase closed\)/);
    expect(shown).toMatch(/AI-1\s+completed\s+dan\s/);
    expect(shown).toMatch(/\d+\s+\S+ \S+\s+alice\s+severity SEV2 → SEV1: All regions affected/);
  });

  it('declares for people and lists in an aligned table', async () => {
    const title = `CLI list check ${Date.now()}`;
    const declared = await ok(['declare', '--title', title, '--severity', 'SEV4', '--team', 'web']);
    const id = /^Declared (\w+) /.exec(declared)?.[1];
    expect(id, declared).toBeDefined();
    await vi.waitFor(
      async () => {
        const list = await ok(['list', '--team', 'web', '--severity', 'SEV4']);
        const lines = list.trimEnd().split('\n');
        expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+STATUS\s+PHASE\s+TEAM\s+SERVICE\s+DECLARED\s+TITLE$/);
        const row = lines.find((line) => line.startsWith(id!));
        expect(row).toContain(title);
        expect(row!.indexOf(title)).toBe(lines[0].indexOf('TITLE'));
      },
      { timeout: 10_000, interval: 300 },
    );
  });

  it('searches incidents, lists action items across incidents, and rebuilds the projection', async () => {
    const word = `cliword${Date.now().toString(36)}`;
    const id = /^Declared (\w+) /.exec(await ok(['declare', '--title', `Queue ${word} stuck`, '--severity', 'SEV4', '--team', 'web']))![1];
    await ok(['action', 'add', id, '--title', `Alarm on ${word}`, '--owner', 'carol', '--due', new Date(Date.now() + 3 * 24 * 3600_000).toISOString()]);
    await vi.waitFor(
      async () => {
        const found = await ok(['list', '--search', word]);
        expect(found).toContain(id);
        const items = (await ok(['action', 'list', '--owner', 'carol'])).trimEnd().split('\n');
        expect(items[0]).toMatch(/^STATE\s+ITEM\s+OWNER\s+DUE\s+TITLE\s+INCIDENT$/);
        expect(items.find((line) => line.includes(`${id}/AI-1`))).toContain(`Alarm on ${word}`);
      },
      { timeout: 20_000, interval: 300 },
    );
    expect(await ok(['projection', 'rebuild'])).toMatch(/^Rebuilt the projection from Temporal: \d+ incidents, \d+ events read, 0 missing ones stored, \d+ folded\.$/m);
    expect(await ok(['list', '--search', word])).toContain(id);
  });

  it('issues, lists and revokes a personal token, which then works as that person and then not at all', async () => {
    const issued = await ok(['token', 'create', '--name', 'cli test', '--person', 'alice', '--days', '7']);
    const token = /^(mrsh_\S+)$/m.exec(issued)?.[1];
    expect(token, issued).toBeDefined();
    const id = /^Token (\w+) /.exec(issued)![1];
    const asAlice = await marshal(['declare', '--title', 'Declared with a personal token', '--severity', 'SEV4', '--team', 'web', '--json'], { MARSHAL_TOKEN: token! });
    expect(JSON.parse(asAlice.stdout).reporter).toBe('alice');
    expect((await ok(['token', 'list'])).split('\n').find((line) => line.startsWith(id))).toMatch(/live\s+alice\s+cli test/);
    expect(await ok(['token', 'revoke', id])).toBe(`Revoked token ${id}.\n`);
    const refused = await marshal(['list'], { MARSHAL_TOKEN: token! });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/401|token/i);
  });

  it('finds the server on MARSHAL_PORT when MARSHAL_URL is unset', async () => {
    const { MARSHAL_URL: _unset, ...env } = process.env;
    const run = await new Promise<{ code: number; stdout: string }>((done) =>
      execFile(
        process.execPath,
        [join(repoRoot, 'cli', 'bin.js'), 'list'],
        { cwd: mkdtempSync(join(tmpdir(), 'marshal-cli-')), env: { ...env, MARSHAL_TOKEN: stack.token, MARSHAL_PORT: new URL(stack.url).port } },
        (error, stdout) => done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout }),
      ),
    );
    expect(run.code).toBe(0);
  });

  it('maps failures to documented exit codes with one line on stderr', async () => {
    const port = await closedPort();
    const [missing, usage, wrongToken, unreachable, rejected] = await Promise.all([
      marshal(['show', 'nosuchid']),
      marshal(['declare', '--title', 'No severity given']),
      marshal(['list'], { MARSHAL_TOKEN: 'not-the-token' }),
      marshal(['list'], { MARSHAL_URL: `http://127.0.0.1:${port}` }),
      marshal(['declare', '--title', 'Bad severity', '--severity', 'SEV9']),
    ]);
    expect(missing).toMatchObject({ code: 3, stderr: 'marshal: no incident nosuchid\n', stdout: '' });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^marshal: required option '--severity <name>' not specified.*\n$/);
    expect(wrongToken.code).toBe(6);
    expect(wrongToken.stderr).toMatch(/^marshal: the server refused the token from MARSHAL_TOKEN: .*\n$/);
    expect(unreachable.code).toBe(7);
    expect(unreachable.stderr).toMatch(/^marshal: cannot reach Marshal at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
    expect(rejected.code).toBe(5);
    expect(rejected.stderr).toMatch(/^marshal: unknown severity "SEV9"/);
    for (const run of [missing, usage, wrongToken, unreachable, rejected]) expect(run.stderr.split('\n')).toHaveLength(2);
  });
});
