/**
 * The console's Insights page: the store's reports (store/analytics.ts) as tables a person can read
 * (durations in words, columns in plain names) and, where a figure moves over time or differs between
 * people and teams, a chart. Each table links the same table as CSV. The page is built from whatever
 * the reports return, so a column added there shows up here with a generic name until it gets a better one.
 */
import type { AnalyticsFilters, Cell, Report, ReportName, Table } from '../../../store/analytics';
import type { Policy } from '../../../policy/types';
import { barChart, lineChart, type Series } from '../charts';
import { html, type Html } from '../html';
import { COUNT_STEPS, DURATION_STEPS, humanDays, humanDuration, plainNumber } from '../units';
import type { Session } from '../session';
import { selectField, textField } from './forms';
import { consolePage, flash } from './views';

/** What the person typed into the filter form, echoed back into it and into the CSV links. */
export type FilterForm = Partial<Record<'team' | 'severity' | 'service' | 'person' | 'from' | 'to', string>>;

const REPORT_TEXT: Record<ReportName, { title: string; intro: string }> = {
  response: { title: 'Response times', intro: 'How long from declaring an incident to its acknowledgement, its first public update and its resolution.' },
  paging: { title: 'Paging', intro: 'Who gets paged, and how often at night (00:00–06:00 in the person’s own time zone).' },
  hygiene: { title: 'Paging hygiene', intro: 'Pages that went to the wrong team first, and alert rules that open incidents nobody needed.' },
  severity: { title: 'Severity', intro: 'Whether incidents were declared at the right severity: upgrades and downgrades after declaring.' },
  'follow-through': { title: 'Follow-through', intro: 'Postmortems published by their deadline, and action items done.' },
};

const TABLE_TITLES: Record<string, string> = {
  by_severity_and_team: 'By severity and team',
  weekly: 'Per week',
  by_person: 'Per person',
  by_team: 'Per team',
  escalation: 'Escalation',
  rerouted_by_first_team: 'Rerouted, by the first team paged',
  alert_rules: 'Alert rules',
  non_actionable: 'Incidents nobody needed',
  by_declarer: 'By who declared',
  declared_vs_final: 'Declared, highest and final severity',
  postmortems: 'Postmortems',
  action_items: 'Action items',
};

const COLUMN_LABELS: Record<string, string> = {
  ack_p50_s: 'To acknowledge (median)',
  ack_p90_s: 'To acknowledge (90th pct)',
  first_public_update_p50_s: 'To first public update (median)',
  first_public_update_p90_s: 'To first public update (90th pct)',
  resolve_p50_s: 'To resolve (median)',
  resolve_p90_s: 'To resolve (90th pct)',
  median_days_to_complete: 'To complete (median)',
  week: 'Week of',
  past_level_1: 'Escalated past level 1',
  first_team: 'First team paged',
  alert_events_per_incident: 'Alert events per incident',
  alert_opened: 'Opened by an alert',
  no_responder_needed: 'No responder needed',
  declared_higher_than_final: 'Declared higher than final',
  declared_lower_than_highest: 'Declared lower than highest',
  declarer: 'Declared by',
  not_yet_due: 'Not yet due',
  on_time: 'On time',
};

/** What an empty table means; "no incidents" would be wrong where incidents exist but paged nobody. */
const EMPTY: Record<string, string> = {
  'paging.weekly': 'No pages in this window.',
  by_person: 'No pages in this window.',
  by_team: 'No pages in this window.',
  rerouted_by_first_team: 'No paged incidents in this window.',
  alert_rules: 'No incidents opened by alerts in this window.',
  postmortems: 'No postmortems due for incidents in this window.',
  action_items: 'No action items on incidents in this window.',
};

const label = (column: string) => COLUMN_LABELS[column] ?? column.charAt(0).toUpperCase() + column.slice(1).replace(/_/g, ' ');
const titleOf = (table: string) => TABLE_TITLES[table] ?? label(table);

/** How a column's figures read: seconds and days as durations, the rest as they are. */
function formatter(column: string): (value: number) => string {
  if (column.endsWith('_s')) return humanDuration;
  if (column.endsWith('_days_to_complete')) return humanDays;
  return plainNumber;
}

function cell(column: string, value: Cell): Html | string {
  if (value === null || value === '') return html`<span class="muted" aria-label="none">—</span>`;
  if (typeof value === 'number') return formatter(column)(value);
  return String(value);
}

/** The filters as a query string, for the CSV links: the same window and scope as the page. */
function filterQuery(form: FilterForm): string {
  return new URLSearchParams(Object.entries(form).filter((entry): entry is [string, string] => Boolean(entry[1]))).toString();
}

function csvHref(report: ReportName, table: string, form: FilterForm): string {
  const query = filterQuery(form);
  return `/console/insights/${report}.csv?${query ? `${query}&` : ''}table=${encodeURIComponent(table)}`;
}

