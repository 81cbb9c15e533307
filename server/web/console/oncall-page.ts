/** The on-call pages: who holds the pager now for every team, and one team's next 14 days with its overrides. */
import type { Policy, TeamPolicy } from '../../../policy/types';
import type { OnCallPerson } from '../../../policy/oncall';
import type { OverrideRecord } from '../../../workflows/oncall-overrides-contract';
import { humanDuration } from '../units';
import { html, type Html } from '../html';
import type { Session } from '../session';
import { buttonForm, postForm, selectField, textField } from './forms';
import { clockIn, type LocalTime, type TeamNow, type TeamSchedule } from './oncall-model';
import { schedulePicture } from './oncall-picture';
import { consolePage, flash, type Flash } from './views';

function person(label: string, who: OnCallPerson | null, clock: LocalTime | undefined, zone: string): Html {
  if (!who)
    return html`<div class="oncall-person gap-warning"><span class="role">${label}</span> <strong>Nobody</strong> <span>— no ${label.toLowerCase()} now: a page reaches ${label === 'Primary' ? 'the secondary at best' : 'only the primary'}.</span></div>`;
  const how = who.overrideId ? html`<span class="pill pill-override">override ${who.overrideId}</span>` : html`<span class="pill">${who.layer}</span>`;
  return html`<div class="oncall-person"><span class="role">${label}</span> <strong class="who">${who.name}</strong> ${how}
<div>Their time: <strong>${clock?.text ?? ''}</strong>${clock?.night ? html` <span class="night">night where they are</span>` : ''}</div>
<div class="muted">Until ${clockIn(zone, Date.parse(who.shiftEnd))} ${zone}</div></div>`;
}

function nowCard(now: TeamNow, link: boolean): Html {
  const { team, answer } = now;
  return html`<section class="card oncall-team" aria-labelledby="now-${team.id}">
<h2 id="now-${team.id}">${link ? html`<a href="/console/oncall/${team.id}">${team.name}</a>` : html`Now`}</h2>
${person('Primary', answer.primary, now.primaryTime, 'UTC')}
${team.rotations.secondary ? person('Secondary', answer.secondary, now.secondaryTime, 'UTC') : html`<p class="muted">No secondary rotation.</p>`}
${link ? html`<p><a href="/console/oncall/${team.id}">Schedule and overrides for ${team.name}</a></p>` : ''}
</section>`;
}

export function oncallBoardPage(session: Session, teams: TeamNow[], at: string): string {
  const body = html`<h1>On call now</h1>
<p class="muted">As of ${at.slice(0, 16).replace('T', ' ')} UTC, overrides included. Each person's own clock is shown: check it before you phone them.</p>
<div class="grid">${teams.map((now) => nowCard(now, true))}</div>`;
  return consolePage(session, 'On call', body);
}

export interface OverrideForm {
  person?: string;
  replaces?: string;
  rotation?: string;
  from?: string;
  to?: string;
  zone?: string;
  reason?: string;
}

function layersTable(team: TeamPolicy, policy: Policy): Html {
  const rows = (['primary', 'secondary'] as const).flatMap((rotation) =>
    (team.rotations[rotation]?.layers ?? []).map(
      (
        layer,
      ) => html`<tr><td data-label="Rotation">${rotation}</td><td data-label="Layer">${layer.name}</td><td data-label="Covers">${layer.hours ? `${layer.hours.from}–${layer.hours.to}` : 'all day'} ${layer.timezone}</td>
<td data-label="Hands off">${layer.shift} at ${layer.handoff}</td><td data-label="Takes turns">${layer.participants.map((id) => policy.people[id]?.name ?? id).join(', ')}</td></tr>`,
    ),
  );
  return html`<div class="table-wrap"><table class="stackable"><caption class="sr-only">Layers</caption><thead><tr><th scope="col">Rotation</th><th scope="col">Layer</th><th scope="col">Covers</th><th scope="col">Hands off</th><th scope="col">Takes turns</th></tr></thead><tbody>${rows}</tbody></table></div>`;
}

function overridesTable(session: Session, team: TeamPolicy, records: OverrideRecord[], policy: Policy, zone: string): Html {
  const name = (id: string | undefined) => (id ? (policy.people[id]?.name ?? id) : '');
  const shown = [...records].reverse().filter((record, index) => record.state === 'active' || index < 20);
  if (shown.length === 0) return html`<p class="empty">No overrides: the rotation decides.</p>`;
  return html`<div class="table-wrap"><table class="stackable"><caption class="sr-only">Overrides</caption><thead><tr><th scope="col">Id</th><th scope="col">Who covers</th><th scope="col">Window (${zone})</th><th scope="col">Why</th><th scope="col">State</th><th scope="col"><span class="sr-only">Remove</span></th></tr></thead>
<tbody>${shown.map(
    (record) => html`<tr${record.state === 'active' ? '' : html` class="past"`}><td data-label="Id" class="nowrap">${record.id}</td>
<td data-label="Who covers"><strong>${name(record.person)}</strong> ${record.replaces ? html`instead of <strong>${name(record.replaces)}</strong> (swap)` : html`holds ${record.rotation ?? 'primary'}`}${record.replaces && record.rotation ? ` on ${record.rotation}` : ''}</td>
<td data-label="Window (${zone})">${clockIn(zone, Date.parse(record.from))} – ${clockIn(zone, Date.parse(record.to))}</td>
<td data-label="Why">${record.reason}<br><span class="muted">added by ${record.createdBy}${record.removedBy ? `, removed by ${record.removedBy}` : ''}</span></td>
<td data-label="State">${record.state}</td>
<td>${record.state === 'active' ? buttonForm(session, `/console/oncall/${team.id}/overrides/${record.id}/remove`, 'Remove', { secondary: true, label: `Remove override ${record.id}` }) : ''}</td></tr>`,
  )}</tbody></table></div>`;
}

