/**
 * What the delivery layer is given and what it answers. Everything here crosses the Temporal activity
 * boundary, so it stays plain JSON: no Dates, no class instances in results.
 */
import type { ContactChannel } from '../../policy/types';

export type NotificationKind = 'page' | 'escalation' | 'reminder' | 'handoff' | 'resolved' | 'info';
export type ChannelKind = ContactChannel['kind'];

export interface Notification {
  /**
   * Idempotency key: the same notification to the same person must carry the same key on every retry,
   * e.g. `<incidentId>:<eventSeq>:<personId>`. It is sent unchanged on whichever channel delivers (the
   * fallback channels reach different receivers), as `Idempotency-Key` over HTTP and in the Message-ID by email.
   */
  key: string;
  kind: NotificationKind;
  incidentId: string;
  incidentTitle: string;
  severity: string;
  team?: string;
  service?: string;
  /** Link to the incident's console page, shown as a button in Slack and a link in email. */
  url?: string;
  /**
   * What the recipient can do from the notification itself, each a link every channel renders (email
   * links, Slack buttons, webhook fields): a signed one-click Acknowledge on pages, "post an update" on
   * status-update reminders. Following a link never acts by itself: it opens a page that asks to confirm.
   */
  actions?: NotificationAction[];
  recipient: { personId: string; name: string };
  /** One line: what happened and what is asked of the recipient. */
  headline: string;
  /** Plain text, a few lines. */
  body: string;
  /** ISO 8601 instant of the event that caused the notification. */
  occurredAt: string;
}

export interface NotificationAction {
  kind: 'acknowledge' | 'post-update' | 'accept-handoff';
  /** The button's words, e.g. "Acknowledge". */
  label: string;
  url: string;
}

export interface DeliveryResult {
  channel: ChannelKind;
  /** Where it went, safe to log and show on the timeline: an email address, a webhook host or an env var name. */
  target: string;
  outcome: 'delivered';
  /** HTTP status for webhook and Slack. */
  status?: number;
  /** Message-ID for email. */
  messageId?: string;
}

/**
 * A delivery that failed. `name` is the class name, which is what Temporal records as the failure type
 * of a plain Error thrown from an activity: list 'PermanentDeliveryError' in the retry policy's
 * `nonRetryableErrorTypes` and the workflow stops retrying a channel that can never work.
 */
export abstract class DeliveryError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    readonly channel: ChannelKind,
    readonly target: string,
    /** HTTP status, or the SMTP reply code for email. */
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Retrying will not help: a 4xx answer, a missing environment variable, a rejected recipient. */
export class PermanentDeliveryError extends DeliveryError {
  override readonly name = 'PermanentDeliveryError';
  readonly retryable = false;
}

/** Worth retrying: 5xx, 408, 429, timeouts, refused connections, SMTP 4xx. */
export class TransientDeliveryError extends DeliveryError {
  override readonly name = 'TransientDeliveryError';
  readonly retryable = true;
  /** From a Retry-After header, when the receiver sent one (usable as ApplicationFailure's nextRetryDelay). */
  retryAfterSeconds?: number;
}
