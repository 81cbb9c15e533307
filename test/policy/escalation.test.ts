import { describe, expect, it } from 'vitest';
import { escalationPlan, timeToSecondHuman, UnknownSeverityError } from '../../policy/escalation';
import { onCallAt } from '../../policy/oncall';
import { escalationStepPlan, overflowCandidate } from '../../policy/escalation-step';
import { restOverride, restRuleCovers } from '../../policy/rest';
import { simulate } from '../../policy/simulate';
import { examplePolicy, layer, policyOf, teamPolicy, utc } from './helpers';

const policy = examplePolicy();
const saturday2am = utc('2025-03-29T02:00:00Z');

describe('escalationPlan', () => {
  it('follows the SEV1 chain of payments: level delays, then one repeat', () => {
    const plan = escalationPlan(policy, 'payments', 'SEV1', saturday2am);
    expect(plan.repeats).toBe(1);
    expect(plan.steps.map((step) => [step.afterMs / 60_000, step.level, step.round, step.kind])).toEqual([
      [0, 1, 0, 'rotation'],
      [5, 2, 0, 'mixed'],
      [15, 3, 0, 'team-lead'],
      [20, 1, 1, 'rotation'],
      [25, 2, 1, 'mixed'],
      [35, 3, 1, 'team-lead'],
    ]);
    // 02:00 UTC on a Saturday is the Sydney hub's day; the secondary and the lead come next, then platform's lead.
    expect(plan.steps[0].targets).toEqual([onCallAt(policy, 'payments', saturday2am).primary?.personId]);
    expect(policy.people[plan.steps[0].targets[0]].timezone).toBe('Australia/Sydney');
    expect(plan.steps[1].targets).toContain('alice');
    expect(plan.steps[2].targets).toEqual(['judy']);
    expect(plan.exhaustedAfterMs).toBe(40 * 60_000);
  });

  it('uses the default chain and the severity acknowledgement timeout when no severity chain exists', () => {
    const plan = escalationPlan(policy, 'payments', 'SEV2', saturday2am);
    expect(plan.steps.map((step) => step.afterMs / 60_000)).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80]);
    expect(plan.steps[2].targets).toEqual(['alice']);
  });

  it('resolves a rotation at the moment its level is paged, so a handoff mid-incident pages the incoming person', () => {
    const team = teamPolicy('t', [layer({ participants: ['a', 'b', 'c'], handoff: '09:00', start: '2025-01-01' })], undefined, {
      lead: 'a',
      escalation: { default: { levels: [{ targets: [{ kind: 'rotation', rotation: 'primary' }], delay: '30m' }, { targets: [{ kind: 'rotation', rotation: 'primary' }, { kind: 'team-lead' }] }] } },
    });
    const plan = escalationPlan(policyOf([team]), 't', 'SEV3', utc('2025-01-02T08:45:00Z'));
    // a holds the shift until 09:00; level 2 pages at 09:15, after b has taken over (and the lead, a).
    expect(plan.steps[0].targets).toEqual(['a']);
    expect(plan.steps[1].targets).toEqual(['b', 'a']);
  });

  it('names levels that reach nobody', () => {
    const team = teamPolicy('t', [layer({ participants: ['a', 'b', 'c'], hours: { from: '09:00', to: '17:00' } })]);
    const plan = escalationPlan(policyOf([team]), 't', 'SEV2', utc('2025-01-02T20:00:00Z'));
    expect(plan.steps[0].targets).toEqual([]);
    expect(plan.steps[0].unresolved).toEqual(['primary rotation of t (nobody on call)']);
    expect(plan.steps[1].targets).toEqual(['a']);
  });

  it("holds a quiet-hours severity until the responder's morning, but never a SEV1", () => {
    const night = utc('2025-03-29T02:00:00Z'); // 22:00 in New York
    const sev4 = escalationPlan(policy, 'platform', 'SEV4', night);
    expect(sev4.heldUntil).toBe('2025-03-29T12:00:00.000Z'); // 08:00 EDT
    expect(sev4.steps[0].afterMs).toBe(10 * 3_600_000);
    expect(escalationPlan(policy, 'platform', 'SEV1', night).heldUntil).toBeNull();
  });

  it('measures how long an unacknowledged incident takes to reach a second person', () => {
    expect(timeToSecondHuman(escalationPlan(policy, 'payments', 'SEV1', saturday2am))).toBe(5 * 60_000);
    expect(timeToSecondHuman(escalationPlan(policy, 'platform', 'SEV2', saturday2am))).toBe(10 * 60_000);
  });

  it('refuses an unknown severity', () => {
    expect(() => escalationPlan(policy, 'payments', 'SEV9', saturday2am)).toThrow(UnknownSeverityError);
  });
});

describe('simulate', () => {
  it('tells the paging timeline in sentences and in structure', () => {
    const simulation = simulate(policy, 'web', 'SEV1', utc('2025-03-31T10:00:00Z'));
    expect(simulation.lines[0]).toBe('SEV1 for web raised Mon 31 Mar 10:00 UTC; nobody acknowledges.');
    expect(simulation.lines[1]).toMatch(/^\+0m\s+Mon 31 Mar 10:00 UTC  level 1: page \S+ \S+ \((email|webhook)\)$/);
    expect(simulation.lines[2]).toContain('no acknowledgement after 5m, level 2:');
    expect(simulation.lines.at(-1)).toMatch(/^\+45m\s+escalation exhausted after 3 pass\(es\)/);
    expect(simulation.pages[1].people.map((p) => p.personId)).toContain(onCallAt(policy, 'platform', utc('2025-03-31T10:05:00Z')).primary?.personId);
  });
});