function overrideForm(session: Session, schedule: TeamPageData['schedule'], policy: Policy, form: OverrideForm): Html {
  const team = schedule.team;
  const members = team.members.map((member) => [member.id, `${member.name} (${member.id})`] as [string, string]);
  const others = Object.values(policy.people)
    .filter((candidate) => candidate.team !== team.id)
    .map((candidate) => [candidate.id, `${candidate.name} (${candidate.id}, ${candidate.team})`] as [string, string]);
  return postForm(
    session,
    `/console/oncall/${team.id}/overrides`,
    'Add an override or a swap',
    html`<p class="muted">A <strong>swap</strong> names whose time is taken: the cover gets only that person's shifts in the window. Without it, the cover <strong>holds the rotation</strong> for the whole window. Either ends by itself at “Until”.</p>
${selectField({ id: 'o-person', name: 'person', label: 'Who covers', choices: [['', 'Choose a person'], ...members, ...others], selected: form.person, required: true })}
${selectField({ id: 'o-replaces', name: 'replaces', label: 'Instead of (a swap)', choices: [['', 'Nobody: hold the rotation for the window'], ...members], selected: form.replaces })}
${selectField({
  id: 'o-rotation',
  name: 'rotation',
  label: 'Rotation',
  choices: [
    ['', 'Default: both for a swap, else primary'],
    ['primary', 'Primary'],
    ['secondary', 'Secondary'],
  ],
  selected: form.rotation,
})}
<div class="pair">${textField({ id: 'o-from', name: 'from', label: 'From', type: 'datetime-local', value: form.from, required: true, maxlength: 16 })}
${textField({ id: 'o-to', name: 'to', label: 'Until', type: 'datetime-local', value: form.to, required: true, maxlength: 16 })}</div>
${selectField({ id: 'o-zone', name: 'zone', label: 'Those times are in', choices: schedule.zones, selected: form.zone ?? schedule.zone })}
${textField({ id: 'o-reason', name: 'reason', label: 'Why', value: form.reason, required: true, maxlength: 2000, hint: 'Shown to the team, e.g. "Dentist, Bob covers".' })}`,
    'Add override',
  );
}

export interface TeamPageData {
  now: TeamNow;
  schedule: TeamSchedule & { zones: string[] };
  overrides: OverrideRecord[];
  policy: Policy;
  form?: OverrideForm;
}

export function oncallTeamPage(session: Session, data: TeamPageData, messages: Flash = {}): string {
  const { now, schedule, overrides, policy } = data;
  const team = schedule.team;
  const zone = schedule.zone;
  const primaryShifts = schedule.rows[0].segments;
  const body = html`<p><a href="/console/oncall">← On call for every team</a></p>
<h1>${team.name} on call</h1>
${flash(messages)}
${nowCard(now, false)}
<section aria-labelledby="schedule-heading"><h2 id="schedule-heading">Next 14 days</h2>
<form class="card filters" method="get" action="/console/oncall/${team.id}" aria-label="Time zone of the schedule">
${selectField({ id: 's-zone', name: 'zone', label: 'Show times in', choices: schedule.zones, selected: zone })}
<div><button type="submit">Show</button></div></form>
<figure class="chart-figure schedule-figure">${schedulePicture(schedule, policy)}</figure>
<h3 id="gaps-heading">Hours with no primary</h3>
${
  schedule.gaps.length === 0
    ? html`<p class="notice">None: every hour of the next 14 days has a primary.</p>`
    : html`<ul class="gap-list">${schedule.gaps.map(
        (gap) => html`<li><strong>No primary</strong> ${clockIn(zone, gap.start)} – ${clockIn(zone, gap.end)} ${zone} (${humanDuration((gap.end - gap.start) / 1000)})</li>`,
      )}</ul>`
}
<details class="filter-box"><summary>Every primary shift as a list (${primaryShifts.length})</summary>
<ul class="plain shift-list">${primaryShifts.map(
    (segment) =>
      html`<li>${clockIn(zone, segment.start)} – ${clockIn(zone, segment.end)}: <strong>${policy.people[segment.personId]?.name ?? segment.personId}</strong> <span class="muted">${segment.overrideId ? `override ${segment.overrideId}` : segment.layer}</span></li>`,
  )}</ul></details>
</section>
<section aria-labelledby="overrides-heading"><h2 id="overrides-heading">Overrides and swaps</h2>
${overridesTable(session, team, overrides, policy, zone)}
${overrideForm(session, schedule, policy, data.form ?? {})}
</section>
<section aria-labelledby="layers-heading"><h2 id="layers-heading">Layers</h2>
<p class="muted">From config/teams/${team.id}.yaml; where layers overlap, the one listed first keeps the pager.</p>
${layersTable(team, policy)}</section>`;
  return consolePage(session, `${team.name} on call`, body);
}
