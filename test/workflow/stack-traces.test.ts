/**
 * Workflow code runs without stack traces (workflows/stack-traces.ts): the worker's bundle says what failed but
 * not where, and `npm run replay` says where. The history is a recorded incident whose start input is broken so
 * that the workflow's first task throws in Marshal's own code.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Worker } from '@temporalio/worker';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);
const recorded = join(__dirname, '..', 'histories', 'lifecycle-paged.json');

/** The recorded incident, started with a declaration of null: `declare()` throws reading its id. */
function brokenHistory(): string {
  const history = JSON.parse(readFileSync(recorded, 'utf8'));
  const [input] = history.events[0].workflowExecutionStartedEventAttributes.input.payloads;
  input.data = Buffer.from(JSON.stringify({ declaration: null })).toString('base64');
  const path = join(mkdtempSync(join(tmpdir(), 'marshal-replay-')), 'broken.json');
  writeFileSync(path, JSON.stringify(history));
  return path;
}

describe('stack traces in workflow code', () => {
  it("the worker's bundle reports a workflow's error without its frames", async () => {
    const history = JSON.parse(readFileSync(brokenHistory(), 'utf8'));
    const replay = Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, 'broken');
    const error = await replay.then(
      () => undefined,
      (failure: Error) => failure,
    );
    expect(error?.message).toContain("Cannot destructure property 'id' of 'declaration' as it is null");
    expect(error?.message).not.toMatch(/workflows\/incident(-state)?\.ts/);
  });

  it('npm run replay shows where in the workflow code it failed, and says which histories replay', async () => {
    const script = join(__dirname, '..', '..', 'scripts', 'replay.ts');
    const failed = await run(process.execPath, ['--import', 'tsx', script, brokenHistory(), recorded]).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stdout).toMatch(/broken\.json: does not replay\n[^]*Cannot destructure property 'id'[^]*\n\s+at \S+ \(\/.*\/workflows\/incident-state\.ts:\d+:\d+\)/);
    expect(failed?.stdout).toContain(`${recorded}: replays`);

    const { stdout } = await run(process.execPath, ['--import', 'tsx', script, recorded]);
    expect(stdout.trim()).toBe(`${recorded}: replays`);
  }, 120_000);

  it('npm run replay refuses what is not a history, file by file, without stalling', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'marshal-replay-'));
    const file = (name: string, content: string | Buffer) => {
      writeFileSync(join(dir, name), content);
      return join(dir, name);
    };
    const started = JSON.parse(readFileSync(recorded, 'utf8'));
    started.events[0].workflowExecutionStartedEventAttributes = {};
    const hostile = [
      file('bytes.json', Buffer.from([0xff, 0xfe, 0x00, 0x7b])),
      file('empty.json', '{}'),
      // A lone surrogate and a NUL where the event type goes; the core's replay stalled on these.
      file('garbage-event.json', '{"events":[{"eventType":"\\ud800\\u0000"}]}'),
      file('no-type.json', JSON.stringify(started)),
      join(dir, 'missing.json'),
    ];
    const failed = await run(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'scripts', 'replay.ts'), ...hostile, recorded], { timeout: 90_000 }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    for (const path of hostile) expect(failed?.stdout).toContain(`${path}: does not replay`);
    expect(failed?.stdout.match(/not a workflow history/g)).toHaveLength(3);
    expect(failed?.stdout).toContain(`${recorded}: replays`);
  }, 120_000);
});
