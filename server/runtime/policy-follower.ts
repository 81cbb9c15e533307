/**
 * GitOps for policies: follow a git repository and ref (or, outside git, a directory), and apply each new
 * version that validates. A version that fails is recorded as rejected with its file:line problems; the
 * last good one keeps running. Open incidents are told of every applied version.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadPolicyAtCommit, resolveRef } from '../../policy/io/git';
import { contentVersion, loadPolicyDir } from '../../policy/io/load';
import type { PolicyLoadResult, PolicyProblem } from '../../policy/types';
import type { Logger } from './log';
import type { PolicyStore } from './policy-store';

export type PolicySource = { kind: 'git'; repo: string; ref: string; path: string } | { kind: 'directory'; dir: string };

export const describeSource = (source: PolicySource) => (source.kind === 'git' ? `${source.repo}@${source.ref}:${source.path}` : source.dir);

/** A cheap fingerprint that says whether the source changed, without validating it. */
function fingerprint(source: PolicySource): string {
  if (source.kind === 'git') return resolveRef(source.repo, source.ref);
  const files: { display: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ya?ml|json)$/.test(name)) files.push({ display: relative(source.dir, path), text: readFileSync(path, 'utf8') });
    }
  };
  walk(source.dir);
  return contentVersion(files);
}

/** Read and validate the policy; nothing about a bad policy throws: every failure is a rejected version. */
export function readPolicy(source: PolicySource): { version: string; result: PolicyLoadResult } {
  try {
    return readPolicyOrThrow(source);
  } catch (error) {
    const problem = {
      level: 'error' as const,
      file: describeSource(source),
      line: 1,
      column: 1,
      message: `could not read the policy: ${(error as Error).message}`,
      hint: 'Fix the policy source; the last good version keeps running meanwhile.',
    };
    return { version: `unreadable@${new Date().toISOString()}`, result: { ok: false, errors: [problem], warnings: [] } };
  }
}

function readPolicyOrThrow(source: PolicySource): { version: string; result: PolicyLoadResult } {
  if (source.kind === 'git') {
    const { sha, result } = loadPolicyAtCommit(source.repo, source.ref, source.path);
    return { version: sha, result };
  }
  const version = fingerprint(source);
  return { version, result: loadPolicyDir(source.dir, { version }) };
}

export interface CheckOutcome {
  outcome: 'applied' | 'unchanged' | 'rejected';
  version: string;
  active: string;
  errors?: PolicyProblem[];
}

export class PolicyFollower {
  private lastSeen: string;
  /** The version open incidents have been told of. */
  private told: string;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<CheckOutcome>;
  /** The newest version, when it was rejected: asked again, the answer is still that rejection. */
  private rejected?: CheckOutcome;

  constructor(
    private readonly source: PolicySource,
    private readonly store: PolicyStore,
    private readonly onApplied: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {
    this.lastSeen = store.current.version;
    this.told = store.current.version;
  }

  /** Check every `intervalMs` until stopped. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.check().catch((error) => this.logger.warn({ err: error }, 'policy check failed'));
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Look for a new version now; concurrent callers share one check. */
  check(): Promise<CheckOutcome> {
    this.checking ??= this.checkOnce().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async checkOnce(): Promise<CheckOutcome> {
    const seen = fingerprint(this.source);
    const active = () => this.store.current.version;
    if (seen === this.lastSeen && this.told === active()) return this.rejected ?? { outcome: 'unchanged', version: seen, active: active() };
    const { version, result } = readPolicy(this.source);
    this.store.offer(result, version, describeSource(this.source));
    this.lastSeen = seen;
    if (!result.ok) {
      this.logger.warn({ version, errors: result.errors }, 'policy version rejected; the last good version stays active');
      this.rejected = { outcome: 'rejected', version, active: active(), errors: result.errors };
      return this.rejected;
    }
    this.rejected = undefined;
    if (this.told === active()) return { outcome: 'unchanged', version, active: active() };
    this.logger.info({ version }, 'policy version applied');
    // Open incidents are told of every applied version; if telling them fails, the next check tries again.
    await this.onApplied();
    this.told = active();
    return { outcome: 'applied', version, active: active() };
  }
}
