/**
 * Email over SMTP with nodemailer. The Message-ID is derived from the idempotency key, so a retried
 * delivery carries the same Message-ID and mail systems and clients that dedupe on it show one message.
 */
import { createHash } from 'node:crypto';
import { createTransport, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { ContactChannel, IntegrationsPolicy } from '../../policy/types';
import { PermanentDeliveryError, TransientDeliveryError, type DeliveryResult, type Notification } from './types';

export type EmailContact = Extract<ContactChannel, { kind: 'email' }>;

/** SMTP settings with credentials already resolved (see `smtpSettingsFromPolicy`). */
export interface SmtpSettings {
  host: string;
  port: number;
  /** TLS from the first byte (port 465). Default: port === 465; otherwise STARTTLS is used when offered. */
  secure?: boolean;
  from: string;
  user?: string;
  password?: string;
  /**
   * `implicit`: TLS from the first byte (port 465); `starttls`: upgrade, and refuse a server that cannot;
   * `none`: plain (a local relay). Default: implicit on 465, else STARTTLS when the server offers it.
   */
  tls?: 'implicit' | 'starttls' | 'none';
}

/**
 * Resolves config/integrations.yaml's smtp section against the environment. Credentials are optional (a
 * local relay takes mail without login): with neither variable set, Marshal sends without logging in; with
 * only one set, the configuration is half done and refused.
 */
export function smtpSettingsFromPolicy(smtp: NonNullable<IntegrationsPolicy['smtp']>, env: NodeJS.ProcessEnv = process.env): SmtpSettings {
  const user = smtp.userEnv ? env[smtp.userEnv] || undefined : undefined;
  const password = smtp.passwordEnv ? env[smtp.passwordEnv] || undefined : undefined;
  if (Boolean(user) !== Boolean(password) && smtp.userEnv && smtp.passwordEnv) {
    throw new Error(`SMTP: set both ${smtp.userEnv} and ${smtp.passwordEnv} to log in, or neither to send without login`);
  }
  return { host: smtp.host, port: smtp.port, from: smtp.from, user, password, tls: smtp.tls };
}

/** `<32 hex>@marshal`: the key may hold characters a Message-ID may not, so it is hashed, not embedded. */
export function messageIdFor(key: string): string {
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 32)}@marshal>`;
}

export function emailSubject(n: Notification): string {
  // Header values must be one line; a newline in a title must not become a header break.
  return oneLine(`[${n.severity}] ${n.incidentTitle} — ${n.headline}`);
}

// One transport per distinct SMTP configuration. Not pooled: pages are rare, and an idle pooled
// connection would outlive test servers and hold shutdowns up.
const transports = new Map<string, Transporter<SMTPTransport.SentMessageInfo>>();

function transportFor(s: SmtpSettings) {
  const cacheKey = JSON.stringify([s.host, s.port, s.secure, s.tls, s.user, s.password]);
  let transport = transports.get(cacheKey);
  if (!transport) {
    transport = createTransport({
      host: s.host,
      port: s.port,
      secure: s.secure ?? (s.tls ? s.tls === 'implicit' : s.port === 465),
      requireTLS: s.tls === 'starttls',
      ignoreTLS: s.tls === 'none',
      auth: s.user ? { user: s.user, pass: s.password ?? '' } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
    });
    transports.set(cacheKey, transport);
  }
  return transport;
}

/** Forgets cached transports (tests, shutdown). */
export function closeSmtpTransports(): void {
  for (const transport of transports.values()) transport.close();
  transports.clear();
}

export async function deliverEmail(n: Notification, contact: EmailContact, smtp: SmtpSettings | undefined): Promise<DeliveryResult> {
  const target = contact.address;
  if (!smtp) {
    throw new PermanentDeliveryError(`email to ${target}: no smtp section in config/integrations.yaml`, 'email', target);
  }
  const messageId = messageIdFor(n.key);
  try {
    await transportFor(smtp).sendMail({
      from: smtp.from,
      to: contact.address,
      subject: emailSubject(n),
      messageId,
      headers: { 'X-Marshal-Idempotency-Key': oneLine(n.key), 'X-Marshal-Incident': oneLine(n.incidentId) },
      text: plainText(n),
      html: html(n),
    });
  } catch (error) {
    throw classify(error, target);
  }
  return { channel: 'email', target, outcome: 'delivered', messageId };
}

function plainText(n: Notification): string {
  const facts = [`Severity: ${n.severity}`, n.team && `Team: ${n.team}`, n.service && `Service: ${n.service}`, `Incident: ${n.incidentId}`];
  // The actions first: on a phone, the one link that matters should not sit below the facts.
  const actions = (n.actions ?? []).map((action) => `${action.label}: ${action.url}`);
  return [n.headline, '', ...(actions.length ? [...actions, ''] : []), n.body, '', ...facts.filter(Boolean), n.url ? `\nOpen incident: ${n.url}` : '', ''].join('\n');
}

/** Mail clients drop stylesheets: a link looks like a button only with its style inline. */
const BUTTON = 'display:inline-block;padding:10px 18px;background:#1d4ed8;color:#ffffff;border-radius:6px;font-weight:bold;text-decoration:none';

function html(n: Notification): string {
  const facts = [
    ['Severity', n.severity],
    ['Team', n.team],
    ['Service', n.service],
    ['Incident', n.incidentId],
  ]
    .filter(([, value]) => value)
    .map(([label, value]) => `<li>${label}: ${esc(value!)}</li>`)
    .join('');
  const link = n.url && /^https?:\/\//.test(n.url) ? `<p><a href="${esc(n.url)}">Open incident</a></p>` : '';
  const actions = (n.actions ?? [])
    .filter((action) => /^https?:\/\//.test(action.url))
    .map((action) => `<a href="${esc(action.url)}" style="${BUTTON}">${esc(action.label)}</a>`)
    .join(' ');
  return `<p><strong>${esc(n.headline)}</strong></p>${actions ? `<p>${actions}</p>` : ''}<p style="white-space:pre-wrap">${esc(n.body)}</p><ul>${facts}</ul>${link}`;
}

/**
 * SMTP 5xx (rejected recipient, refused sender) and failed authentication will not get better on retry;
 * 4xx replies (greylisting, full mailbox) and connection problems may.
 */
function classify(error: unknown, target: string): Error {
  const e = error as { code?: string; responseCode?: number; message?: string };
  const message = `email to ${target}: ${e.message ?? String(error)}`;
  const refused = e.responseCode !== undefined ? e.responseCode >= 500 : e.code === 'EENVELOPE';
  if (refused || e.code === 'EAUTH' || e.code === 'ENOAUTH') {
    return new PermanentDeliveryError(message, 'email', target, e.responseCode, { cause: error });
  }
  return new TransientDeliveryError(message, 'email', target, e.responseCode, { cause: error });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
