import { describe, expect, it } from 'vitest';
import { policyDiff } from '../../policy/diff';
import type { Policy } from '../../policy/types';
import { examplePolicy } from './helpers';

const from = new Date('2025-03-28T00:00:00Z');
const base = examplePolicy();
const edit = (change: (head: Policy) => void): Policy => {
  const head = structuredClone(base);
  head.version = 'head';
  change(head);
  return head;
};

describe('policyDiff', () => {
  it('says nothing changes when nothing does', () => {
    expect(
      policyDiff(
        base,
        edit(() => {}),
        { from, days: 14 },
      ),
    ).toContain('No change in behaviour');
  });

  it('describes a swapped rotation as shifts gained and lost, with an example page', () => {
    const head = edit((h) => {
      h.teams.payments.rotations.primary.layers[0].participants = ['bob', 'alice', 'carol'];
    });
    const markdown = policyDiff(base, head, { from, days: 14 });
    expect(markdown).toContain('**payments**');
    // The London week of 31 March was Alice's and becomes Bob's.
    expect(markdown).toMatch(/- Bob Okafor \(primary\) gains 8 shift\(s\), 2d22h \(Mon 31 Mar 08:00 UTC – Mon 31 Mar 16:00 UTC;/);
    expect(markdown).toMatch(/- Alice Moreau \(primary\) gains 4 shift\(s\).* and loses 8 shift\(s\), 2d22h/);
    expect(markdown).toContain('- e.g. a SEV1 for payments at Mon 31 Mar 08:00 UTC now pages Bob Okafor instead of Alice Moreau.');
    expect(markdown).not.toContain('### Severities');
    expect(markdown).not.toContain('platform');
  });

  it('shows changed severity timings and how long a SEV1 takes to reach a second person', () => {
    const head = edit((h) => {
      h.severities[0].acknowledgementTimeout = '15m';
    });
    const markdown = policyDiff(base, head, { from, days: 14 });
    expect(markdown).toContain('| SEV1 | acknowledgement timeout | 5m | 15m |');
    expect(markdown).toContain('- **platform**: an unacknowledged SEV1 reaches a second person after **15m** (was 5m).');
    // payments sets its own 5m delay on level 1, so the severity's timeout does not slow it down.
    expect(markdown).not.toContain('- **payments**: an unacknowledged');
  });

  it('reports new coverage gaps and services changing owner', () => {
    const head = edit((h) => {
      h.teams.web.rotations.primary.layers[0].hours = { from: '08:00', to: '20:00' };
      delete h.teams.web.rotations.secondary;
      h.services.kubernetes.team = 'web';
    });
    const markdown = policyDiff(base, head, { from, days: 14 });
    expect(markdown).toContain('### Coverage gaps');
    expect(markdown).toContain('- **web**: nobody on call Fri 28 Mar 00:00 UTC – Fri 28 Mar 07:00 UTC (new gap)');
    expect(markdown).toContain('- **kubernetes** changes owner: platform → **web**');
    expect(markdown).toContain('now pages nobody instead of');
  });

  it("shows a removed follow-the-sun hub as a new first-page gap, people removed, a shrunken layer and everyone's hours", () => {
    const head = edit((h) => {
      const payments = h.teams.payments;
      payments.rotations.primary.layers = payments.rotations.primary.layers.filter((layer) => layer.name !== 'sydney');
      payments.rotations.secondary!.layers[0].participants = ['bob', 'erin', 'carol'];
      payments.members = payments.members.filter((member) => member.id !== 'heidi');
      delete h.people.heidi;
      h.teams.platform.rotations.primary.layers[0].participants = ['mallory', 'niaj'];
    });
    const december = new Date('2025-12-01T00:00:00Z');
    const markdown = policyDiff(base, head, { from: december, days: 14 });
    expect(markdown).toContain('### First pages that reach nobody');
    expect(markdown).toContain('- **payments**: new gap — the first page of a SEV1 reaches nobody 01:00–07:00 UTC daily (14 windows, 3d12h in the next 14 days).');
    expect(markdown).toContain('- **payments**: new gap — the first page of a SEV2, SEV3, SEV4 reaches nobody 01:00–07:00 UTC daily');
    expect(markdown).toContain('- **Heidi Walker** (payments) is removed from the policy.');
    expect(markdown).toContain('- **Ivan Petrov** (payments) is no longer on any rotation.');
    expect(markdown).toContain('- **payments** primary: layer **sydney** is removed (it had 3 people).');
    expect(markdown).toContain('- **platform** primary: layer **weekly** falls to 2 people (was 5), below the minimum of 3.');
    expect(markdown).toContain('| person | time zone | on call before | after | at night before | after |');
    // Ivan held the Sydney hub's week of 1 December: 6 hours a day, all in his daytime.
    expect(markdown).toContain('| Ivan Petrov | Australia/Sydney | 42h | 0h | 0h | 0h |');
    // Erin takes Heidi's last secondary morning, 00:00–09:00 UTC: two of those hours are her night in Denver.
    expect(markdown).toContain('| Erin Castillo | America/Denver | 1h | 9h | 0h | 2h |');
    expect(markdown).not.toMatch(/\| Alice Moreau \|/);
  });

  it('does not call a first-page gap new when it was already there', () => {
    const withoutSydney = edit((h) => {
      h.teams.payments.rotations.primary.layers.pop();
    });
    const later = structuredClone(withoutSydney);
    later.version = 'later';
    later.teams.payments.rotations.primary.layers[0].participants = ['bob', 'alice', 'carol'];
    const markdown = policyDiff(withoutSydney, later, { from, days: 14 });
    expect(markdown).toContain('**payments**');
    expect(markdown).not.toContain('First pages that reach nobody');
  });

  it('finds a first page left with nobody by a change to the other team whose rotation it pages', () => {
    const crossTeam = edit((h) => {
      h.teams.web.escalation.default.levels[0].targets = [{ kind: 'rotation', rotation: 'primary', team: 'platform' }];
    });
    const head = structuredClone(crossTeam);
    head.version = 'head';
    head.teams.platform.rotations.primary.layers[0].hours = { from: '09:00', to: '17:00' };
    const markdown = policyDiff(crossTeam, head, { from, days: 14 });
    expect(markdown).toContain('- **web**: new gap — the first page of a SEV2, SEV3, SEV4 reaches nobody');
    expect(markdown).toContain('- **platform**: new gap — the first page of a');
  });
});
