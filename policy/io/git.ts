/**
 * Policies as git holds them: the policy at a commit is `config/` as of that commit, and its version is
 * the commit SHA. Reads git through its CLI (`git rev-parse`, `git archive`); nothing is checked out, so
 * the repository's work tree is never touched.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPolicyDir } from './load';
import type { PolicyLoadResult } from '../types';

const git = (repo: string, args: string[], input?: Buffer) => execFileSync('git', ['-C', repo, ...args], { input, stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 512 * 1024 * 1024 });

/** The commit a ref names now, e.g. HEAD, main, origin/main, a tag or a SHA. */
export function resolveRef(repo: string, ref: string): string {
  try {
    return git(repo, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])
      .toString()
      .trim();
  } catch {
    throw new Error(`"${ref}" is not a commit in ${repo}`);
  }
}

export function isGitRepository(dir: string): boolean {
  try {
    git(dir, ['rev-parse', '--git-dir']);
    return true;
  } catch {
    return false;
  }
}

/** The repository's top folder, for a directory inside one. */
export function repositoryRoot(dir: string): string {
  return git(dir, ['rev-parse', '--show-toplevel']).toString().trim();
}

/**
 * Load and validate the policy at a commit. `policyPath` is the policy folder inside the repository
 * (default `config`). The result's version is the commit SHA.
 */
export function loadPolicyAtCommit(repo: string, ref: string, policyPath = 'config', options: { now?: Date; skipCoverage?: boolean } = {}): { sha: string; result: PolicyLoadResult } {
  const sha = resolveRef(repo, ref);
  const dir = mkdtempSync(join(tmpdir(), 'marshal-policy-'));
  try {
    let archive: Buffer;
    try {
      archive = git(repo, ['archive', '--format=tar', sha, '--', policyPath]);
    } catch {
      const missing = {
        level: 'error' as const,
        file: policyPath,
        line: 1,
        column: 1,
        message: `commit ${sha.slice(0, 12)} has no ${policyPath}/ folder`,
        hint: 'Point MARSHAL_POLICY_PATH at the policy folder.',
      };
      return { sha, result: { ok: false, errors: [missing], warnings: [] } };
    }
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
    return { sha, result: loadPolicyDir(join(dir, policyPath), { version: sha, ...options }) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