describe('restOverride', () => {
  it('takes someone paged for a SEV1 at 03:00 local off the rotation until local midnight', () => {
    const at = utc('2025-03-29T02:00:00Z'); // 02:00 GMT where bob lives
    const override = restOverride(policy, 'payments', { personId: 'bob', severity: 'SEV1', at });
    expect(override).toMatchObject({ team: 'payments', replaces: 'bob', person: 'carol', from: at.toISOString(), to: '2025-03-30T00:00:00.000Z' });
    const during = onCallAt(policy, 'payments', utc('2025-03-29T12:00:00Z'), [override!]);
    expect([during.primary?.personId, during.secondary?.personId]).not.toContain('bob');
  });

  it('does not apply to daytime pages, to low severities, or when disabled', () => {
    expect(restOverride(policy, 'payments', { personId: 'bob', severity: 'SEV1', at: utc('2025-03-29T12:00:00Z') })).toBeNull();
    expect(restOverride(policy, 'payments', { personId: 'bob', severity: 'SEV3', at: utc('2025-03-29T02:00:00Z') })).toBeNull();
    const team = teamPolicy('t', [layer({ participants: ['a', 'b', 'c'] })]);
    expect(restOverride(policyOf([team]), 't', { personId: 'a', severity: 'SEV1', at: utc('2025-03-29T02:00:00Z') })).toBeNull();
  });
});

describe('escalationStepPlan', () => {
  const never = async () => 0;

  it('plans one step as escalationPlan does, and says whether the rest rule could follow its page', async () => {
    const plan = escalationPlan(policy, 'payments', 'SEV1', saturday2am);
    const sev1 = await escalationStepPlan(policy, { team: 'payments', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 1 }, [], never);
    expect(sev1).toMatchObject({ exhausted: false, dueAtMs: plan.steps[1].afterMs, level: 2, round: 0, targets: plan.steps[1].targets, overflow: false, restRuleMayApply: true });
    const sev3 = await escalationStepPlan(policy, { team: 'payments', severity: 'SEV3', startedAt: saturday2am.toISOString(), step: 0 }, [], never);
    expect(sev3.restRuleMayApply).toBe(false);
    expect(restRuleCovers(policy, 'payments', 'SEV1')).toBe(true);
    expect(restRuleCovers(policy, 'payments', 'SEV3')).toBe(false);
  });

  it('pages the secondary first when the primary holds the concurrency limit, counting only for a single first target', async () => {
    const asked: string[] = [];
    const busy = async (personId: string) => {
      asked.push(personId);
      return 100;
    };
    const first = await escalationStepPlan(policy, { team: 'payments', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 0 }, [], busy);
    const answer = onCallAt(policy, 'payments', saturday2am);
    expect(first).toMatchObject({ overflow: true, targets: [answer.secondary?.personId] });
    expect(asked).toEqual([answer.primary?.personId]);
    await escalationStepPlan(policy, { team: 'payments', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 1 }, [], busy);
    expect(asked).toHaveLength(1);
  });

  it('names ahead of time whom the overflow rule will count: the primary first in line, under the overrides given', async () => {
    const request = { team: 'payments', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 0 };
    const { primary, secondary } = onCallAt(policy, 'payments', saturday2am);
    expect(overflowCandidate(policy, request, [])).toBe(primary?.personId);
    // An override puts someone else first: the count the API asked early is not the one the plan needs.
    const cover = Object.keys(policy.people).find((id) => id !== primary?.personId && id !== secondary?.personId)!;
    const overrides = [{ id: 'o1', team: 'payments', person: cover, replaces: primary!.personId, from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z', reason: 'swap' }];
    expect(overflowCandidate(policy, request, overrides)).toBe(cover);
    const asked: string[] = [];
    await escalationStepPlan(policy, request, overrides, async (personId) => (asked.push(personId), 0));
    expect(asked).toEqual([cover]);
    // No count where the rule cannot apply: a later step, a team the policy does not have.
    expect(overflowCandidate(policy, { ...request, step: 1 }, [])).toBeUndefined();
    expect(overflowCandidate(policy, { ...request, team: 'nobody' }, [])).toBeUndefined();
  });

  it('answers an exhausted plan for a team the policy no longer has, and for a step past the chain', async () => {
    const gone = await escalationStepPlan(policy, { team: 'nobody', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 0 }, [], never);
    expect(gone).toMatchObject({ exhausted: true, targets: [] });
    expect(gone.unresolved[0]).toContain('team nobody is not in policy');
    const past = await escalationStepPlan(policy, { team: 'payments', severity: 'SEV1', startedAt: saturday2am.toISOString(), step: 6 }, [], never);
    expect(past).toMatchObject({ exhausted: true, dueAtMs: 40 * 60_000, lead: policy.teams.payments.lead });
  });
});
