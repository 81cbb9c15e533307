/** Roles as a pure fold: who is told, which commander handoff waits for acceptance, who may accept, and what is due. */
import { describe, expect, it } from 'vitest';
import { attentionNeeded, dueNext } from '../../server/web/console/due-next';
import { mayAcceptHandoff } from '../../usecases/permissions';
import { decide, markArchived, record, replayTimeline, type Command, type IncidentState } from '../../workflows/incident-state';
import { incident, policy } from '../web/fixtures';

const START = '2026-11-21T10:00:00.000Z';
const at = (minutes: number) => Date.parse(START) + minutes * 60_000;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();

function refusal(state: IncidentState, command: Command) {
  const decision = decide(state, command);
  if (decision.ok) throw new Error('expected a refusal');
  return decision.refusal;
}

const announced = (by: string, person: string, notes?: string): Command => ({ type: 'assign-role', by, role: 'commander', person, announce: true, ...(notes ? { notes } : {}) });

describe('commander handoffs', () => {
  it('a replacement by someone else awaits acceptance by the incoming commander, with the notes', () => {
    const view = incident({ title: 'Ledger lag', severity: 'SEV2', team: 'payments' }, [
      [1, { type: 'acknowledge', by: 'alice' }],
      [2, announced('alice', 'carol')],
      [5, announced('carol', 'dan', 'Rollback half done')],
    ]);
    expect(view.timeline.filter((event) => event.type === 'role-assigned').map((event) => event.type === 'role-assigned' && [event.person, event.awaitsAcceptance ?? false])).toEqual([
      ['carol', false],
      ['dan', true],
    ]);
    expect(view.pendingHandoff).toEqual({ seq: expect.any(Number), at: iso(5), from: 'carol', to: 'dan', notes: 'Rollback half done' });
    // Due next says whom it waits on, from the first reminder's time (SEV2 has no handoffAcceptWithin: 10 minutes).
    const due = dueNext(view, policy, at(6)).find((item) => item.kind === 'handoff');
    expect(due).toMatchObject({ what: 'Commander handoff awaiting acceptance by dan (from carol)', at: iso(15), overdue: false });
    expect(attentionNeeded(view, policy, at(16))).toContain('Handoff not accepted');
  });

  it('only the incoming commander accepts; acceptance, or a new commander, settles it', () => {
    const view = incident({ title: 'Ledger lag', severity: 'SEV2', team: 'payments' }, [
      [2, announced('alice', 'carol')],
      [5, announced('carol', 'dan')],
    ]);
    let state = replayTimeline(view.id, view.policy, view.timeline);
    expect(refusal(state, { type: 'accept-handoff', by: 'carol' })).toMatchObject({ kind: 'conflict' });
    expect(mayAcceptHandoff('carol', state.pendingHandoff)).toMatchObject({ ok: false });
    expect(mayAcceptHandoff('dan', state.pendingHandoff)).toEqual({ ok: true });
    const accepted = decide(state, { type: 'accept-handoff', by: 'dan' });
    if (!accepted.ok) throw new Error(accepted.refusal.reason);
    const after = record(state, accepted.events, iso(7), 'dan');
    expect(after.pendingHandoff).toBeUndefined();
    expect(after.timeline.at(-1)).toMatchObject({ type: 'handoff-accepted', role: 'commander', from: 'carol', by: 'dan' });
    expect(refusal(after, { type: 'accept-handoff', by: 'dan' })).toMatchObject({ kind: 'conflict', reason: 'no commander handoff awaits acceptance' });

    // Someone taking the role themselves settles a waiting handoff and opens none.
    const taken = decide(state, announced('erin', 'erin'));
    if (!taken.ok) throw new Error(taken.refusal.reason);
    state = record(state, taken.events, iso(8), 'erin');
    expect(state.pendingHandoff).toBeUndefined();
    expect(state.roles.commander).toBe('erin');
  });

  it('histories from before announcements (no announce) assign silently and never wait', () => {
    const view = incident({ title: 'Ledger lag', severity: 'SEV2', team: 'payments' }, [
      [2, { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' }],
      [5, { type: 'assign-role', by: 'alice', role: 'commander', person: 'dan' }],
    ]);
    expect(view.pendingHandoff).toBeUndefined();
    expect(view.timeline.at(-1)).toEqual(expect.not.objectContaining({ announced: true }));
  });

  it('keeps long notes bounded in the state and in archived glances', () => {
    const notes = 'n'.repeat(2000);
    const view = incident({ title: 'Ledger lag', severity: 'SEV2', team: 'payments' }, [
      [2, announced('alice', 'carol')],
      [5, announced('carol', 'dan', notes)],
    ]);
    const state = markArchived(replayTimeline(view.id, view.policy, view.timeline), view.timelineCount);
    expect(state.pendingHandoff?.notes?.length).toBeLessThanOrEqual(2000);
    const glanced = state.timeline.find((event) => event.type === 'role-assigned' && event.person === 'dan');
    expect(glanced?.type === 'role-assigned' && glanced.notes!.length).toBeLessThanOrEqual(281);
    expect(mayAcceptHandoff('anyone', undefined)).toEqual({ ok: true });
  });
});
