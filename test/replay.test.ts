/**
 * Determinism guard: recorded histories of real incidents (test/histories/, made by
 * `npm run record-history`) must replay against today's workflow code. A change that would break
 * running incidents fails here; guard such changes with `patched()`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import * as workflowTypes from '../workflows';

const dir = join(__dirname, 'histories');
const histories = readdirSync(dir).filter((name) => name.endsWith('.json'));

describe('replay of recorded workflow histories', () => {
  it('has histories to replay, for every workflow type', () => {
    // Two from before paging existed (replayed through patched()), two with it, one with the bounded state, and
    // ones started since new runs take every change with one marker (workflows/patches.ts).
    expect(histories).toEqual(
      expect.arrayContaining([
        'lifecycle-closed.json',
        'continued-as-new.json',
        'lifecycle-paged.json',
        'continued-as-new-paged.json',
        'bounded-lifecycle.json',
        'changes-2026-12-lifecycle.json',
        'changes-2026-12-escalation.json',
        'changes-2026-12-alert-group.json',
      ]),
    );
    const recordedTypes = new Set(histories.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')).events[0].workflowExecutionStartedEventAttributes.workflowType.name));
    expect([...recordedTypes].sort()).toEqual(Object.keys(workflowTypes).sort());
  });

  it.each(histories)('%s replays deterministically', async (name) => {
    const history = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    // Throws DeterminismViolationError (or another failure) if the code no longer matches the history.
    await Worker.runReplayHistory({ workflowBundle: { codePath: inject('workflowBundlePath') } }, history, `incident-${name}`);
  });
});
