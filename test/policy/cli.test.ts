/** `marshal policy …` as a pull-request job runs it: a real child process on real files and git. */
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repositoryCodeowners } from '../../cli/policy-commands';
import { loadPolicyDir } from '../../policy/io/load';
import { repoRoot } from '../support/stack';

const run = async (args: string[], cwd = repoRoot) => {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), join(repoRoot, 'cli', 'marshal.ts'), ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
};

function scratchRepo() {
  const repo = mkdtempSync(join(tmpdir(), 'marshal-cli-policy-'));
  cpSync(join(repoRoot, 'config'), join(repo, 'config'), { recursive: true });
  const git = (...args: string[]) => promisify(execFile)('git', ['-C', repo, '-c', 'user.name=T', '-c', 'user.email=t@example.com', ...args]);
  return { repo, git };
}

describe('marshal policy', () => {
  it('check passes the shipped policy and refuses a broken one with file:line and exit 5', async () => {
    expect((await run(['policy', 'check', 'config'])).code).toBe(0);
    const { repo } = scratchRepo();
    const file = join(repo, 'config', 'severities.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: soon'));
    const line =
      readFileSync(file, 'utf8')
        .split('\n')
        .findIndex((text) => text.includes('soon')) + 1;
    const broken = await run(['policy', 'check', join(repo, 'config')]);
    expect(broken.code).toBe(5);
    expect(broken.stdout).toMatch(new RegExp(`config/severities\\.yaml:${line}:\\d+: error: .*soon`));
  });

  it('diff describes consequences between two commits', async () => {
    const { repo, git } = scratchRepo();
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('commit', '-qm', 'base');
    const file = join(repo, 'config', 'severities.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('acknowledgementTimeout: 5m', 'acknowledgementTimeout: 15m'));
    await git('commit', '-qam', 'slower SEV1 acks');
    const diff = await run(['policy', 'diff', 'HEAD~1', 'HEAD', '--from', '2026-12-01T00:00:00Z'], repo);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('SEV1');
    expect(diff.stdout).toMatch(/5m.*15m/);
  });

  it('check refuses a removed follow-the-sun hub, naming the window nobody gets the first page', async () => {
    const { repo, git } = scratchRepo();
    await git('init', '-q', '-b', 'main');
    await git('add', '.');
    await git('commit', '-qm', 'base');
    const file = join(repo, 'config', 'teams', 'payments.yaml');
    const withoutSydney = readFileSync(file, 'utf8').replace(/      - name: sydney\n[\s\S]*?hours: \{ from: '08:00', to: '18:00' \}\n/, '');
    // Ivan goes too: he was only on the Sydney hub.
    const written = withoutSydney.replace(/  - id: ivan\n.*\n.*\n.*\n/, '');
    writeFileSync(file, written);
    const sev1Line = written.split('\n').findIndex((line, index, lines) => line.includes('- targets') && lines.slice(0, index).some((l) => l.includes('SEV1:'))) + 1;
    const check = await run(['policy', 'check', join(repo, 'config')]);
    expect(check.code).toBe(5);
    // The secondary still covers the night, so only the first page's gap makes it invalid.
    // Which UTC hours depends on the date the check runs (clocks change), so match the shape of the window.
    expect(check.stdout).toMatch(new RegExp(`config/teams/payments\\.yaml:${sev1Line}:\\d+: error: the first page of a SEV1 for payments reaches nobody [^;]*\\d\\d:00 UTC`));
    expect(check.stdout).toContain('Cover those hours in the rotation this level pages');

    await git('commit', '-qam', 'drop the Sydney hub');
    const diff = await run(['policy', 'diff', 'HEAD~1', 'HEAD', '--from', '2026-12-01T00:00:00Z'], repo);
    // The diff still describes an invalid head: reviewers need to see what it would do.
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('- **payments**: new gap — the first page of a SEV1 reaches nobody 01:00–07:00 UTC daily');
    expect(diff.stdout).toContain('- **Ivan Petrov** (payments) is removed from the policy.');
    expect(diff.stdout).toContain('| Grace Nguyen | Australia/Sydney |');
  });

  it('simulate prints the paging timeline, level by level', async () => {
    const result = await run(['policy', 'simulate', '--team', 'platform', '--severity', 'SEV1', '--at', '2026-12-02T15:00:00Z']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/level 1: page/);
    expect(result.stdout).toMatch(/level 2: page/);
    expect((await run(['policy', 'simulate', '--team', 'nope', '--severity', 'SEV1'])).code).toBe(3);
  });

  it('keeps .github/CODEOWNERS in sync with the team files', async () => {
    const loaded = loadPolicyDir(join(repoRoot, 'config'));
    if (!loaded.ok) throw new Error('the shipped policy must load');
    expect(readFileSync(join(repoRoot, '.github', 'CODEOWNERS'), 'utf8')).toBe(repositoryCodeowners(loaded.policy));
    expect((await run(['policy', 'codeowners', '--check', '.github/CODEOWNERS'])).code).toBe(0);
  });
});
