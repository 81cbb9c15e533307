/** The "Due next" panel's times, from the same anchors the follow-through loops wait on. */
import { describe, expect, it } from 'vitest';
import { attentionNeeded, countdown, dueNext } from '../../server/web/console/due-next';
import type { TimelineEvent } from '../../workflows/incident-state';
import type { IncidentView } from '../../workflows/incident-view';
import { incident, policy } from '../web/fixtures';

const START = '2026-11-21T10:00:00.000Z';
const at = (minutes: number) => Date.parse(START) + minutes * 60_000;
const iso = (minutes: number) => new Date(at(minutes)).toISOString();

/** The escalation events the workflow's loop records, added to a view built by the pure fold. */
function withEvents(view: IncidentView, events: Partial<TimelineEvent>[]): IncidentView {
  let seq = view.timelineCount;
  return { ...view, timeline: [...view.timeline, ...events.map((event) => ({ seq: ++seq, by: 'marshal', ...event }) as TimelineEvent)] };
}

const escalating = (steps: number) =>
  withEvents(incident({ title: 'Card payments failing', severity: 'SEV1', team: 'payments' }), [
    { type: 'escalation-started', team: 'payments', severity: 'SEV1', reason: 'declared', at: START },
    ...Array.from({ length: steps }, (_, step) => ({ type: 'escalation-step' as const, step, level: step + 1, round: 0, targets: ['x'], unresolved: [], overflow: false, at: iso(step * 5) })),
  ]);

describe('due next', () => {
  it('while unacknowledged, gives the next escalation step by the team chain and its delays', () => {
    const first = dueNext(escalating(1), policy, at(1));
    expect(first[0]).toMatchObject({ kind: 'escalation', at: iso(5), overdue: false });
    expect(first[0].what).toMatch(/^Escalation: level 2 pages /);
    // Level 2 waits 10 minutes (its own delay), so level 3 comes 15 minutes in.
    expect(dueNext(escalating(2), policy, at(16))[0]).toMatchObject({ kind: 'escalation', at: iso(15), overdue: true });
    expect(dueNext(escalating(0), policy, at(0))[0].what).toMatch(/^First page pages /);
  });

  it('stops showing escalation once acknowledged, and owes a status update a cadence later', () => {
    const view = incident({ title: 'Card payments failing', severity: 'SEV1', team: 'payments' }, [[3, { type: 'acknowledge', by: 'ana' }]]);
    const items = dueNext(view, policy, at(4));
    expect(items.map((item) => item.kind)).toEqual(['status-update']);
    expect(items[0]).toMatchObject({ at: iso(33), overdue: false });
    expect(dueNext(view, policy, at(40))[0].overdue).toBe(true);
  });

  it('counts the status update cadence from the last update', () => {
    const view = incident({ title: 'Slow', severity: 'SEV2' }, [
      [1, { type: 'acknowledge', by: 'ana' }],
      [20, { type: 'post-status-update', status: 'identified', message: 'Found it', public: false, by: 'ana' }],
    ]);
    expect(dueNext(view, policy, at(21))[0]).toMatchObject({ kind: 'status-update', at: iso(80) });
  });

  it('gives the postmortem deadline and open action items, soonest first', () => {
    const view = incident({ title: 'Slow', severity: 'SEV2' }, [
      [1, { type: 'acknowledge', by: 'ana' }],
      [2, { type: 'add-action-item', title: 'Add an alert', owner: 'bo', dueAt: iso(60 * 24 * 3), by: 'ana' }],
      [30, { type: 'resolve', summary: 'Rolled back', by: 'ana' }],
    ]);
    const resolved = { ...view, postmortemDueAt: iso(60 * 24 * 2) };
    const items = dueNext(resolved, policy, at(60 * 24 * 2 + 1));
    expect(items.map((item) => [item.kind, item.overdue])).toEqual([
      ['postmortem', true],
      ['action-item', false],
    ]);
    expect(attentionNeeded(resolved, policy, at(60 * 24 * 2 + 1))).toEqual(['Postmortem overdue']);
  });

  it('flags an unacknowledged incident and a late status update for the list', () => {
    expect(attentionNeeded(escalating(1), policy, at(1))).toEqual(['Unacknowledged']);
    const view = incident({ title: 'Slow', severity: 'SEV1' }, [[1, { type: 'acknowledge', by: 'ana' }]]);
    expect(attentionNeeded(view, policy, at(10))).toEqual([]);
    expect(attentionNeeded(view, policy, at(32))).toEqual(['Status update overdue']);
  });
});

describe('countdown', () => {
  it('says how long until, or how long overdue, in the words the page script uses', () => {
    const now = Date.parse(START);
    expect(countdown(iso(4), now - 5_000)).toBe('in 4m 05s');
    expect(countdown(iso(0), now + 12_000)).toBe('overdue by 12s');
    expect(countdown(iso(123), now)).toBe('in 2h 03m 00s');
    expect(countdown(iso(60 * 24 * 2 + 5), now)).toBe('in 2d 0h 05m');
    expect(countdown(iso(0), now)).toBe('overdue by 0s');
  });
});
