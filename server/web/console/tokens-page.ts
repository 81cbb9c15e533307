/**
 * /console/tokens: personal API tokens for the CLI and scripts, issued by a signed-in person for themselves
 * (admins: for anyone), shown once, listed with expiry and last use, revoked with one button.
 */
import type { TokenRecord } from '../../../store/access';
import { html, time, type Html } from '../html';
import type { Session } from '../session';
import { buttonForm, postForm, selectField, textField } from './forms';
import { consolePage, flash, type Flash } from './views';

export interface IssuedToken {
  token: string;
  record: TokenRecord;
}

function stateOf(token: TokenRecord, now: number): Html {
  if (token.revokedAt) return html`<span class="flag">revoked</span> ${time(token.revokedAt)}`;
  if (Date.parse(token.expiresAt) <= now) return html`<span class="flag">expired</span>`;
  return html`<span class="pill">live</span>`;
}

/** `people` is set for admins (issue for anyone); everyone else issues for themselves. */
export function tokensPage(session: Session, tokens: TokenRecord[], options: Flash & { issued?: IssuedToken; people?: [string, string][] } = {}): string {
  const now = Date.now();
  const issued = options.issued;
  const controls = html`${textField({ id: 't-name', name: 'name', label: 'What it is for', required: true, maxlength: 100, hint: 'A label you will recognise in this list, e.g. "deploy script on build-7".' })}
${selectField({
  id: 't-days',
  name: 'days',
  label: 'Expires in',
  choices: [
    ['7', '7 days'],
    ['30', '30 days'],
    ['90', '90 days'],
    ['365', '365 days'],
  ],
  selected: '90',
})}
${options.people ? selectField({ id: 't-person', name: 'person', label: 'Whose token', choices: [['', 'Choose a person'], ...options.people], required: true }) : ''}`;
  return consolePage(
    session,
    'API tokens',
    html`<h1>API tokens</h1>
${flash(options)}
${
  issued
    ? html`<div class="notice" role="status"><p><strong>Token ${issued.record.id} for ${issued.record.person ?? ''}</strong> (expires ${time(issued.record.expiresAt)}). Copy it now: it is shown only this once.</p>
<p><label for="issued-token" class="sr-only">The new token</label><input type="text" id="issued-token" readonly value="${issued.token}"></p></div>`
    : ''
}
<p>A token lets the <code>marshal</code> CLI or a script act as ${options.people ? 'the person it belongs to' : session.name}. On your own machine, <code>marshal login</code> gets one without copying anything.</p>
${postForm(session, '/console/tokens', 'New token', controls, 'Issue token')}
<h2>${options.people ? 'Every token' : 'Your tokens'}</h2>
${
  tokens.length === 0
    ? html`<p class="empty">No tokens yet.</p>`
    : html`<div class="table-wrap"><table class="stackable tokens">
<caption class="sr-only">API tokens, newest first</caption>
<thead><tr><th scope="col">Token</th><th scope="col">For</th><th scope="col">Created</th><th scope="col">Expires</th><th scope="col">Last used</th><th scope="col">State</th></tr></thead>
<tbody>${tokens.map(
        (token) => html`<tr>
<td data-label="Token"><strong>${token.name}</strong> <span class="muted">${token.id}</span></td>
<td data-label="For">${token.kind === 'service' ? html`service ${token.service} <span class="muted">(${token.scopes.join(', ')})</span>` : token.person}</td>
<td data-label="Created">${time(token.createdAt)} <span class="muted">by ${token.createdBy}</span></td>
<td data-label="Expires">${time(token.expiresAt)}</td>
<td data-label="Last used">${token.lastUsedAt ? time(token.lastUsedAt) : 'never'}</td>
<td data-label="State">${stateOf(token, now)}${!token.revokedAt && Date.parse(token.expiresAt) > now ? html` ${buttonForm(session, `/console/tokens/${token.id}/revoke`, 'Revoke', { secondary: true, label: `Revoke token ${token.name}` })}` : ''}</td></tr>`,
      )}</tbody>
</table></div>`
}`,
  );
}
