/**
 * The incident page's alerts panel and the Markdown it renders, as pure functions of an incident: links
 * only for http(s) URLs, every sender's value escaped, and raw HTML in Markdown kept as text.
 */
import { describe, expect, it } from 'vitest';
import type { AttachedAlert } from '../../workflows/incident-state';
import { incidentPage } from '../../server/web/console/incident-page';
import { alertsPanel, safeLink } from '../../server/web/console/alerts-panel';
import { renderMarkdown } from '../../server/web/markdown';
import { draftCustomerMessage } from '../../server/documents/customer-message';
import { incident, policy } from './fixtures';
import { auditPage } from '../../server/web/console/access-pages';
import type { AuditRecord } from '../../store/access';

const alert = (overrides: Partial<AttachedAlert>): AttachedAlert => ({
  key: 'fp-1',
  source: 'alertmanager',
  summary: 'Checkout 5xx above 5%',
  status: 'firing',
  firstSeenAt: '2026-11-21T10:00:00.000Z',
  lastSeenAt: '2026-11-21T10:07:00.000Z',
  deliveries: 3,
  ...overrides,
});

describe('the alerts panel', () => {
  it('shows each alert with state, times, deliveries, labels, annotations and safe links', () => {
    const panel = alertsPanel([
      alert({ status: 'resolved', key: 'old', summary: 'Old one', lastSeenAt: '2026-11-21T10:01:00.000Z', deliveries: 1 }),
      alert({
        labels: { alertname: 'CheckoutErrors', service: 'checkout-api' },
        annotations: {
          summary: 'Checkout 5xx above 5%',
          description: 'Error ratio 7% <b>for</b> 5m',
          runbook_url: 'https://runbooks.example.com/checkout',
          dashboardURL: 'https://grafana.example.com/d/abc?x=1&y="2"',
          silenceURL: 'javascript:alert(document.cookie)',
          panelURL: 'JaVaScRiPt:alert(1)',
          generatorURL: 'data:text/html,<script>alert(1)</script>',
          link: 'Status board <https://status.example.com/board>',
        },
      }),
    ]).text;
    // Firing first.
    expect(panel.indexOf('Checkout 5xx above 5%')).toBeLessThan(panel.indexOf('Old one'));
    expect(panel).toContain('<span class="pill alert-state">Firing</span>');
    expect(panel).toContain('<span class="pill alert-state">Resolved</span>');
    expect(panel).toContain('First seen <time datetime="2026-11-21T10:00:00.000Z">2026-11-21 10:00 UTC</time>');
    expect(panel).toContain('3 deliveries');
    expect(panel).toContain('1 delivery');
    expect(panel).toContain('alertname=CheckoutErrors');
    expect(panel).toContain('<a href="https://runbooks.example.com/checkout" rel="noopener noreferrer">Runbook</a>');
    expect(panel).toContain('<a href="https://grafana.example.com/d/abc?x=1&#38;y=%222%22" rel="noopener noreferrer">Dashboard</a>');
    expect(panel).toContain('<a href="https://status.example.com/board" rel="noopener noreferrer">Status board</a>');
    // Anything not http(s) is text, escaped.
    expect(panel).not.toMatch(/href="(javascript|data)/i);
    expect(panel).toContain('<dt>silenceURL</dt><dd>javascript:alert(document.cookie)</dd>');
    expect(panel).toContain('data:text/html,&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(panel).toContain('Error ratio 7% &#60;b&#62;for&#60;/b&#62; 5m');
    expect(panel).not.toContain('<script>');
  });

  it('accepts only absolute http and https URLs as links', () => {
    expect(safeLink('https://a.example/x')).toBe('https://a.example/x');
    expect(safeLink(' http://a.example ')).toBe('http://a.example/');
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', '//evil.example', '/relative', 'vbscript:x', 'file:///etc/passwd', 'mailto:a@b', ''])
      expect(safeLink(bad), bad).toBeUndefined();
  });

  it('is on the incident page, and a published postmortem is rendered as HTML with raw HTML escaped', () => {
    const base = incident({ title: 'x', severity: 'SEV2', service: 'checkout-api' }, [[1, { type: 'resolve', by: 'carol', summary: 'fixed' }]]);
    const view = {
      ...base,
      alerts: [alert({ annotations: { runbook_url: 'https://runbooks.example.com/checkout' } })],
      postmortem: {
        seq: 9,
        publishedAt: '2026-11-21T12:00:00.000Z',
        publishedBy: 'carol',
        markdown: '# Postmortem\n\n<script>alert(1)</script> **bold** [bad](javascript:alert(1))\n\n| a | b |\n| - | - |\n| 1 | 2 |',
      },
    };
    const page = incidentPage({ name: 'Tester', csrf: 'c', expiresAt: 0 }, { incident: view, policy, draft: draftCustomerMessage(view, policy.services), postmortemDraft: '' });
    expect(page).toContain('<h2 id="alerts-heading">Alerts (1)</h2>');
    expect(page).toContain('>Runbook</a>');
    expect(page).toContain('<h1>Postmortem</h1>');
    expect(page).toContain('<strong>bold</strong>');
    expect(page).toContain('<td>1</td>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>');
    expect(page).not.toMatch(/href="javascript/i);
  });

  it('renders Markdown without raw HTML and with checked links', () => {
    const out = renderMarkdown('<img src=x onerror=alert(1)> [a](https://ok.example) [b](javascript:alert(1)) ![c](data:image/svg+xml,<svg onload=alert(1)>)').text;
    expect(out).not.toMatch(/<img src=x|href="javascript|<svg/);
    expect(out).toContain('<a href="https://ok.example" rel="noopener noreferrer">a</a>');
  });
});

describe('the command view', () => {
  it('reads without JavaScript: countdowns written as of rendering, hostile text escaped, the script only as a file', () => {
    const view = incident({ title: 'Checkout <img src=x onerror=alert(1)>', severity: 'SEV1' }, [
      [1, { type: 'acknowledge', by: 'ana' }],
      [2, { type: 'add-action-item', title: '<script>alert(2)</script>', owner: 'bo"><b>', dueAt: '2026-11-21T12:00:00.000Z', by: 'ana' }],
    ]);
    const now = Date.parse('2026-11-21T10:21:00.000Z');
    const page = incidentPage({ name: 'Tester', csrf: 'c', expiresAt: 0 }, { incident: view, policy, draft: draftCustomerMessage(view, policy.services), postmortemDraft: '', now });
    expect(page).toContain('<time datetime="2026-11-21T10:31:00.000Z" data-countdown>in 10m 00s</time>');
    expect(page).toContain('acknowledged by <strong>ana</strong>');
    expect(page).toContain('Action item AI-1: &#60;script&#62;alert(2)&#60;/script&#62; (bo&#34;&#62;&#60;b&#62;)');
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('<script src="/console/assets/console.js" defer></script>');
    expect(page.match(/<script/g)).toHaveLength(1);
    expect(page).toContain('data-events="/console/incidents/inc1/events"');
    expect(page).not.toContain('data-shortcut="a"');
    expect(page).toContain('data-shortcut="u"');
  });
});

describe('the audit page', () => {
  it('names a signed Acknowledge link as the credential of what it did, and of what it was refused', () => {
    const entry = (overrides: Partial<AuditRecord>): AuditRecord => ({
      id: 1,
      at: '2026-11-30T03:12:09.000Z',
      actor: 'alice',
      principal: 'signed-link',
      action: 'acknowledge',
      target: '/api/v1/incidents/abc123',
      outcome: 'done',
      status: 200,
      remote: '127.0.0.1',
      detail: { via: 'signed link', method: 'POST' },
      ...overrides,
    });
    const page = auditPage(
      { name: 'admin', admin: true, csrf: 'c', expiresAt: Date.now() + 60_000 },
      [entry({}), entry({ id: 2, actor: 'anonymous', outcome: 'denied', status: 403, detail: { via: 'signed link', refused: 'link_not_genuine' } })],
      {
        filters: {},
        people: ['alice'],
        actions: ['acknowledge'],
      },
    );
    expect(page.match(/signed link<div class="muted">127\.0\.0\.1<\/div>/g)).toHaveLength(2);
    expect(page).not.toContain('no credential');
    expect(page).toContain('refused: link_not_genuine');
  });
});
