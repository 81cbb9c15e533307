/** The documents are pure functions of the incident: postmortem draft, customer message, closing report. */
import { describe, expect, it } from 'vitest';
import type { Command } from '../../workflows/incident-state';
import { closingReport } from '../../server/documents/closing-report';
import { draftCustomerMessage } from '../../server/documents/customer-message';
import { draftPostmortem } from '../../server/documents/postmortem';
import { blamelessScrubber } from '../../server/documents/timeline';
import { declare, record } from '../../workflows/incident-state';
import { incidentView } from '../../workflows/incident-view';
import { incident, incidentPolicy, policy } from './fixtures';

const services = policy.services;
const people = Object.values(policy.people).flatMap((person) => [person.id, person.name]);

/** A SEV2 on checkout: declared by hand, acknowledged in 4 min, raised to SEV1, a long silence, resolved after 95 min. */
const steps: [number, Command][] = [
  [4, { type: 'acknowledge', by: 'rebecca' }],
  [6, { type: 'post-status-update', by: 'rebecca', status: 'investigating', message: 'We are investigating errors at checkout.', public: true }],
  [10, { type: 'post-status-update', by: 'rebecca', status: 'identified', message: "Rebecca's deploy of the payment config dropped a column; rolling back", public: false }],
  [12, { type: 'change-severity', by: 'rebecca', severity: 'SEV1', reason: 'All regions fail, confirmed by bob' }],
  [13, { type: 'assign-role', by: 'rebecca', role: 'commander', person: 'carol' }],
  [80, { type: 'post-status-update', by: 'carol', status: 'monitoring', message: 'Rollback done; error rate back to normal on the dashboard', public: true }],
  [95, { type: 'resolve', by: 'carol', summary: 'Rolled back the config deploy; Rebecca confirmed recovery' }],
  [100, { type: 'add-action-item', by: 'carol', title: 'Add a staging test for config schema changes', owner: 'dana', dueAt: '2026-12-15T17:00:00Z' }],
];
const sev = incident({ title: 'Checkout returns 500s', severity: 'SEV2', service: 'checkout-api', team: 'payments', reporter: 'bob' }, steps);

function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const end = markdown.indexOf('\n## ', start + 4);
  return markdown.slice(start, end < 0 ? undefined : end);
}

