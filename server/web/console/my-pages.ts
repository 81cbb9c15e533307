/**
 * "My pages": the signed-in person's console inbox, newest first, with Acknowledge right beside each page of
 * an incident still waiting for it. What waits is read from Temporal (incidents still in the discover phase)
 * and matched against the inbox in the store, so a page acknowledged elsewhere stops waiting here too.
 */
import type { Incidents } from '../../../engine/incidents';
import type { Policy } from '../../../policy/types';
import type { Inbox, InboxEntry } from '../../../store/inbox';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { CONSOLE_SCRIPT_PATH } from './console-script';
import { csrfField } from './forms';
import { consolePage, flash, type Flash } from './views';

/** Pages shown; the inbox keeps more, but a night's pages fit in far fewer. */
const SHOWN = 50;
/** Incidents still waiting for acknowledgement looked at: beyond this, the badge stops counting. */
const WAITING_READ = 200;

/**
 * Whose inbox a session opens: its name when that is a person's id (OIDC sign-in, or an admin who typed
 * it), else the person whose name it is, case-insensitively (an admin who typed "Alice Moreau").
 */
export function personOf(policy: Policy, sessionName: string): string | undefined {
  if (policy.people[sessionName]) return sessionName;
  const wanted = sessionName.trim().toLowerCase();
  return Object.values(policy.people).find((person) => person.name.toLowerCase() === wanted || person.email?.toLowerCase() === wanted)?.id;
}

/** The incidents that paged this person and still wait for someone to acknowledge them. */
export async function waitingFor(person: string, incidents: Incidents, inbox: Inbox): Promise<Set<string>> {
  const unacknowledged = await incidents.list({ status: 'open', phase: 'discover', limit: WAITING_READ });
  return new Set(
    await inbox.pagedAmong(
      person,
      unacknowledged.map((incident) => incident.id),
    ),
  );
}

export async function myPages(person: string, incidents: Incidents, inbox: Inbox): Promise<{ entries: InboxEntry[]; waiting: Set<string> }> {
  const [entries, waiting] = await Promise.all([inbox.of(person, SHOWN), waitingFor(person, incidents, inbox)]);
  return { entries, waiting };
}

/**
 * A number for what My pages shows: the newest notification and the incidents waiting. Its event stream
 * sends it whenever it changes, and the page fetches itself again; it need only differ, not grow.
 */
export function myPagesVersion(newestKey: string | undefined, waiting: Set<string>): number {
  let hash = 0x811c9dc5;
  for (const char of JSON.stringify([newestKey ?? '', [...waiting].sort()])) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return hash & 0x7fffffff;
}

export async function currentVersion(person: string, incidents: Incidents, inbox: Inbox): Promise<number> {
  const [[newest], waiting] = await Promise.all([inbox.of(person, 1), waitingFor(person, incidents, inbox)]);
  return myPagesVersion(newest?.key, waiting);
}

const KIND_WORDS: Record<string, string> = {
  page: 'Paged',
  escalation: 'Paged (escalation)',
  handoff: 'Handoff',
  reminder: 'Reminder',
  resolved: 'Resolved',
  info: 'Notice',
};

/** An incident's own page; on-call notices (`oncall-<team>`) have none of their own. */
const linkOf = (entry: InboxEntry) => (entry.incidentId.startsWith('oncall-') ? '/console/oncall' : `/console/incidents/${encodeURIComponent(entry.incidentId)}`);

/**
 * What the notification asks, without repeating the title shown above it: a page's headline is the title
 * again, its detail says the level and what to do; a reminder's headline says what it is about.
 */
function whatWasAsked(entry: InboxEntry): Html {
  const detail = entry.body.split('\n\n')[0];
  const headline = entry.headline.includes(entry.incidentTitle) ? '' : entry.headline;
  return html`${headline ? html`<strong>${headline}</strong> — ` : ''}${detail}`;
}

function acknowledgeForm(session: Session, entry: InboxEntry): Html {
  return html`<form class="inline" method="post" action="/console/incidents/${encodeURIComponent(entry.incidentId)}/acknowledge">${csrfField(session)}<input type="hidden" name="_back" value="mine"><button type="submit" class="big" aria-label="Acknowledge ${entry.incidentTitle}">Acknowledge</button></form>`;
}

function entryView(session: Session, entry: InboxEntry, waiting: boolean, first: boolean): Html {
  return html`<li class="my-page${waiting ? ' waiting' : ''}">
<div class="my-page-head"><span class="pill sev">${entry.severity}</span> <a class="my-page-title" href="${linkOf(entry)}">${entry.incidentTitle}</a>${waiting ? html` <span class="flag">Unacknowledged</span>` : ''}</div>
<p class="my-page-what">${whatWasAsked(entry)}</p>
<p class="muted">${KIND_WORDS[entry.kind] ?? entry.kind} · ${time(entry.deliveredAt)} · <span class="mono">${entry.incidentId}</span></p>
${waiting && first ? acknowledgeForm(session, entry) : ''}
</li>`;
}

export function myPagesPage(session: Session, person: string | undefined, data: { entries: InboxEntry[]; waiting: Set<string> } | undefined, messages: Flash = {}): string {
  if (!person) {
    return consolePage(
      session,
      'My pages',
      html`<h1>My pages</h1>${flash(messages)}<p>“${session.name}” is not a person in the policy (config/teams/*.yaml), so no pages come here. Sign in with your person id or name to see yours.</p>`,
    );
  }
  if (!data) return consolePage(session, 'My pages', html`<h1>My pages</h1>${flash(messages)}<p>Your inbox is kept in the store, which this Marshal process does not hold.</p>`);
  const { entries, waiting } = data;
  // Acknowledge once per incident, beside its newest page: one incident paged three times is one decision.
  const seen = new Set<string>();
  const items = entries.map((entry) => {
    const first = !seen.has(entry.incidentId);
    seen.add(entry.incidentId);
    return entryView(session, entry, waiting.has(entry.incidentId), first);
  });
  const summary =
    waiting.size > 0
      ? html`<p class="act-now"><strong>${waiting.size} incident${waiting.size === 1 ? '' : 's'} paged you and ${waiting.size === 1 ? 'waits' : 'wait'} for acknowledgement.</strong> Acknowledge to take it: paging stops.</p>`
      : html`<p class="muted">Nothing waits for you.</p>`;
  return consolePage(
    session,
    waiting.size > 0 ? `(${waiting.size}) My pages` : 'My pages',
    html`<h1>My pages</h1>
${flash(messages)}
<p id="live-note" class="muted live-note" role="status" data-events="/console/mine/events" data-seq="${myPagesVersion(entries[0]?.key, waiting)}"></p>
<div id="mine-live" data-live>${summary}
${entries.length === 0 ? html`<p>No pages yet. When Marshal pages you, the page shows here at once, whatever else your contacts are.</p>` : html`<ol class="my-pages">${items}</ol>`}</div>
<p class="muted">Every page, reminder and notice sent to ${person} lands here first; email, Slack and webhooks follow as your team file lists them.</p>`,
    { scripts: [CONSOLE_SCRIPT_PATH] },
  );
}
