/** The Insights page as a pure function of report tables: weeks, units, empty states, CSV links, escaping. */
import { describe, expect, it } from 'vitest';
import type { AnalyticsFilters, Report, ReportName } from '../../store/analytics';
import { insightsPage, weeksOf } from '../../server/web/console/insight-page';
import { policy } from '../web/fixtures';

const session = { name: 'Pat', csrf: 'csrf-token-for-the-test', expiresAt: Date.now() + 3600_000 };
const filters: AnalyticsFilters = { from: '2026-11-04T00:00:00.000Z', to: '2026-11-20T00:00:00.000Z', severityOrder: ['SEV1', 'SEV2'], now: '2026-11-20T00:00:00.000Z', team: 'payments' };
const table = (columns: string[], rows: (string | number | null)[][]) => ({ columns, rows });

function reports(withData: boolean): [ReportName, Report][] {
  const responseColumns = ['week', 'incidents', 'ack_p50_s', 'ack_p90_s'];
  const pagingColumns = ['person', 'pages', 'night_pages', 'incidents', 'rests_taken'];
  return [
    [
      'response',
      {
        by_severity_and_team: table(['severity', 'team', 'incidents', 'ack_p50_s'], withData ? [['SEV2', 'payments', 2, 250]] : []),
        weekly: table(responseColumns, withData ? [['2026-11-09', 2, 250, 3725]] : []),
      },
    ],
    [
      'paging',
      {
        by_person: table(pagingColumns, withData ? [['<b>mallory</b>', 3, 1, 2, 0]] : []),
        by_team: table(['team', 'pages', 'night_pages', 'escalation_pages'], withData ? [['payments', 3, 1, 0]] : []),
        weekly: table(['week', 'pages', 'night_pages'], withData ? [['2026-11-16', 3, 1]] : []),
      },
    ],
  ];
}

describe('the Insights page', () => {
  it('counts every week of the window, quiet ones included, from the Monday the reports group by', () => {
    expect(weeksOf(filters.from, filters.to)).toEqual(['2026-11-02', '2026-11-09', '2026-11-16']);
    expect(weeksOf('2026-11-09T00:00:00Z', '2026-11-09T00:00:01Z')).toEqual(['2026-11-09']);
  });

  it('shows figures in their units, charts with a gap for quiet weeks, escaped names and CSV links with the filters', () => {
    const page = insightsPage(session, policy, { team: 'payments', from: '2026-11-04' }, { filters, reports: reports(true) });
    expect(page).toContain('<td data-label="To acknowledge (median)">4m 10s</td>');
    expect(page).toContain('<title>90th percentile, Nov 9: 1h 2m</title>');
    // Three weeks: a duration gap where nothing happened, zero pages where nobody was paged.
    expect(page.match(/<title>Median, Nov \d+: /g)).toHaveLength(1);
    expect(page).toContain('<title>Pages, Nov 2: 0</title>');
    expect(page).toContain('&#60;b&#62;mallory&#60;/b&#62;');
    expect(page).not.toContain('<b>mallory');
    expect(page).toContain('href="/console/insights/paging.csv?team=payments&#38;from=2026-11-04&#38;table=by_person"');
    expect(page).toContain('<strong>2 incidents</strong>');
    expect(page).toContain('Filters: team payments, from 2026-11-04');
  });

  it('draws a window of decades over the weeks that have figures', () => {
    const wide = { ...filters, from: '1990-01-01T00:00:00.000Z', to: '2090-01-01T00:00:00.000Z' };
    const page = insightsPage(session, policy, { from: '1990-01-01', to: '2090-01-01' }, { filters: wide, reports: reports(true) });
    expect(page).toMatch(/<desc id="chart-ack-desc">1 week from Nov 9 to Nov 9\./);
    expect(page).toMatch(/<desc id="chart-pages-weekly-desc">1 week from Nov 16 to Nov 16\./);
  });

  it('says so when the window is empty, per table in its own words, and draws nothing', () => {
    const page = insightsPage(session, policy, {}, { filters, reports: reports(false) });
    expect(page).toContain('<strong>No incidents in this window</strong>');
    expect(page).toContain('No pages in this window.');
    expect(page).not.toContain('<svg');
  });

  it('shows a refusal with the form open and no figures', () => {
    const page = insightsPage(session, policy, { from: 'yesterday' }, undefined, '"from" must be a date such as 2026-11-01 or an ISO 8601 time');
    expect(page).toMatch(/<details class="card filter-box" open>/);
    expect(page).toContain('role="alert"');
    expect(page).toContain('value="yesterday"');
    expect(page).not.toContain('<h2');
  });
});
