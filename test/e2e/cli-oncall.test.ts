/**
 * `marshal oncall` and `marshal override` through the real CLI process against a running stack: who is on
 * call for one team or all, at an instant, with local times; overrides added, listed and removed; and
 * wrong input answered with one line and the documented exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from '../../server/runtime/stack';
import { runCli, type CliRun } from '../support/cli';
import { apiClient, startTestStack } from '../support/stack';

let stack: Stack;

beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => {
  await stack?.stop();
});

const marshal = (args: string[]) => runCli(stack, args);

async function ok(args: string[]): Promise<string> {
  const run = await marshal(args);
  expect(run, `marshal ${args.join(' ')}`).toMatchObject({ code: 0, stderr: '' });
  return run.stdout;
}

function refused(run: CliRun, code: number, words: string | RegExp) {
  expect(run.code, run.stderr).toBe(code);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(words);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('marshal oncall', () => {
  it('answers for one team at an instant, and for every team now', async () => {
    // Saturday 5 Dec 2026 02:00 UTC: the Sydney hub (13:00 there) holds the payments primary.
    const at = '2026-12-05T02:00:00Z';
    const expected = (await apiClient(stack.url, stack.token).get(`/api/v1/oncall/payments?at=${at}`)).body;
    const one = await ok(['oncall', 'payments', '--at', at]);
    expect(one).toContain('On call at 2026-12-05 02:00:00Z');
    expect(one).toMatch(/TEAM\s+ROTATION\s+PERSON\s+VIA\s+THEIR TIME\s+UNTIL/);
    expect(one).toContain(`${expected.primary.name} (${expected.primary.personId})`);
    expect(one).toMatch(/payments\s+primary\s+.*sydney\s+Sat 13:00 \(Sydney, GMT\+11\)/);
    expect(JSON.parse(await ok(['--json', 'oncall', 'payments', '--at', at]))).toMatchObject({ team: 'payments', at: '2026-12-05T02:00:00.000Z', primary: { personId: expected.primary.personId } });

    const all = await ok(['oncall']);
    for (const team of ['payments', 'platform', 'web']) expect(all).toMatch(new RegExp(`^${team}\\s+primary`, 'm'));
    expect(JSON.parse(await ok(['--json', 'oncall'])).teams.map((answer: { team: string }) => answer.team)).toEqual(['payments', 'platform', 'web']);
  });

  it('adds, lists and removes an override, and the answer follows', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const to = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const added = await ok(['override', 'add', 'web', '--person', 'ivan', '--from', from, '--to', to, '--reason', 'Release night', '--by', 'cli-tester']);
    const id = /^Added (ovr-\d+): ivan holds primary from /.exec(added)![1];
    expect(await ok(['oncall', 'web'])).toMatch(new RegExp(`web\\s+primary\\s+Ivan Petrov \\(ivan\\)\\s+override ${id}`));
    const list = await ok(['override', 'list', 'web']);
    expect(list).toMatch(/ID\s+STATE\s+COVER\s+HOW\s+FROM\s+TO\s+BY\s+WHY/);
    expect(list).toMatch(new RegExp(`${id}\\s+active\\s+ivan\\s+holds primary\\s+.*cli-tester\\s+Release night`));
    expect(await ok(['override', 'remove', 'web', id, '--by', 'cli-tester'])).toBe(`Removed ${id}\n`);
    expect(await ok(['override', 'list', 'web'])).toBe('No overrides.\n');
    expect(await ok(['override', 'list', 'web', '--all'])).toMatch(new RegExp(`${id}\\s+removed`));
    const records = JSON.parse(await ok(['--json', 'override', 'list', 'web'])).overrides;
    expect(records.find((record: { id: string }) => record.id === id)).toMatchObject({ state: 'removed', removedBy: 'cli-tester' });
    refused(await marshal(['override', 'remove', 'web', id]), 4, /already removed/);
  });

  it('refuses wrong input with one line and the documented exit code', async () => {
    refused(await marshal(['oncall', 'nosuchteam']), 3, /no team "nosuchteam"/);
    refused(await marshal(['oncall', 'constructor']), 3, /no team "constructor"/);
    refused(await marshal(['oncall', 'payments', '--at', 'tomorrow']), 2, /ISO 8601 instant/);
    refused(await marshal(['oncall', 'payments', '--at', '2026-12-05T02:00']), 2, /with a zone/);
    const window = ['--from', new Date(Date.now() + 3_600_000).toISOString(), '--to', new Date(Date.now() + 7_200_000).toISOString()];
    refused(await marshal(['override', 'add', 'web', '--person', 'nobody', ...window, '--reason', 'x']), 5, /no person "nobody"/);
    refused(await marshal(['override', 'add', 'web', '--person', 'ivan', ...window, '--reason', 'x'.repeat(2001)]), 5, /reason.*longer than 2000/);
    // (A NUL cannot reach a process's arguments at all; the console's test sends one.)
    refused(await marshal(['override', 'add', 'web', '--person', 'p'.repeat(300), ...window, '--reason', 'x']), 5, /person.*longer than 200/);
    refused(await marshal(['override', 'add', 'web', '--person', 'ivan', '--from', '2026-12-05', '--to', '2026-12-06T00:00:00Z', '--reason', 'x']), 2, /ISO 8601/);
    refused(await marshal(['override', 'add', 'web', '--person', 'ivan', ...window.slice(0, 2), '--to', '2020-01-01T00:00:00Z', '--reason', 'x']), 5, /after "from"|in the past/);
    refused(await marshal(['override', 'add', 'web', '--person', 'ivan', ...window, '--reason', 'x', '--rotation', 'tertiary']), 2, /rotation/);
    refused(await marshal(['override', 'remove', 'web', 'ovr-99999']), 3, /no override ovr-99999/);
    refused(await marshal(['override', 'add', 'web', '--person', 'ivan', ...window]), 2, /--reason/);
  });
});
