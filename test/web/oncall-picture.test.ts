/** The on-call schedule picture is a pure function of policy, overrides and the clock: gaps, overrides, layers. */
import { describe, expect, it } from 'vitest';
import { scheduleZones, teamNow, teamSchedule } from '../../server/web/console/oncall-model';
import { schedulePicture } from '../../server/web/console/oncall-picture';
import type { Override, Policy } from '../../policy/types';
import { policy } from './fixtures';

const NOW = Date.parse('2026-12-02T12:00:00Z');

/** Payments with only its London hub: nights and evenings have no primary. */
function londonOnly(): Policy {
  const team = policy.teams.payments;
  const primary = { ...team.rotations.primary, layers: team.rotations.primary.layers.filter((layer) => layer.name === 'london') };
  return { ...policy, teams: { ...policy.teams, payments: { ...team, rotations: { ...team.rotations, primary } } } };
}

describe('the on-call schedule picture', () => {
  it('lays 14 local days out and marks every hour without a primary', () => {
    const schedule = teamSchedule(londonOnly(), 'payments', [], NOW, 'UTC');
    expect(schedule.days).toHaveLength(14);
    expect(schedule.days[0].start).toBe(Date.parse('2026-12-02T00:00:00Z'));
    // London covers 07:00–17:00 local (UTC in December): everything else is a gap.
    expect(schedule.gaps[0]).toEqual({ start: Date.parse('2026-12-02T00:00:00Z'), end: Date.parse('2026-12-02T07:00:00Z') });
    expect(schedule.gaps).toHaveLength(15);
    const svg = schedulePicture(schedule, londonOnly()).text;
    expect(svg.match(/<g class="gap">/g)).toHaveLength(28);
    expect(svg).toContain('<title>No primary: Wed 2 Dec 00:00–Wed 2 Dec 07:00</title>');
    expect(svg).toContain('15 windows without a primary, drawn in red.');
  });

  it('draws overrides striped with the cover named, and reads days in the chosen zone', () => {
    const override: Override = { id: 'ovr-7', team: 'payments', person: 'ivan', from: '2026-12-03T10:00:00Z', to: '2026-12-03T14:00:00Z', reason: 'swap' };
    const schedule = teamSchedule(policy, 'payments', [override], NOW, 'Australia/Sydney');
    expect(schedule.days[0].label).toBe('Wed 2 Dec');
    expect(schedule.days[0].start).toBe(Date.parse('2026-12-01T13:00:00Z'));
    const svg = schedulePicture(schedule, policy).text;
    expect(svg).toContain('fill="url(#override-stripes)"');
    expect(svg).toMatch(/<title>primary: Ivan Petrov \(override ovr-7\), Thu 3 Dec 21:00–Fri 4 Dec 01:00<\/title>/);
    expect(svg).not.toMatch(/ style=/);
    expect(scheduleZones(policy.teams.payments)).toEqual(['UTC', 'America/Denver', 'Australia/Sydney', 'Europe/London']);
    expect(teamNow(policy, 'payments', [override], Date.parse('2026-12-03T11:00:00Z')).answer.primary).toMatchObject({ personId: 'ivan', overrideId: 'ovr-7' });
  });

  it('escapes names the policy or an override brings', () => {
    const odd: Override = { id: 'ovr-8', team: 'payments', person: '<script>x</script>', from: '2026-12-02T10:00:00Z', to: '2026-12-02T20:00:00Z', reason: 'r' };
    const svg = schedulePicture(teamSchedule(policy, 'payments', [odd], NOW, 'UTC'), policy).text;
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&#60;script&#62;x&#60;/script&#62;');
  });
});
