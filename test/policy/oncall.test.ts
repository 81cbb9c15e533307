import { describe, expect, it } from 'vitest';
import { onCallAt, UnknownTeamError } from '../../policy/oncall';
import { coverageGaps } from '../../policy/schedule';
import type { Override } from '../../policy/types';
import { examplePolicy, layer, policyOf, teamPolicy, utc } from './helpers';

const london = policyOf([teamPolicy('ops', [layer({ participants: ['a', 'b', 'c'], timezone: 'Europe/London', handoff: '09:00', start: '2025-03-28' })])]);
const who = (policy: typeof london, team: string, iso: string, overrides?: Override[]) => onCallAt(policy, team, utc(iso), overrides);

describe('onCallAt: daily 09:00 Europe/London handoff across DST', () => {
  it('hands off at 09:00 GMT (09:00 UTC) before the March change', () => {
    expect(who(london, 'ops', '2025-03-29T08:59:00Z').primary?.personId).toBe('a');
    expect(who(london, 'ops', '2025-03-29T09:00:00Z').primary?.personId).toBe('b');
  });

  it('hands off at 09:00 BST (08:00 UTC) on the day clocks go forward, giving a 23-hour shift', () => {
    const before = who(london, 'ops', '2025-03-30T07:59:00Z');
    expect(before.primary?.personId).toBe('b');
    expect(before.shiftStart).toBe('2025-03-29T09:00:00.000Z');
    expect(before.shiftEnd).toBe('2025-03-30T08:00:00.000Z');
    const after = who(london, 'ops', '2025-03-30T08:00:00Z');
    expect(after.primary?.personId).toBe('c');
    expect(after.shiftEnd).toBe('2025-03-31T08:00:00.000Z');
  });

  it('gives a 25-hour shift on the day clocks go back in October', () => {
    const answer = who(london, 'ops', '2025-10-26T08:30:00Z');
    expect(answer.shiftStart).toBe('2025-10-25T08:00:00.000Z');
    expect(answer.shiftEnd).toBe('2025-10-26T09:00:00.000Z');
    expect(who(london, 'ops', '2025-10-26T09:00:00Z').primary?.personId).not.toBe(answer.primary?.personId);
  });

  it('extends the rotation backwards before its start date', () => {
    // 2025-03-27 09:00 is one shift before the start, so the last participant holds it.
    expect(who(london, 'ops', '2025-03-27T12:00:00Z').primary?.personId).toBe('c');
  });
});

describe('onCallAt: weekly and odd handoffs', () => {
  it('keeps a Monday 10:00 New York handoff at 10:00 local across the US change', () => {
    const policy = policyOf([teamPolicy('ny', [layer({ participants: ['a', 'b', 'c'], timezone: 'America/New_York', shift: 'weekly', handoff: '10:00', start: '2025-03-03' })])]);
    expect(who(policy, 'ny', '2025-03-03T15:00:00Z').shiftStart).toBe('2025-03-03T15:00:00.000Z'); // EST
    expect(who(policy, 'ny', '2025-03-05T00:00:00Z').shiftEnd).toBe('2025-03-10T14:00:00.000Z'); // EDT
    expect(who(policy, 'ny', '2025-03-10T13:59:00Z').primary?.personId).toBe('a');
    expect(who(policy, 'ny', '2025-03-10T14:00:00Z').primary?.personId).toBe('b');
  });

  it('moves a handoff that falls in the spring-forward gap to the first real minute after it', () => {
    const policy = policyOf([teamPolicy('ny', [layer({ participants: ['a', 'b', 'c'], timezone: 'America/New_York', handoff: '02:30', start: '2025-03-08' })])]);
    // 02:30 does not exist on 9 March 2025 in New York; clocks jump 02:00 EST → 03:00 EDT (07:00 UTC).
    expect(who(policy, 'ny', '2025-03-09T07:20:00Z').primary?.personId).toBe('a');
    expect(who(policy, 'ny', '2025-03-09T07:30:00Z').primary?.personId).toBe('b');
    expect(who(policy, 'ny', '2025-03-09T07:30:00Z').shiftStart).toBe('2025-03-09T07:30:00.000Z');
  });

  it('rotates every n days with a "3d" shift', () => {
    const policy = policyOf([teamPolicy('t', [layer({ participants: ['a', 'b'], shift: '3d', handoff: '00:00', start: '2025-01-01' })])]);
    expect(who(policy, 't', '2025-01-03T23:00:00Z').primary?.personId).toBe('a');
    expect(who(policy, 't', '2025-01-04T00:00:00Z').primary?.personId).toBe('b');
  });

  it('covers a night window that wraps midnight and nobody outside it', () => {
    const policy = policyOf([teamPolicy('n', [layer({ participants: ['a', 'b', 'c'], hours: { from: '22:00', to: '06:00' }, handoff: '22:00' })])]);
    const night = who(policy, 'n', '2025-02-01T03:00:00Z');
    expect(night.shiftStart).toBe('2025-01-31T22:00:00.000Z');
    expect(night.shiftEnd).toBe('2025-02-01T06:00:00.000Z');
    expect(who(policy, 'n', '2025-02-01T12:00:00Z').primary).toBeNull();
    expect(who(policy, 'n', '2025-02-01T12:00:00Z').shiftStart).toBeNull();
  });

  it('lets the first layer win where layers overlap', () => {
    const policy = policyOf([teamPolicy('l', [layer({ name: 'day', participants: ['d1', 'd2'], hours: { from: '08:00', to: '18:00' } }), layer({ name: 'always', participants: ['x1', 'x2'] })])]);
    expect(who(policy, 'l', '2025-02-03T12:00:00Z').primary).toMatchObject({ layer: 'day' });
    const evening = who(policy, 'l', '2025-02-03T19:00:00Z');
    expect(evening.primary).toMatchObject({ layer: 'always' });
    // The fallback layer's shift is cut where the first layer takes over again.
    expect(evening.shiftStart).toBe('2025-02-03T18:00:00.000Z');
    expect(evening.shiftEnd).toBe('2025-02-04T08:00:00.000Z');
  });

  it('refuses an unknown team', () => {
    expect(() => onCallAt(london, 'nope', utc('2025-01-01T00:00:00Z'))).toThrow(UnknownTeamError);
  });
});

