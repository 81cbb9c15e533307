/**
 * The page shell shared by the status page and the console: one stylesheet, a skip link, and scripts only
 * as files from Marshal's own origin (the console's countdowns and live updates); pages read without them.
 */
import type { Response } from 'express';
import { html, type Html } from './html';

export const STYLESHEET_PATH = '/status/marshal.css';

export function page(options: { title: string; body: Html; header?: Html; home?: string; scripts?: string[] }): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
${(options.scripts ?? []).map((src) => html`<script src="${src}" defer></script>\n`)}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="${options.home ?? '/status'}">Marshal</a>${options.header ?? ''}</header>
<main id="main" tabindex="-1">
${options.body}
</main>
</body>
</html>
`.text;
}

/**
 * Scripts and connections only from our origin (never inline), no framing, forms post only to us. A page
 * whose URL holds a secret (a sign-in or Acknowledge link) sets `Referrer-Policy: no-referrer` before, and
 * keeps it: the URL must not travel on in a Referer, not even to our own origin's logs or proxies.
 */
export function sendHtml(res: Response, status: number, body: string, options: { cache?: string } = {}) {
  res
    .status(status)
    .set('Content-Type', 'text/html; charset=utf-8')
    .set('Content-Security-Policy', "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
    .set('X-Content-Type-Options', 'nosniff')
    .set('Referrer-Policy', res.get('Referrer-Policy') ?? 'same-origin')
    .set('X-Frame-Options', 'DENY')
    .set('Cache-Control', options.cache ?? 'no-store')
    .send(body);
}
