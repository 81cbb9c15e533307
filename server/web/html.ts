/**
 * HTML by tagged template that escapes every interpolated value unless it is already `Html` (the result of
 * another `html` template). Escaping is the default, so forgetting it is not possible by omission.
 */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | Value[];

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

/** Only for fixed markup written in this codebase, never for data. */
export const trusted = (text: string): Html => new Html(text);

/** "2026-11-21 05:53 UTC" inside a <time> element that machines can read too. */
export const time = (iso: string | undefined): Html => (iso ? html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>` : html``);