describe('postmortem draft', () => {
  const draft = draftPostmortem(sev, { people, services, now: '2026-11-21T12:00:00Z' });

  it('has every section a team expects, built from the timeline', () => {
    for (const heading of ['Summary', 'Impact', 'Timeline', 'Contributing factors by layer of defence', 'Five whys', 'What went well', 'What did not go well', 'Action items']) {
      expect(draft).toContain(`\n## ${heading}`);
    }
    for (const layer of ['Testing', 'Code review', 'Deployment verification', 'Monitoring and alerting']) expect(draft).toContain(`### ${layer}`);
    const impact = section(draft, 'Impact');
    expect(impact).toContain('Duration: 1 hour 35 minutes');
    expect(impact).toContain('Time to acknowledge: 4 minutes');
    expect(impact).toContain('Severity: SEV2 → SEV1 (worst: SEV1');
    expect(impact).toContain('checkout-api (status-page component Checkout)');
    expect(section(draft, 'Timeline')).toContain('2026-11-21 10:12 UTC — Severity SEV2 → SEV1: All regions fail, confirmed by a teammate');
    expect(section(draft, 'Timeline')).toContain('Acknowledged by rebecca');
    expect(section(draft, 'Action items')).toContain('| AI-1 | Add a staging test for config schema changes | dana | 2026-12-15 | open |');
  });

  it('states facts about the response: targets met and missed', () => {
    const well = section(draft, 'What went well');
    const not = section(draft, 'What did not go well');
    expect(well).toContain('Acknowledged 4 minutes after declaration (the SEV2 target of 10 minutes).');
    expect(well).toContain('Resolved 1 hour 35 minutes after declaration.');
    expect(not).toContain('No monitoring alert is attached to this incident: it was declared by hand.');
    expect(not).toContain('Severity was raised from SEV2 to SEV1 12 minutes after declaration');
    expect(not).toContain('Customers once waited 1 hour 14 minutes for news; the SEV1 cadence is every 30 minutes.');
    expect(not).toContain('Required role never assigned: communications');
    // Evidence per layer comes from what responders wrote.
    const layers = section(draft, 'Contributing factors by layer of defence');
    expect(layers).toMatch(/### Deployment verification\n- "a teammate's deploy of the payment config dropped a column; rolling back" \(identified update/);
    expect(layers).toMatch(/### Code review\n- The timeline records nothing about this layer\./);
    expect(section(draft, 'Five whys')).toContain('2. Why did that happen? As identified during the incident: "a teammate\'s deploy');
  });

  it('is blameless: no person is named anywhere in the analysis, even when notes name them', () => {
    const everyone = ['rebecca', 'Rebecca', 'bob', 'carol', 'dana', ...people];
    for (const heading of ['Summary', 'Impact', 'Contributing factors by layer of defence', 'Five whys', 'What went well', 'What did not go well']) {
      const text = section(draft, heading);
      for (const name of everyone) expect(text, `${name} named in ${heading}`).not.toMatch(new RegExp(`\\b${name}\\b`, 'i'));
    }
    // Quoted notes anywhere in the draft are filtered too.
    expect(draft).not.toMatch(/Rebecca's|confirmed by bob|Rebecca confirmed/);
  });

  it('asks instead of guessing where the timeline is silent', () => {
    const quiet = incident({ title: 'Search slow', severity: 'SEV3' });
    const text = draftPostmortem(quiet, { now: '2026-11-21T11:00:00Z' });
    expect(text).toContain('2. Why did that happen? _The timeline has no "identified" update');
    expect(text).toContain('The incident was never acknowledged.');
    expect(text).toContain('_None yet:');
  });

  it('scrubs names as whole words only', () => {
    const scrub = blamelessScrubber(['al', 'Bob Smith']);
    expect(scrub('al broke the alerting; Bob Smith watched')).toBe('a teammate broke the alerting; a teammate watched');
  });
});

describe('postmortem draft with reported changes', () => {
  it('shows a deploy reported during the incident on its timeline and as a deployment-verification fact', () => {
    const state = record(
      declare({ id: 'inc-change', title: 'Ledger lag', severity: 'SEV2', team: 'payments', service: 'payments-ledger', reporter: 'events' }, incidentPolicy, '2026-11-21T10:00:00.000Z'),
      [
        {
          type: 'change',
          integration: 'events',
          service: 'payments-ledger',
          summary: 'Rolled out ledger-writer v2.14.0 (secret rotation)',
          source: 'ledger-pipeline',
          occurredAt: '2026-11-21T09:55:00.000Z',
        },
      ],
      '2026-11-21T10:05:00.000Z',
      'events',
    );
    const pm = draftPostmortem(incidentView(state, []), { services: policy.services, now: '2026-11-21T11:00:00Z' });
    expect(pm).toContain('Change to payments-ledger from ledger-pipeline: Rolled out ledger-writer v2.14.0 (secret rotation) (made 2026-11-21 09:55 UTC)');
    expect(section(pm, 'Contributing factors by layer of defence')).toContain(
      '### Deployment verification\n- Change reported to payments-ledger by ledger-pipeline at 2026-11-21 09:55 UTC: "Rolled out ledger-writer v2.14.0 (secret rotation)"',
    );
  });
});

describe('draft customer message', () => {
  const declared = incident({ title: 'Internal title with carol', severity: 'SEV1', service: 'checkout-api', summary: 'secret internal summary' });

  it('on declaration: investigating, plain language, the component and the cadence', () => {
    const draft = draftCustomerMessage(declared, services);
    expect(draft).toMatchObject({ status: 'investigating', impact: 'major_outage', components: ['Checkout'], publicStatusPage: true, complete: false });
    expect(draft.message).toBe(
      'We are investigating an outage affecting Checkout. Some customers may be unable to use Checkout or may see errors or slow responses. We will post another update within 30 minutes.',
    );
    expect(draft.message).not.toMatch(/carol|secret|Internal title|SEV1|checkout-api/);
  });

  it('moves on with each public status change, ignoring internal updates', () => {
    const step = (state: typeof declared, status: 'investigating' | 'identified' | 'monitoring', isPublic: boolean) =>
      incident({ title: 'x', severity: 'SEV2', service: 'payments-ledger' }, [[1, { type: 'post-status-update', by: 'carol', status, message: 'm', public: isPublic }]]);
    expect(draftCustomerMessage(step(declared, 'investigating', false), services).status).toBe('investigating');
    expect(draftCustomerMessage(step(declared, 'investigating', true), services)).toMatchObject({ status: 'identified', follows: { status: 'investigating' } });
    const monitoring = draftCustomerMessage(step(declared, 'identified', true), services);
    expect(monitoring.status).toBe('monitoring');
    expect(monitoring.message).toMatch(/^A fix has been put in place for Payments/);
    const resolving = draftCustomerMessage(step(declared, 'monitoring', true), services);
    expect(resolving).toMatchObject({ status: 'resolved', impact: 'operational', follows: { status: 'monitoring' } });
  });

  it('follows the current severity: a change since the last public update is told, with the new impact', () => {
    const told = (status: 'investigating' | 'identified' | 'monitoring', severity: string) =>
      draftCustomerMessage(
        incident({ title: 'x', severity: 'SEV3', service: 'checkout-api' }, [
          [1, { type: 'post-status-update', by: 'carol', status, message: 'm', public: true }],
          [5, { type: 'change-severity', by: 'carol', severity, reason: 'worse than thought' }],
        ]),
        services,
      );
    // Raised to SEV1 after "identified": customers are told of the outage, not that a fix is in.
    const raised = told('identified', 'SEV1');
    expect(raised).toMatchObject({ status: 'identified', impact: 'major_outage', severity: 'SEV1' });
    expect(raised.message).toMatch(/^The impact has grown: customers may now see an outage of Checkout\. We have identified the cause of the outage/);
    // Raised while "monitoring": the fix did not hold, so the story goes back to identified, not on to resolved.
    const relapse = told('monitoring', 'SEV1');
    expect(relapse).toMatchObject({ status: 'identified', impact: 'major_outage', complete: false });
    expect(relapse.message).not.toMatch(/resolved/);
    // Raised while investigating: the investigating message names the new impact.
    expect(told('investigating', 'SEV2')).toMatchObject({ status: 'investigating', impact: 'partial_outage' });
    expect(told('investigating', 'SEV2').message).toMatch(/^We are investigating a partial outage affecting Checkout/);
    // The draft's impact is what the status page will show once it is published at the drafted status.
    const monitoring = draftCustomerMessage(
      incident({ title: 'x', severity: 'SEV1', service: 'checkout-api' }, [[1, { type: 'post-status-update', by: 'carol', status: 'identified', message: 'm', public: true }]]),
      services,
    );
    expect(monitoring).toMatchObject({ status: 'monitoring', impact: 'degraded_performance' });
  });

  it('after resolution: the Resolved message, then nothing more to say', () => {
    const resolved = draftCustomerMessage(sev, services);
    expect(resolved).toMatchObject({ status: 'resolved', impact: 'operational', complete: false });
    expect(resolved.message).toMatch(/^This incident has been resolved and Checkout is operating normally\./);
    const told = incident({ title: 'x', severity: 'SEV2', service: 'web-frontend' }, [
      [5, { type: 'resolve', by: 'carol', summary: 'fixed' }],
      [6, { type: 'post-status-update', by: 'carol', status: 'resolved', message: 'Resolved.', public: true }],
    ]);
    expect(draftCustomerMessage(told, services).complete).toBe(true);
  });

  it('says when a severity is not on the status page, and copes without a component', () => {
    expect(draftCustomerMessage(incident({ title: 'x', severity: 'SEV3', service: 'kubernetes' }), services)).toMatchObject({ publicStatusPage: false, components: [] });
    expect(draftCustomerMessage(incident({ title: 'x', severity: 'SEV2' }), services).message).toContain('affecting some of our services');
  });
});

describe('closing report', () => {
  it('has summary, impact, timeline, root cause, recommendations and next steps', () => {
    const report = closingReport(sev, { people, services });
    for (const heading of ['Issue summary', 'Impact', 'Timeline', 'Root cause', 'Recommendations', 'Next steps']) expect(report).toContain(`\n## ${heading}`);
    expect(section(report, 'Issue summary')).toContain('Checkout had a major outage lasting 1 hour 35 minutes. It was resolved: Rolled back the config deploy; a teammate confirmed recovery');
    expect(section(report, 'Root cause')).toContain("As identified at 2026-11-21 10:10 UTC: a teammate's deploy of the payment config dropped a column");
    expect(section(report, 'Next steps')).toContain('- Publish the blameless postmortem.');
    expect(section(report, 'Next steps')).toContain('- AI-1: Add a staging test for config schema changes — owner dana, due 2026-12-15');
    expect(section(report, 'Timeline')).toContain('10:06 UTC — Investigating (published to customers): We are investigating errors at checkout.');
    expect(report).not.toMatch(/Rebecca|rebecca/);
  });

  it('takes the root cause from the published postmortem', () => {
    const published = incident({ title: 'x', severity: 'SEV2', service: 'checkout-api' }, [
      [5, { type: 'resolve', by: 'carol', summary: 'fixed' }],
      [30, { type: 'publish-postmortem', by: 'carol', markdown: '# PM\n\n## Root cause\nA config schema change shipped without validation.\n\n## Other\nx' }],
    ]);
    expect(section(closingReport(published, { services }), 'Root cause')).toContain('A config schema change shipped without validation.');
  });
});
