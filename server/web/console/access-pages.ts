/**
 * Console pages about who gets in: using a one-time sign-in link, issuing one (admins), approving a CLI
 * login, and the audit trail (admins). Every value from the store or a request is escaped by `html`.
 */
import type { AuditRecord } from '../../../store/access';
import type { PendingCliLogin } from '../../../store/cli-logins';
import type { OutstandingLink } from '../../../store/sign-in-links';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { buttonForm, postForm, selectField, textField } from './forms';
import { consolePage, flash, type Flash } from './views';

/** The confirmation a link opens on: nothing happens until the button is pressed (link scanners only GET). */
export function linkConfirmPage(challenge: string, secret: string, name: string): string {
  return consolePage(
    undefined,
    'Sign in',
    html`<h1>Sign in to the incident console</h1>
<div class="stack card"><p>An administrator gave you this one-time link. It works once: after you sign in, it is spent.</p>
<form method="post" action="/console/sign-in/${secret}">
<input type="hidden" name="_login" value="${challenge}">
<p><button type="submit" class="big">Sign in as ${name}</button></p>
</form>
<p class="muted">Not ${name}? Close this page and tell whoever sent you the link.</p></div>`,
  );
}

/** Why a link did not sign anyone in, and what to do about it. */
export function linkRefusedPage(title: string, message: string): string {
  return consolePage(
    undefined,
    title,
    html`<h1>${title}</h1>
${flash({ error: message })}
<p>Ask an administrator for a new sign-in link (they issue them in the console under Sign-in links, or with <code>marshal signin-link &lt;person&gt;</code>).</p>
<p><a href="/console/login">Sign-in page</a> · <a href="/status">Public status page</a></p>`,
  );
}

/** Admins: pick a person, get a link to send them (shown once). */
export function issueLinkPage(
  session: Session,
  people: [string, string][],
  messages: Flash & { issued?: { person: string; name: string; url: string; expiresAt: string }; outstanding?: OutstandingLink[] } = {},
): string {
  const outstanding = messages.outstanding ?? [];
  const issued = messages.issued;
  return consolePage(
    session,
    'Sign-in links',
    html`<h1>Sign-in links</h1>
${flash(messages)}
${
  issued
    ? html`<div class="notice" role="status"><p><strong>Send this link to ${issued.name}</strong> (it is shown only now, works once, until ${time(issued.expiresAt)}):</p>
<p><label for="issued-link" class="sr-only">Sign-in link for ${issued.person}</label><input type="text" id="issued-link" readonly value="${issued.url}"></p></div>`
    : ''
}
<p>Someone on a team needs the console and Marshal has no identity provider: issue them a one-time link. It signs them in as themselves (everything they do is recorded as them), once, within 24 hours. Issuing and using it are in the <a href="/console/audit">audit trail</a>.</p>
${postForm(session, '/console/sign-in-links', 'New sign-in link', selectField({ id: 'link-person', name: 'person', label: 'Person', choices: [['', 'Choose a person'], ...people], required: true }), 'Issue sign-in link')}
<h2>Not used yet</h2>
${
  outstanding.length === 0
    ? html`<p class="empty">No link is waiting to be used.</p>`
    : html`<div class="table-wrap"><table class="stackable links">
<caption class="sr-only">Sign-in links not used yet, newest first</caption>
<thead><tr><th scope="col">For</th><th scope="col">Issued</th><th scope="col">Expires</th><th scope="col"><span class="sr-only">Revoke</span></th></tr></thead>
<tbody>${outstanding.map(
        (
          link,
        ) => html`<tr><td data-label="For">${link.person}</td><td data-label="Issued">${time(link.createdAt)} <span class="muted">by ${link.issuedBy}</span></td><td data-label="Expires">${time(link.expiresAt)}</td>
<td>${buttonForm(session, `/console/sign-in-links/${link.id}/revoke`, 'Revoke', { secondary: true, label: `Revoke the sign-in link for ${link.person} issued ${link.createdAt.slice(0, 16).replace('T', ' ')} UTC` })}</td></tr>`,
      )}</tbody></table></div>`
}`,
  );
}

/** The approval page for `marshal login`: enter the code, or confirm the one in the link. */
export function cliLoginPage(session: Session, options: Flash & { code?: string; login?: PendingCliLogin; done?: 'allowed' | 'denied' } = {}): string {
  const { code, login, done } = options;
  let body: Html;
  if (done === 'allowed') {
    body = html`<div class="notice" role="status">Allowed. The CLI on ${login?.host ?? 'your machine'} now has a personal token that acts as ${session.name}; you can close this page.</div>
<p>Tokens are listed and revoked with <code>marshal token list</code> and <code>marshal token revoke</code>.</p>`;
  } else if (done === 'denied') {
    body = html`<div class="notice" role="status">Refused. The CLI on ${login?.host ?? 'that machine'} gets no token.</div>`;
  } else if (code && login?.state === 'pending') {
    body = html`<div class="card stack"><p class="lead"><strong>Allow the CLI on ${login.host} to act as ${session.name}?</strong></p>
<p>It asked from ${login.requestedFrom ?? 'an unknown address'} with the code <strong>${code}</strong>. Compare the code with what your terminal shows. Allow only if you just ran <code>marshal login</code> there: it gets a personal token (90 days) that can do everything you can.</p>
<div class="inline-list">${buttonForm(session, `/console/cli-login?code=${code}&decision=allow`, 'Allow')}${buttonForm(session, `/console/cli-login?code=${code}&decision=deny`, 'Deny', { secondary: true })}</div></div>`;
  } else {
    body = html`<form class="stack card" method="get" action="/console/cli-login"><fieldset><legend>Code from your terminal</legend>
${textField({ id: 'cli-code', name: 'code', label: 'Code', value: code, required: true, hint: 'marshal login prints it, like BDFG-HJKL.', maxlength: 40, autocomplete: 'off' })}
<p><button type="submit">Continue</button></p></fieldset></form>`;
  }
  return consolePage(session, 'CLI login', html`<h1>Sign in the Marshal CLI</h1>${flash(options)}${body}`);
}