describe('onCallAt: follow-the-sun in the example config', () => {
  const policy = examplePolicy();
  it.each([
    ['2025-01-15T02:00:00Z', 'sydney', 'Australia/Sydney'],
    ['2025-01-15T12:00:00Z', 'london', 'Europe/London'],
    ['2025-01-15T20:00:00Z', 'denver', 'America/Denver'],
    ['2025-07-15T02:00:00Z', 'sydney', 'Australia/Sydney'],
    ['2025-07-15T12:00:00Z', 'london', 'Europe/London'],
    ['2025-07-15T20:00:00Z', 'denver', 'America/Denver'],
  ])('at %s the %s hub is primary', (iso, hub, zone) => {
    const answer = onCallAt(policy, 'payments', utc(iso));
    expect(answer.primary?.layer).toBe(hub);
    expect(answer.primary?.timezone).toBe(zone);
    expect(answer.secondary?.rotation).toBe('secondary');
  });

  it('leaves no hour of 2025 without a primary, through every UK, US and Australian clock change', () => {
    const team = { ...policy.teams.payments, rotations: { primary: policy.teams.payments.rotations.primary } };
    const gaps = coverageGaps(team, Date.parse('2025-01-01T00:00:00Z'), Date.parse('2026-01-01T00:00:00Z'));
    expect(gaps).toEqual([]);
  });

  it('reports the gap once the hubs stop overlapping', () => {
    const primary = structuredClone(policy.teams.payments.rotations.primary);
    primary.layers[0].hours = { from: '09:00', to: '17:00' }; // London starts after Sydney ends in northern winter
    const gaps = coverageGaps({ ...policy.teams.payments, rotations: { primary } }, Date.parse('2025-01-13T00:00:00Z'), Date.parse('2025-01-14T00:00:00Z'));
    expect(gaps).toEqual([{ start: Date.parse('2025-01-13T07:00:00Z'), end: Date.parse('2025-01-13T09:00:00Z') }]);
  });
});

describe('onCallAt: overrides', () => {
  const base = { team: 'ops', reason: 'test' };
  it('a cover for one person takes only their time in the window', () => {
    const override: Override = { ...base, id: 'o1', person: 'z', replaces: 'b', from: '2025-03-29T12:00:00Z', to: '2025-04-05T00:00:00Z' };
    expect(who(london, 'ops', '2025-03-29T10:00:00Z', [override]).primary?.personId).toBe('b');
    const covered = who(london, 'ops', '2025-03-29T13:00:00Z', [override]);
    expect(covered.primary).toMatchObject({ personId: 'z', overrideId: 'o1', shiftStart: '2025-03-29T12:00:00.000Z', shiftEnd: '2025-03-30T08:00:00.000Z' });
    expect(who(london, 'ops', '2025-03-30T12:00:00Z', [override]).primary?.personId).toBe('c');
  });

  it('a cover without `replaces` holds the rotation for the whole window, then expires', () => {
    const override: Override = { ...base, id: 'o2', person: 'z', from: utc('2025-03-29T10:00:00Z'), to: utc('2025-03-31T10:00:00Z') };
    expect(who(london, 'ops', '2025-03-30T12:00:00Z', [override]).primary).toMatchObject({ personId: 'z', name: 'z', layer: 'override' });
    expect(who(london, 'ops', '2025-03-31T10:00:00Z', [override]).primary?.personId).toBe('a');
  });

  it('the later override wins, and overrides of other teams or rotations are ignored', () => {
    const overrides: Override[] = [
      { ...base, id: 'first', person: 'y', from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z' },
      { ...base, id: 'second', person: 'z', from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z' },
      { ...base, id: 'other', team: 'web', person: 'q', from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z' },
      { ...base, id: 'sec', rotation: 'secondary', person: 's', from: '2025-03-29T00:00:00Z', to: '2025-03-30T00:00:00Z' },
    ];
    const answer = who(london, 'ops', '2025-03-29T12:00:00Z', overrides);
    expect(answer.primary?.overrideId).toBe('second');
    expect(answer.secondary?.personId).toBe('s');
  });
});
