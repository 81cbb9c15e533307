/** The real `marshal` CLI (cli/bin.js, as installed) as a child process against a test stack. */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './paths';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `marshal ...args` with MARSHAL_URL and MARSHAL_TOKEN set to the stack's, from a directory with no ./data. */
export function runCli(stack: { url: string; token: string }, args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'cli', 'bin.js'), ...args],
      { cwd: mkdtempSync(join(tmpdir(), 'marshal-cli-')), env: { ...process.env, MARSHAL_URL: stack.url, MARSHAL_TOKEN: stack.token, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
