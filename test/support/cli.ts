/** The real `marshal` CLI (cli/bin.js, as installed) as a child process against a test stack. */
import { execFile, spawn } from 'node:child_process';
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

/** `marshal ...args` left running, for commands that wait on someone (marshal login): read its output as it comes. */
export function startCli(stack: { url: string; token: string }, args: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const child = spawn(process.execPath, [join(repoRoot, 'cli', 'bin.js'), ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'marshal-cli-')),
    env: { ...process.env, MARSHAL_URL: stack.url, MARSHAL_TOKEN: stack.token, ...env },
  });
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve) => child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr })));
  return {
    done,
    /** The first match of `pattern` in what the command has written to stderr so far, waiting up to `timeoutMs`. */
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const match = pattern.exec(stderr);
        if (match) return match;
        if (Date.now() > until || child.exitCode !== null) throw new Error(`marshal ${args.join(' ')} never printed ${pattern}: ${stderr}${stdout}`);
        await new Promise((wait) => setTimeout(wait, 100));
      }
    },
    stop: () => child.kill('SIGTERM'),
  };
}
