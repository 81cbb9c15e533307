/**
 * What bounds a worker's memory besides its cache (server/runtime/worker.ts, build-output.ts): workflow modules
 * are loaded once and shared instead of once per cached incident, and heaps may not grow far past what they hold.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

describe('worker memory', () => {
  it('the workflow bundle loads the workflow modules once, before any workflow, so every incident shares them', () => {
    const bundle = readFileSync(inject('workflowBundlePath'), 'utf8');
    const preload = bundle.slice(bundle.indexOf('function preloadModules()'), bundle.indexOf('exports.importWorkflows'));
    expect(preload).toContain('"./workflows/index.ts"');
  });

  it('a heap grows far less past what it holds than V8 lets it by default', async () => {
    const probe = async (mode: 'capped' | 'default') => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'support', 'heap-growth-probe.ts'), mode]);
      return JSON.parse(stdout) as { peakMiB: number; kept: number };
    };
    const uncapped = await probe('default');
    const capped = await probe('capped');
    expect(capped.kept).toBe(uncapped.kept);
    // Same live set and garbage: capped, this heap peaked at 141–165 MiB; left to V8, at 276–338.
    expect(capped.peakMiB).toBeLessThan(uncapped.peakMiB * 0.7);
  }, 60_000);
});
