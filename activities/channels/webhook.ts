/**
 * Generic JSON webhook. When the contact names a signing secret, the request carries
 * `X-Marshal-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>` over the exact bytes sent, and
 * `X-Marshal-Timestamp` so receivers can refuse replays. `Idempotency-Key` lets them drop retries.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ContactChannel } from '../../policy/types';
import { parseUrl, postJson, redactUrl } from './http';
import { PermanentDeliveryError, type DeliveryResult, type Notification } from './types';

export type WebhookContact = Extract<ContactChannel, { kind: 'webhook' }>;

/** The JSON body receivers get. `version` changes only with an incompatible shape. */
export function webhookPayload(n: Notification) {
  return {
    version: 1,
    key: n.key,
    kind: n.kind,
    incident: { id: n.incidentId, title: n.incidentTitle, severity: n.severity, team: n.team, service: n.service, url: n.url },
    // Links the recipient may follow (a signed Acknowledge, "post an update"); each opens a page that asks to confirm.
    actions: n.actions ?? [],
    recipient: n.recipient,
    headline: n.headline,
    body: n.body,
    occurredAt: n.occurredAt,
  };
}

export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  return 'v1=' + createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * True when `header` holds a v1 signature of `timestamp.body` under `secret` and the timestamp is within
 * `toleranceSeconds` of `now` (either side, so a skewed clock is tolerated but a replay is not). `body`
 * must be the raw bytes received, not re-serialised JSON. Several comma-separated signatures are allowed,
 * so a receiver can be given the new signature while the old secret is still being rotated out.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number | undefined,
  body: string | Buffer,
  header: string | undefined,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  if (!header || timestamp === undefined || !/^\d{1,12}$/.test(String(timestamp))) return false;
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  return (
    header
      .split(',')
      .map((part) => Buffer.from(part.trim()))
      // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
      .some((given) => given.length === expected.length && timingSafeEqual(given, expected))
  );
}

export async function deliverWebhook(n: Notification, contact: WebhookContact, env: NodeJS.ProcessEnv = process.env): Promise<DeliveryResult> {
  const url = parseUrl(contact.url, 'webhook', redactUrl(contact.url));
  // The host alone: paths and query strings of webhook URLs often carry tokens.
  const target = url.host;
  const body = JSON.stringify(webhookPayload(n));
  const timestamp = Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = { 'Idempotency-Key': n.key, 'X-Marshal-Timestamp': String(timestamp) };
  if (contact.signingSecretEnv) {
    const secret = env[contact.signingSecretEnv];
    // Never fall back to an unsigned request: the receiver would (rightly) refuse it, or worse, accept it.
    if (!secret) {
      throw new PermanentDeliveryError(`webhook to ${target}: environment variable ${contact.signingSecretEnv} (its signing secret) is not set`, 'webhook', target);
    }
    headers['X-Marshal-Signature'] = signWebhook(secret, timestamp, body);
  }
  const status = await postJson(url, body, { channel: 'webhook', target, headers });
  return { channel: 'webhook', target, outcome: 'delivered', status };
}
