/** Editing title, summary and impact start as a pure fold: what changed is recorded old → new, and refusals name the field. */
import { describe, expect, it } from 'vitest';
import { declare, decide, markArchived, record, replayTimeline, STATE_BUDGET_BYTES, type Command, type IncidentPolicy, type IncidentState } from '../../workflows/incident-state';
import { examplePolicy } from '../policy/helpers';

const policy: IncidentPolicy = { version: 'v1', severities: examplePolicy().severities };
const declaredAt = '2026-11-21T10:00:00.000Z';
const fresh = () => declare({ id: 'abc', title: 'Checkout ~30% errors', severity: 'SEV2', team: 'payments', reporter: 'dan' }, policy, declaredAt);

function run(state: IncidentState, command: Command, at = '2026-11-21T10:05:00.000Z'): IncidentState {
  const decision = decide(state, command);
  if (!decision.ok) throw new Error(`refused: ${decision.refusal.reason}`);
  return record(state, decision.events, at, command.by);
}
const refusal = (state: IncidentState, command: Command) => {
  const decision = decide(state, command);
  if (decision.ok) throw new Error('expected a refusal');
  return decision.refusal;
};

describe('editing an incident', () => {
  it('records only what changed, old and new, and the state follows', () => {
    const state = run(fresh(), { type: 'edit-details', by: 'alice', title: 'Checkout 70% errors', summary: 'Gateway 500s', impactStartedAt: '2026-11-21T09:40:00+01:00' });
    expect(state.timeline.at(-1)).toMatchObject({
      type: 'details-edited',
      by: 'alice',
      title: { from: 'Checkout ~30% errors', to: 'Checkout 70% errors' },
      summary: { to: 'Gateway 500s' },
      impactStartedAt: { to: '2026-11-21T08:40:00.000Z' },
    });
    expect(state.timeline.at(-1)).not.toHaveProperty('summary.from');
    expect(state).toMatchObject({ title: 'Checkout 70% errors', summary: 'Gateway 500s', impactStartedAt: '2026-11-21T08:40:00.000Z' });
    // An edit is human activity: idle reminders count from it.
    expect(state.landmarks.lastHumanActivity?.seq).toBe(state.lastSeq);

    const again = run(state, { type: 'edit-details', by: 'bob', title: 'Checkout 70% errors', impactStartedAt: '2026-11-21T08:30:00Z' });
    const edit = again.timeline.at(-1)!;
    expect(edit).not.toHaveProperty('title');
    expect(edit).toMatchObject({ impactStartedAt: { from: '2026-11-21T08:40:00.000Z', to: '2026-11-21T08:30:00.000Z' } });
    expect(replayTimeline('abc', policy, again.timeline)).toMatchObject({ title: 'Checkout 70% errors', summary: 'Gateway 500s', impactStartedAt: '2026-11-21T08:30:00.000Z' });
  });

  it('refuses an edit that changes nothing, an unreadable instant and one far before the declaration', () => {
    const state = fresh();
    expect(refusal(state, { type: 'edit-details', by: 'alice', title: 'Checkout ~30% errors' })).toMatchObject({ kind: 'conflict' });
    expect(refusal(state, { type: 'edit-details', by: 'alice' })).toMatchObject({ kind: 'conflict' });
    expect(refusal(state, { type: 'edit-details', by: 'alice', impactStartedAt: 'yesterday' })).toMatchObject({ kind: 'invalid', field: 'impactStartedAt' });
    expect(refusal(state, { type: 'edit-details', by: 'alice', impactStartedAt: '2025-11-21T10:00:00Z' })).toMatchObject({ kind: 'invalid', field: 'impactStartedAt' });
    expect(refusal(state, { type: 'edit-details', by: 'alice', impactStartedAt: 'x'.repeat(10_000) }).reason.length).toBeLessThan(200);
  });

  it('refuses edits of a closed incident', () => {
    const closed = { ...fresh(), closedAt: '2026-11-22T00:00:00Z' };
    expect(refusal(closed, { type: 'edit-details', by: 'alice', title: 'New' })).toMatchObject({ kind: 'conflict' });
  });

  it('keeps archived edits as a glance: long old and new texts are cut, so the state stays bounded', () => {
    let state = fresh();
    for (let index = 0; index < 60; index += 1) state = run(state, { type: 'edit-details', by: 'alice', summary: `${index} ${'long text '.repeat(500)}` });
    state = markArchived(state, state.lastSeq);
    const glanced = state.timeline.filter((event) => event.type === 'details-edited');
    expect(glanced.length).toBeLessThanOrEqual(30);
    for (const event of glanced) {
      if (event.type !== 'details-edited') continue;
      expect(event.summary!.to.length).toBeLessThanOrEqual(281);
      expect((event.summary!.from ?? '').length).toBeLessThanOrEqual(281);
    }
    expect(JSON.stringify(state).length).toBeLessThan(STATE_BUDGET_BYTES / 4);
  });
});