export interface AuditFilters {
  actor?: string;
  action?: string;
  before?: number;
}

const OUTCOME_CLASS: Record<string, string> = { denied: 'flag', failed: 'flag' };

/** Admins: the trail, newest first, a page at a time (keyset on the entry id), filterable by person and action. */
export function auditPage(session: Session, entries: AuditRecord[], options: { filters: AuditFilters; people: string[]; actions: string[]; next?: number; error?: string }): string {
  const { filters } = options;
  const any: [string, string] = ['', 'Anyone'];
  const anyAction: [string, string] = ['', 'Any action'];
  const keep = (extra: Record<string, string | number | undefined>) => {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries({ actor: filters.actor, action: filters.action, ...extra })) if (value !== undefined && value !== '') query.set(name, String(value));
    const text = query.toString();
    return `/console/audit${text ? `?${text}` : ''}`;
  };
  const actors = [...new Set([...options.people, ...(filters.actor ? [filters.actor] : [])])];
  const actions = [...new Set([...options.actions, ...(filters.action ? [filters.action] : [])])];
  return consolePage(
    session,
    'Audit trail',
    html`<h1>Audit trail</h1>
${flash({ error: options.error })}
<p class="muted">Every authenticated write, refusal, sign-in (and failed one), token and sign-in link, newest first. Also at <code>GET /api/v1/audit</code>.</p>
<form class="card filters" method="get" action="/console/audit" aria-label="Filter the audit trail">
${selectField({ id: 'a-actor', name: 'actor', label: 'Who', choices: [any, ...actors.map((actor) => [actor, actor] as [string, string])], selected: filters.actor })}
${selectField({ id: 'a-action', name: 'action', label: 'Action', choices: [anyAction, ...actions.map((action) => [action, action] as [string, string])], selected: filters.action })}
<div><button type="submit">Filter</button></div>
</form>
${filters.before !== undefined ? html`<p><a href="${keep({})}">← Newest entries</a></p>` : ''}
${
  entries.length === 0
    ? html`<p class="empty">No entries${filters.actor || filters.action ? ' match these filters' : ''}.</p>`
    : html`<div class="table-wrap"><table class="stackable audit">
<caption class="sr-only">Audit entries, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">Outcome</th><th scope="col">With, from</th></tr></thead>
<tbody>${entries.map(
        (entry) => html`<tr>
<td data-label="When" class="nowrap">${toTheSecond(entry.at)}</td>
<td data-label="Who">${entry.actor}${entry.principal !== `person:${entry.actor}` ? html` <span class="muted">(${entry.principal})</span>` : ''}</td>
<td data-label="What"><span class="audit-action">${entry.action}</span>${entry.target && entry.target !== entry.action ? html` <span class="muted audit-target">${entry.target}</span>` : ''}${detailText(entry.detail)}</td>
<td data-label="Outcome" class="nowrap"><span class="${OUTCOME_CLASS[entry.outcome] ?? 'pill'}">${entry.outcome}</span>${entry.status ? html` <span class="muted">${entry.status}</span>` : ''}</td>
<td data-label="With, from">${credential(entry)}<div class="muted">${entry.remote ?? 'address unknown'}</div></td></tr>`,
      )}</tbody>
</table></div>`
}
${options.next !== undefined ? html`<p><a href="${keep({ before: options.next })}">Older entries →</a></p>` : ''}`,
  );
}

/** An audit entry's time to the second: an investigation orders what happened within a minute. */
const toTheSecond = (iso: string): Html => html`<time datetime="${iso}">${iso.slice(0, 19).replace('T', ' ')} UTC</time>`;

/** Which credential the entry was made with: a token (by id), a console session, the admin token, a signed link. */
function credential(entry: AuditRecord): string {
  if (entry.tokenId) return `token ${entry.tokenId}`;
  if (entry.principal === 'console') return 'console session';
  if (entry.principal === 'admin-token') return 'admin token';
  // A notification's one-click action (action-link-routes.ts): the signed link was the credential.
  if (entry.principal === 'signed-link') return 'signed link';
  return 'no credential';
}

/** The few detail fields worth a glance (for whom, which host, why refused), as text. */
function detailText(detail: Record<string, unknown> | undefined): Html | string {
  if (!detail) return '';
  const shown = Object.entries(detail)
    .filter(([, value]) => ['string', 'number', 'boolean'].includes(typeof value))
    .slice(0, 4)
    .map(([name, value]) => `${name}: ${String(value).slice(0, 120)}`);
  return shown.length ? html`<div class="muted audit-detail">${shown.join(' · ')}</div>` : '';
}
