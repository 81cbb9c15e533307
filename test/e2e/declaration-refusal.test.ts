/**
 * One declaration use case (usecases/declaration.ts) behind every entry point: the same bad declaration
 * sent through the API, the console and the CLI is refused for the same reason, naming the same field.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleClient } from '../web/console-client';
import { repoRoot, useTestStack } from '../support/stack';

const file = useTestStack();

function cli(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [join(repoRoot, 'cli', 'bin.js'), ...args],
      { cwd: mkdtempSync(join(tmpdir(), 'marshal-cli-')), env: { ...process.env, MARSHAL_URL: file.stack.url, MARSHAL_TOKEN: file.stack.token } },
      (error, _stdout, stderr) => done({ code: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stderr }),
    );
  });
}

const unescape = (html: string) => html.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

describe('a bad declaration', () => {
  it.each([
    ['an unknown service', { service: 'no-such-service' }, 'service'],
    ['an unknown team', { team: 'no-such-team' }, 'team'],
    ['an unknown severity', { severity: 'SEV9' }, 'severity'],
  ])('with %s gets the same refusal from the API, the console and the CLI', async (_name, change, field) => {
    const body = { title: 'Refused everywhere', severity: 'SEV3', ...change };
    const api = await file.api.post('/api/v1/incidents', body);
    expect(api.status).toBe(400);
    expect(api.body.error.field).toBe(field);
    const reason: string = api.body.error.message;

    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token);
    const page = await browser.post('/console/incidents', { _csrf: csrf, ...body });
    expect(page.status).toBe(400);
    expect(unescape(page.html)).toContain(reason);

    const run = await cli(['declare', '--title', body.title, '--severity', body.severity, ...Object.entries(change).flatMap(([key, value]) => [`--${key}`, value])]);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain(reason);
  });
});
