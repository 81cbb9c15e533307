/** Form controls for the console: every control has a visible label, every form its CSRF token. */
import { html, type Html } from '../html';
import type { Session } from '../session';

export const csrfField = (session: Session): Html => html`<input type="hidden" name="_csrf" value="${session.csrf}">`;

export interface FieldOptions {
  id: string;
  name: string;
  label: string;
  value?: string;
  required?: boolean;
  hint?: string;
  type?: 'text' | 'password' | 'date' | 'search' | 'datetime-local';
  autocomplete?: string;
  maxlength?: number;
  /** False in a form where every field is optional (filters), so "(optional)" would only add noise. */
  markOptional?: boolean;
  /** The id of a <datalist> of suggestions (names the policy knows); any other value may still be typed. */
  list?: string;
  /** A one-letter keyboard shortcut that focuses the field (console.js), announced to assistive technology. */
  shortcut?: string;
}

/** The attributes console.js finds a shortcut by, and screen readers announce it from. */
const shortcutAttributes = (key: string | undefined): Html | string => (key ? html` data-shortcut="${key}" aria-keyshortcuts="${key}"` : '');

export function textField(options: FieldOptions): Html {
  const hintId = options.hint ? `${options.id}-hint` : undefined;
  return html`<div><label for="${options.id}">${options.label}${options.required || options.markOptional === false ? '' : html` <span class="muted">(optional)</span>`}</label>
${options.hint ? html`<div class="muted" id="${hintId}">${options.hint}</div>` : ''}
<input type="${options.type ?? 'text'}" id="${options.id}" name="${options.name}" value="${options.value ?? ''}"${options.required ? html` required` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''}${options.autocomplete ? html` autocomplete="${options.autocomplete}"` : ''}${options.list ? html` list="${options.list}"` : ''} maxlength="${options.maxlength ?? 500}"></div>`;
}

export function textArea(options: FieldOptions & { markdown?: boolean }): Html {
  const hintId = options.hint ? `${options.id}-hint` : undefined;
  return html`<div><label for="${options.id}">${options.label}${options.required ? '' : html` <span class="muted">(optional)</span>`}</label>
${options.hint ? html`<div class="muted" id="${hintId}">${options.hint}</div>` : ''}
<textarea id="${options.id}" name="${options.name}"${options.markdown ? html` class="markdown"` : ''}${shortcutAttributes(options.shortcut)}${options.required ? html` required` : ''}${hintId ? html` aria-describedby="${hintId}"` : ''} maxlength="${options.maxlength ?? 5000}">${options.value ?? ''}</textarea></div>`;
}

export function selectField(options: { id: string; name: string; label: string; choices: (string | [string, string])[]; selected?: string; required?: boolean }): Html {
  return html`<div><label for="${options.id}">${options.label}</label>
<select id="${options.id}" name="${options.name}"${options.required ? html` required` : ''}>
${options.choices.map((choice) => {
  const [value, text] = typeof choice === 'string' ? [choice, choice] : choice;
  return html`<option value="${value}"${value === (options.selected ?? '') ? html` selected` : ''}>${text}</option>`;
})}
</select></div>`;
}

export function checkbox(options: { id: string; name: string; label: string; checked?: boolean }): Html {
  return html`<div class="check"><input type="checkbox" id="${options.id}" name="${options.name}" value="true"${options.checked ? html` checked` : ''}> <label for="${options.id}">${options.label}</label></div>`;
}

/** A POST form with its CSRF token; `legend` names it for screen readers and sighted users alike. */
export function postForm(session: Session, action: string, legend: string, controls: Html, button: string, options: { secondary?: boolean } = {}): Html {
  return html`<form class="stack" method="post" action="${action}">
<fieldset><legend>${legend}</legend>
${csrfField(session)}
<div class="fields">${controls}</div>
<p><button type="submit"${options.secondary ? html` class="secondary"` : ''}>${button}</button></p>
</fieldset></form>`;
}

/** A one-button form (acknowledge, complete, sign out). */
export function buttonForm(session: Session, action: string, button: string, options: { secondary?: boolean; label?: string; className?: string; shortcut?: string } = {}): Html {
  const className = [options.secondary ? 'secondary' : '', options.className ?? ''].filter(Boolean).join(' ');
  return html`<form class="inline" method="post" action="${action}">${csrfField(session)}<button type="submit"${className ? html` class="${className}"` : ''}${shortcutAttributes(options.shortcut)}${options.label ? html` aria-label="${options.label}"` : ''}>${button}</button></form>`;
}
