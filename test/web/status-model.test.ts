/** The status page model: what is public, how states are derived, 90 days of history, and escaping. */
import { describe, expect, it } from 'vitest';
import { html } from '../../server/web/html';
import { buildStatus, publicIncident } from '../../server/web/status-model';
import { parseCookies } from '../../server/web/session';
import { incident, policy } from './fixtures';

const services = policy.services;
const now = '2026-11-21T12:00:00.000Z';
const update = (minutes: number, status: 'investigating' | 'identified' | 'monitoring' | 'resolved', isPublic = true, message = `${status} message`) =>
  [minutes, { type: 'post-status-update' as const, by: 'alice', status, message, public: isPublic }] as [number, any];

describe('publicIncident', () => {
  it('is undefined until a public update exists, and for severities not on the status page', () => {
    expect(publicIncident(incident({ title: 't', severity: 'SEV1', service: 'checkout-api' }), services)).toBeUndefined();
    expect(publicIncident(incident({ title: 't', severity: 'SEV1', service: 'checkout-api' }, [update(1, 'investigating', false)]), services)).toBeUndefined();
    expect(publicIncident(incident({ title: 't', severity: 'SEV3', service: 'checkout-api' }, [update(1, 'investigating')]), services)).toBeUndefined();
  });

  it('copies only public fields: no names, titles, internal updates, roles or items', () => {
    const state = incident({ title: 'Secret title', severity: 'SEV2', service: 'checkout-api', reporter: 'rep', summary: 'secret summary' }, [
      [1, { type: 'acknowledge', by: 'alice' }],
      update(2, 'investigating', true, 'We are looking into checkout errors.'),
      update(3, 'identified', false, 'internal: bad deploy'),
      [4, { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' }],
      [5, { type: 'add-action-item', by: 'alice', title: 'secret item', owner: 'dana' }],
    ]);
    const shown = publicIncident(state, services)!;
    expect(Object.keys(shown).sort()).toEqual(['components', 'id', 'impact', 'impactLabel', 'name', 'peakImpact', 'services', 'startedAt', 'status', 'statusLabel', 'updates'].sort());
    expect(shown.updates).toEqual([{ status: 'investigating', label: 'Investigating', message: 'We are looking into checkout errors.', at: '2026-11-21T10:02:00.000Z' }]);
    expect(JSON.stringify(shown)).not.toMatch(/alice|carol|dana|rep|Secret|secret|internal/);
    expect(shown).toMatchObject({ name: 'Partial outage affecting Checkout', impact: 'partial_outage', components: ['Checkout'], services: ['checkout-api'] });
  });

  it('says Resolved once the incident is resolved, even if nobody wrote it', () => {
    const state = incident({ title: 't', severity: 'SEV1', service: 'checkout-api' }, [update(2, 'investigating'), [30, { type: 'resolve', by: 'alice', summary: 'internal fix notes' }]]);
    const shown = publicIncident(state, services)!;
    expect(shown.updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    expect(shown).toMatchObject({ impact: 'operational', resolvedAt: '2026-11-21T10:30:00.000Z' });
    expect(JSON.stringify(shown)).not.toContain('internal fix notes');
  });
});

describe('buildStatus', () => {
  const active = publicIncident(incident({ id: 'a', title: 't', severity: 'SEV1', service: 'checkout-api' }, [update(2, 'investigating')]), services)!;
  const monitoring = publicIncident(incident({ id: 'b', title: 't', severity: 'SEV1', service: 'api-gateway' }, [update(2, 'investigating'), update(9, 'monitoring')]), services)!;
  const old = publicIncident(
    incident({ id: 'c', title: 't', severity: 'SEV2', service: 'web-frontend' }, [update(2, 'investigating'), [60, { type: 'resolve', by: 'x', summary: 'y' }]], '2026-11-01T10:00:00.000Z'),
    services,
  )!;
  const ancient = publicIncident(
    incident({ id: 'd', title: 't', severity: 'SEV2', service: 'web-frontend' }, [update(2, 'investigating'), [60, { type: 'resolve', by: 'x', summary: 'y' }]], '2026-06-01T10:00:00.000Z'),
    services,
  )!;
  const nowhere = publicIncident(incident({ id: 'e', title: 't', severity: 'SEV2' }, [update(2, 'identified')]), services)!;

  it('derives each service and component state from open public incidents', () => {
    const status = buildStatus([active, monitoring, old], services, now);
    const component = (name: string) => status.components.find((c) => c.name === name)!;
    expect(component('Checkout')).toMatchObject({ state: 'major_outage', services: [{ id: 'checkout-api', state: 'major_outage', stateLabel: 'Major outage' }] });
    expect(component('API').services).toEqual([
      { id: 'api-gateway', state: 'degraded_performance', stateLabel: 'Degraded performance' },
      { id: 'postgres-primary', state: 'operational', stateLabel: 'Operational' },
    ]);
    expect(component('Website').state).toBe('operational');
    expect(status.state).toBe('major_outage');
    expect(status.summary).toBe('Major outage: Checkout and API are affected');
    expect(status.activeIncidents.map((i) => i.id).sort()).toEqual(['a', 'b']);
    expect(status.pastIncidents.map((i) => i.id)).toEqual(['c']);
  });

  it('keeps 90 days of history per component and drops older incidents', () => {
    const status = buildStatus([old, ancient], services, now);
    const website = status.components.find((c) => c.name === 'Website')!;
    expect(website.days).toHaveLength(90);
    expect(website.days[89].date).toBe('2026-11-21');
    expect(website.days.find((day) => day.date === '2026-11-01')?.state).toBe('partial_outage');
    expect(website.daysWithIncidents).toBe(1);
    expect(status.pastIncidents.map((i) => i.id)).toEqual(['c']);
    expect(status).toMatchObject({ state: 'operational', summary: 'All systems operational' });
  });

  it('counts an incident without a component in the overall state only', () => {
    const status = buildStatus([nowhere], services, now);
    expect(status.state).toBe('partial_outage');
    expect(status.summary).toBe('Partial outage: some of our services are affected');
    expect(status.components.every((c) => c.state === 'operational')).toBe(true);
  });
});

describe('html and cookies', () => {
  it('escapes every interpolated value but not nested templates', () => {
    const evil = `<img src=x onerror="alert('x')">&`;
    expect(html`<p title="${evil}">${evil}</p>`.text).toBe(
      '<p title="&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;">&#60;img src=x onerror=&#34;alert(&#39;x&#39;)&#34;&#62;&#38;</p>',
    );
    expect(html`<div>${html`<b>${'<i>'}</b>`}${[1, '<', null, undefined, false]}</div>`.text).toBe('<div><b>&#60;i&#62;</b>1&#60;</div>');
  });

  it('parses cookies and ignores malformed ones', () => {
    expect(parseCookies('a=1; b=x%20y; bad=%E0%A4%A; =nope')).toEqual({ a: '1', b: 'x y' });
  });
});
