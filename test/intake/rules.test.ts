/** The alert group's pure rules: dedup, ordering, stale events, waves. */
import { describe, expect, it } from 'vitest';
import { emptyGroup, incidentEnded, incidentOpened, planBatch, waves, type AlertBatch, type IncomingAlert } from '../../workflows/alert-group-rules';

const policy = { version: 'v1', severities: [] };
const batch = (...alerts: IncomingAlert[]): AlertBatch => ({ alerts, declaration: { title: 't', severity: 'SEV3' }, policy, receivedAt: '2026-01-01T00:00:00Z' });
const am = (key: string, status: 'firing' | 'resolved', startsAt = '2026-01-01T00:00:00Z'): IncomingAlert => ({
  observation: { source: 'am', key, status, summary: 'same summary' },
  action: status === 'resolved' ? 'resolve' : 'trigger',
  occurredAt: startsAt,
});
const pd = (key: string, action: IncomingAlert['action']): IncomingAlert => ({
  observation: { source: 'events', key, status: action === 'resolve' ? 'resolved' : 'firing', summary: action === 'trigger' ? 'disk' : '' },
  action,
});
const now = Date.parse('2026-01-01T00:01:00Z');

function run(...batches: AlertBatch[]) {
  let state = emptyGroup('am', 'g', '2026-01-01T00:00:00Z');
  const plans = [];
  for (const b of batches) {
    const planned = planBatch(state, b, now);
    state = planned.state;
    if (planned.plan.open) state = incidentOpened(state, { id: `i${plans.length}`, workflowId: `incident-i${plans.length}` }, planned.plan, '2026-01-01T00:01:00Z');
    plans.push(planned.plan);
  }
  return { state, plans };
}

describe('alert group rules', () => {
  it('opens one incident for a group and attaches distinct alerts that share a summary', () => {
    const { state, plans } = run(batch(am('a', 'firing'), am('b', 'firing')), batch(am('a', 'firing')));
    expect(plans.map((p) => p.open)).toEqual([true, false]);
    expect(state.incident?.keys).toEqual(['a', 'b']);
    expect(plans[1].forward.map((o) => o.key)).toEqual(['a']);
  });

  it('ignores a late duplicate firing of an occurrence that already recovered', () => {
    const { plans, state } = run(batch(am('a', 'firing')), batch(am('a', 'resolved')), batch(am('a', 'firing')));
    expect(plans[2].forward).toEqual([]);
    expect(state.counts.stale).toBe(1);
  });

  it('a resolve before its trigger ends resolved: the trigger opens the incident and the held resolve follows', () => {
    const { plans } = run(batch(am('a', 'resolved')), batch(am('a', 'firing')));
    expect(plans[0]).toMatchObject({ open: false, forward: [] });
    expect(plans[1].open).toBe(true);
    expect(plans[1].forward.map((o) => o.status)).toEqual(['firing', 'resolved']);
  });

  it('a new occurrence (later startsAt) after recovery is forwarded', () => {
    const { plans } = run(batch(am('a', 'firing')), batch(am('a', 'resolved')), batch(am('a', 'firing', '2026-01-01T00:00:30Z')));
    expect(plans[2].forward.map((o) => o.status)).toEqual(['firing']);
  });

  it('PagerDuty: acknowledge acts on the open incident; stale acknowledge and resolve with nothing open are ignored', () => {
    const first = run(batch(pd('k', 'acknowledge')), batch(pd('k', 'trigger')), batch(pd('k', 'acknowledge')), batch(pd('k', 'resolve')));
    expect(first.plans[0]).toMatchObject({ open: false, forward: [], acknowledge: [] });
    expect(first.plans[1].open).toBe(true);
    expect(first.plans[2].acknowledge).toEqual(['events']);
    expect(first.plans[3].forward[0]).toMatchObject({ status: 'resolved', summary: 'disk' });
    // The incident resolved; a new trigger opens a new one, a repeated resolve does nothing.
    let state = incidentEnded(first.state);
    const again = planBatch(state, batch(pd('k', 'resolve')), now);
    expect(again.plan).toMatchObject({ open: false, forward: [] });
    state = again.state;
    expect(planBatch(state, batch(pd('k', 'trigger')), now).plan.open).toBe(true);
  });

  it('splits observations into waves so each alert keeps its order', () => {
    const o = (key: string, status: 'firing' | 'resolved') => ({ source: 's', key, status, summary: '' });
    expect(waves([o('a', 'firing'), o('b', 'firing'), o('a', 'resolved')]).map((wave) => wave.map((x) => `${x.key}:${x.status}`))).toEqual([['a:firing', 'b:firing'], ['a:resolved']]);
  });
});
