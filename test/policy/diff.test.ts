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
});
