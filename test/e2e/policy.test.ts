/**
 * Policies as code on the running stack: Marshal follows a git repository, applies a merged change
 * without a restart, refuses a broken commit with file:line while the last good version keeps running,
 * and honours an API override until it ends by itself.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { apiClient, repoRoot, startTestStack } from '../support/stack';

const repo = mkdtempSync(join(tmpdir(), 'marshal-policy-repo-'));
const git = (...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { encoding: 'utf8' }).trim();
const platformFile = join(repo, 'config', 'teams', 'platform.yaml');
const primaryOrder = 'participants: [mallory, niaj, olivia, peggy, rupert]';

function commit(message: string, edit: (text: string) => string): string {
  writeFileSync(platformFile, edit(readFileSync(platformFile, 'utf8')));
  git('commit', '-qam', message);
  return git('rev-parse', 'HEAD');
}

let stack: Stack;
let api: ReturnType<typeof apiClient>;
let firstSha: string;
const at = '2026-12-02T15:00:00Z';

beforeAll(async () => {
  cpSync(join(repoRoot, 'config'), join(repo, 'config'), { recursive: true });
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-qm', 'initial policy');
  firstSha = git('rev-parse', 'HEAD');
  stack = await startTestStack({ policy: { kind: 'git', repo, ref: 'main', path: 'config' }, policyIntervalMs: 500 });
  api = apiClient(stack.url, stack.token);
});
afterAll(async () => {
  await stack?.stop();
});

describe('policies from git', () => {
  it('runs the commit it follows, and applies a merged change within one interval, without a restart', async () => {
    expect((await api.get('/api/v1/policies/current')).body.version).toBe(firstSha);
    const before = (await api.get(`/api/v1/oncall/platform?at=${at}`)).body;
    expect(before.primary.personId).toBeTruthy();
    const open = await api.post('/api/v1/incidents', { title: 'Gateway latency', severity: 'SEV2', service: 'api-gateway' });
    expect(open.body.policyVersion).toBe(firstSha);

    // Shift the primary rotation by one person: whoever was on call at `at` no longer is.
    const sha = commit('rotate platform primary', (text) => text.replace(primaryOrder, 'participants: [niaj, olivia, peggy, rupert, mallory]'));
    const after = await vi.waitFor(
      async () => {
        const answer = (await api.get(`/api/v1/oncall/platform?at=${at}`)).body;
        expect(answer.policyVersion).toBe(sha);
        return answer;
      },
      { timeout: 5_000, interval: 100 },
    );
    expect(after.primary.personId).not.toBe(before.primary.personId);

    // The open incident was told, and its timeline says so.
    await vi.waitFor(
      async () => {
        const incident = (await api.get(`/api/v1/incidents/${open.body.id}`)).body;
        expect(incident.policyVersion).toBe(sha);
        expect(incident.timeline.filter((event: { type: string }) => event.type === 'policy-applied')).toEqual([expect.objectContaining({ from: firstSha, to: sha })]);
      },
      { timeout: 5_000, interval: 100 },
    );
    const history = (await api.get('/api/v1/policies/history')).body.history;
    expect(history[0]).toMatchObject({ version: sha, outcome: 'applied' });
  });

  it('refuses a broken commit with file and line, and keeps the last good version running', async () => {
    const good = (await api.get('/api/v1/policies/current')).body.version;
    const answerBefore = (await api.get(`/api/v1/oncall/platform?at=${at}`)).body.primary.personId;
    const broken = commit('add a person nobody defined', (text) => text.replace('participants: [niaj, olivia, peggy, rupert, mallory]', 'participants: [niaj, olivia, peggy, rupert, zed]'));
    const line =
      readFileSync(platformFile, 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('zed')) + 1;

    const reload = await api.post('/api/v1/policies/reload', {});
    expect(reload.body).toMatchObject({ outcome: 'rejected', version: broken, active: good });
    // Asked again (or after the interval's own check got there first), the newest commit is still refused.
    expect((await api.post('/api/v1/policies/reload', {})).body).toMatchObject({ outcome: 'rejected', version: broken, active: good, errors: reload.body.errors });
    expect(reload.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ file: 'config/teams/platform.yaml', line, message: expect.stringContaining('zed') })]));

    expect((await api.get('/api/v1/policies/current')).body.version).toBe(good);
    expect((await api.get(`/api/v1/oncall/platform?at=${at}`)).body.primary.personId).toBe(answerBefore);
    const rejected = (await api.get('/api/v1/policies/history')).body.history.find((entry: { version: string }) => entry.version === broken);
    expect(rejected).toMatchObject({ outcome: 'rejected' });

    // Fixing it forward applies again.
    const fixed = commit('fix the typo', (text) => text.replace('zed]', 'mallory]'));
    expect((await api.post('/api/v1/policies/reload', {})).body).toMatchObject({ outcome: 'applied', version: fixed, active: fixed });
  });
});

describe('on-call overrides', () => {
  it('changes who is on call for its window, is audited, and ends by itself', async () => {
    const now = (await api.get('/api/v1/oncall/platform')).body;
    const regular = now.primary.personId as string;
    const cover = ['judy', 'mallory', 'niaj'].find((person) => person !== regular)!;
    const to = new Date(Date.now() + 4_000).toISOString();
    const created = await api.post('/api/v1/oncall/platform/overrides', {
      person: cover,
      replaces: regular,
      from: new Date(Date.now() - 60_000).toISOString(),
      to,
      reason: 'dentist appointment',
      by: regular,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^ovr-\d+$/), state: 'active', createdBy: regular, person: cover });

    expect((await api.get('/api/v1/oncall/platform')).body.primary.personId).toBe(cover);

    // The override's own timer ends it at `to`; on-call goes back to the rotation.
    await vi.waitFor(
      async () => {
        const overrides = (await api.get('/api/v1/oncall/platform/overrides')).body.overrides;
        expect(overrides.find((override: { id: string }) => override.id === created.body.id)).toMatchObject({ state: 'ended' });
      },
      { timeout: 15_000, interval: 250 },
    );
    expect((await api.get('/api/v1/oncall/platform')).body.primary.personId).toBe(regular);
  });

  it('removes an override on request and refuses bad ones, naming the field', async () => {
    const window = { from: new Date().toISOString(), to: new Date(Date.now() + 3600_000).toISOString(), reason: 'swap' };
    const created = await api.post('/api/v1/oncall/platform/overrides', { person: 'judy', ...window });
    const removed = await api.send('DELETE', `/api/v1/oncall/platform/overrides/${created.body.id}?by=judy`);
    expect(removed.body).toMatchObject({ state: 'removed', removedBy: 'judy' });
    expect((await api.send('DELETE', `/api/v1/oncall/platform/overrides/${created.body.id}`)).status).toBe(409);
    expect((await api.send('DELETE', '/api/v1/oncall/platform/overrides/ovr-99')).status).toBe(404);

    expect((await api.post('/api/v1/oncall/platform/overrides', { person: 'nobody', ...window })).body.error.field).toBe('person');
    expect((await api.post('/api/v1/oncall/platform/overrides', { person: 'judy', ...window, to: 'soon' })).body.error.field).toBe('to');
    const backwards = await api.post('/api/v1/oncall/platform/overrides', { person: 'judy', ...window, to: window.from, from: window.to });
    expect(backwards.status).toBe(400);
    expect((await api.get('/api/v1/oncall/no-such-team')).status).toBe(404);
    expect((await api.get('/api/v1/oncall/platform?at=yesterday')).body.error.field).toBe('at');
  });
});