function dataTable(report: ReportName, name: string, table: Table, form: FilterForm): Html {
  const id = `${report}-${name}`;
  const heading = html`<div class="row"><h3 id="${id}">${titleOf(name)}</h3><a href="${csvHref(report, name, form)}" download>CSV<span class="sr-only"> of ${REPORT_TEXT[report].title}: ${titleOf(name)}</span></a></div>`;
  if (table.rows.length === 0) return html`${heading}<p class="empty">${EMPTY[`${report}.${name}`] ?? EMPTY[name] ?? 'No incidents in this window.'}</p>`;
  return html`${heading}<div class="table-wrap"><table class="stackable figures">
<caption class="sr-only">${REPORT_TEXT[report].title}: ${titleOf(name)}</caption>
<thead><tr>${table.columns.map((column) => html`<th scope="col">${label(column)}</th>`)}</tr></thead>
<tbody>${table.rows.map((row) => html`<tr>${row.map((value, index) => html`<td data-label="${label(table.columns[index])}">${cell(table.columns[index], value)}</td>`)}</tr>`)}</tbody>
</table></div>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_MS = 86400_000;

/** Every week (Monday, UTC, as the reports group them) that overlaps the window, so quiet weeks show as such. */
export function weeksOf(from: string, to: string): string[] {
  const start = new Date(from);
  const monday = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate()) - ((start.getUTCDay() + 6) % 7) * DAY_MS;
  const weeks: string[] = [];
  for (let at = monday; at < Date.parse(to) && weeks.length <= MAX_WEEKS; at += 7 * DAY_MS) weeks.push(new Date(at).toISOString().slice(0, 10));
  return weeks;
}

/** Two years of weeks at most on one line; a longer window is drawn over the weeks that have figures. */
const MAX_WEEKS = 104;

function chartWeeks(window: string[], dataWeeks: string[]): string[] {
  if (window.length <= MAX_WEEKS || dataWeeks.length === 0) return window.slice(0, MAX_WEEKS);
  const sorted = [...dataWeeks].sort();
  return weeksOf(`${sorted[0]}T00:00:00Z`, new Date(Date.parse(`${sorted[sorted.length - 1]}T00:00:00Z`) + DAY_MS).toISOString()).slice(-MAX_WEEKS);
}

const shortDate = (day: string) => `${MONTHS[Number(day.slice(5, 7)) - 1]} ${Number(day.slice(8, 10))}`;

/**
 * A weekly trend of some columns of a `weekly` table. Counts are zero in a week without rows; durations
 * have no figure there (a gap in the line), since nobody acknowledged anything that week.
 */
function trend(id: string, title: string, table: Table, columns: [string, string][], window: string[]): Html {
  const weekIndex = table.columns.indexOf('week');
  const byWeek = new Map(table.rows.map((row) => [String(row[weekIndex]), row]));
  const weeks = chartWeeks(window, [...byWeek.keys()]);
  const duration = columns[0][0].endsWith('_s');
  const series: Series[] = columns.map(([column, name]) => {
    const index = table.columns.indexOf(column);
    return { name, values: weeks.map((week) => (byWeek.has(week) ? (byWeek.get(week)![index] as number | null) : duration ? null : 0)) };
  });
  const chart = lineChart({ id, title, labels: weeks.map(shortDate), series, format: formatter(columns[0][0]), steps: duration ? DURATION_STEPS : COUNT_STEPS });
  return html`<figure class="chart-figure"><figcaption>${title}</figcaption>${chart}</figure>`;
}

/** The busiest rows of a table as bars (a chart of forty names helps nobody; the table has them all). */
function bars(id: string, title: string, table: Table, key: string, columns: [string, string][], limit = 10): Html {
  const rows = table.rows.slice(0, limit);
  const keyIndex = table.columns.indexOf(key);
  const chart = barChart({
    id,
    title,
    categories: rows.map((row) => String(row[keyIndex] ?? '—')),
    series: columns.map(([column, name]) => ({ name, values: rows.map((row) => row[table.columns.indexOf(column)] as number | null) })),
    format: formatter(columns[0][0]),
    steps: columns[0][0].endsWith('_s') ? DURATION_STEPS : COUNT_STEPS,
  });
  const more = table.rows.length > limit ? html`<p class="muted">The ${limit} busiest of ${table.rows.length}; the table below lists all.</p>` : '';
  return html`<figure class="chart-figure"><figcaption>${title}</figcaption>${chart}${more}</figure>`;
}

/** The charts a report gets, from its tables; empty where nothing happened in the window. */
function charts(name: ReportName, report: Report, weeks: string[]): Html[] {
  const has = (table: string) => (report[table]?.rows.length ?? 0) > 0;
  switch (name) {
    case 'response':
      return has('weekly')
        ? [
            trend(
              'chart-ack',
              'Time to acknowledge, per week',
              report.weekly,
              [
                ['ack_p50_s', 'Median'],
                ['ack_p90_s', '90th percentile'],
              ],
              weeks,
            ),
          ]
        : [];
    case 'paging': {
      const pages: [string, string][] = [
        ['pages', 'Pages'],
        ['night_pages', 'Night pages'],
      ];
      return [
        has('weekly') ? trend('chart-pages-weekly', 'Pages and night pages, per week', report.weekly, pages, weeks) : '',
        has('by_person') ? bars('chart-pages-person', 'Pages per person', report.by_person, 'person', pages) : '',
        has('by_team') ? bars('chart-pages-team', 'Pages per team', report.by_team, 'team', pages) : '',
      ].filter((chart): chart is Html => chart !== '');
    }
    case 'severity':
      return has('weekly')
        ? [
            trend(
              'chart-severity-weekly',
              'Severity changes after declaring, per week',
              report.weekly,
              [
                ['upgrades', 'Upgrades'],
                ['downgrades', 'Downgrades'],
              ],
              weeks,
            ),
          ]
        : [];
    default:
      return [];
  }
}

function reportSection(name: ReportName, report: Report, form: FilterForm, weeks: string[]): Html {
  const drawn = charts(name, report, weeks);
  return html`<section class="report" aria-labelledby="report-${name}">
<h2 id="report-${name}">${REPORT_TEXT[name].title}</h2>
<p class="muted">${REPORT_TEXT[name].intro}</p>
${drawn.length ? html`<div class="charts">${drawn}</div>` : ''}
${Object.entries(report).map(([table, data]) => dataTable(name, table, data, form))}
</section>`;
}

/**
 * The filters fold away behind a line saying what is shown, so on a phone the figures come first; they are
 * open when there is something to correct.
 */
function filterFormHtml(policy: Policy, form: FilterForm, open: boolean): Html {
  const any: [string, string] = ['', 'Any'];
  const chosen = Object.entries(form).filter(([, value]) => value);
  return html`<details class="card filter-box"${open ? html` open` : ''}><summary>Filters: ${chosen.length ? chosen.map(([name, value]) => `${name} ${value}`).join(', ') : 'all teams, the last 12 weeks'}</summary>
<form class="filters" method="get" action="/console/insights" aria-label="Filter the reports">
${selectField({ id: 'i-team', name: 'team', label: 'Team', choices: [any, ...Object.keys(policy.teams).sort()], selected: form.team })}
${selectField({ id: 'i-severity', name: 'severity', label: 'Severity', choices: [any, ...policy.severities.map((s) => s.name)], selected: form.severity })}
${selectField({ id: 'i-service', name: 'service', label: 'Service', choices: [any, ...Object.keys(policy.services).sort()], selected: form.service })}
${textField({ id: 'i-person', name: 'person', label: 'Person', value: form.person, maxlength: 100, markOptional: false, list: 'i-people' })}
<datalist id="i-people">${Object.values(policy.people)
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((person) => html`<option value="${person.id}">${person.name}</option>`)}</datalist>
${textField({ id: 'i-from', name: 'from', label: 'From', type: 'date', value: form.from, maxlength: 40, markOptional: false })}
${textField({ id: 'i-to', name: 'to', label: 'To (inclusive)', type: 'date', value: form.to, maxlength: 40, markOptional: false })}
<div><button type="submit">Show</button></div>
</form></details>`;
}

export interface InsightsData {
  filters: AnalyticsFilters;
  reports: [ReportName, Report][];
}

/** The page; without data (the filters were refused) it is the form and the reason. */
export function insightsPage(session: Session, policy: Policy, form: FilterForm, data: InsightsData | undefined, error?: string): string {
  const weekly = data?.reports.find(([name]) => name === 'response')?.[1].weekly;
  const incidents = weekly?.rows.reduce((sum, row) => sum + Number(row[weekly.columns.indexOf('incidents')] ?? 0), 0);
  const weeks = data ? weeksOf(data.filters.from, data.filters.to) : [];
  const body = html`<h1>Insights across incidents</h1>
${flash({ error })}
${filterFormHtml(policy, form, error !== undefined)}
${
  data
    ? html`<p role="status">${incidents === 0 ? html`<strong>No incidents in this window</strong>` : html`<strong>${incidents} incident${incidents === 1 ? '' : 's'}</strong>`} declared from ${dateOf(data.filters.from)} up to ${dateOf(data.filters.to)} (UTC)${scopeText(data.filters)}.</p>
<nav class="toc" aria-label="Reports"><ul class="plain inline-list">${data.reports.map(([name]) => html`<li><a href="#report-${name}">${REPORT_TEXT[name].title}</a></li>`)}</ul></nav>
${data.reports.map(([name, report]) => reportSection(name, report, form, weeks))}`
    : ''
}`;
  return consolePage(session, 'Insights', body);
}

const dateOf = (iso: string) => html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')}</time>`;

function scopeText(filters: AnalyticsFilters): string {
  const parts = [
    filters.team && `team ${filters.team}`,
    filters.severity && `severity ${filters.severity}`,
    filters.service && `service ${filters.service}`,
    filters.person && `involving ${filters.person}`,
  ].filter(Boolean);
  return parts.length ? `, ${parts.join(', ')}` : '';
}
