/**
 * The delivery layer: one notification to one person, over one contact channel or down their list.
 * Plain async functions with no Temporal imports, so activities wrap them and tests call them directly.
 * Wrapping: put 'PermanentDeliveryError' in the activity retry policy's nonRetryableErrorTypes (Temporal
 * records a thrown Error's name as its failure type); TransientDeliveryError is retried as usual.
 */
import type { ContactChannel } from '../../policy/types';
import { deliverEmail, type SmtpSettings } from './email';
import { deliverInbox } from './inbox';
import type { PersonInbox } from '../ports';
import { redactUrl } from './http';
import { deliverSlack } from './slack';
import { DeliveryError, type ChannelKind, type DeliveryResult, type Notification } from './types';
import { deliverWebhook } from './webhook';

export * from './types';
export type { ContactChannel } from '../../policy/types';
export { closeSmtpTransports, emailSubject, messageIdFor, smtpSettingsFromPolicy, type SmtpSettings } from './email';
export { slackMessage } from './slack';
export { signWebhook, verifyWebhookSignature, webhookPayload } from './webhook';

export interface DeliverySettings {
  /** Resolved SMTP settings; without them an email contact fails permanently. */
  smtp?: SmtpSettings;
  /** Where env var names from the policy are looked up; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** People's console inboxes; without them (a worker with no store) the inbox channel fails permanently. */
  inbox?: PersonInbox;
}

export function deliver(n: Notification, contact: ContactChannel, settings: DeliverySettings = {}): Promise<DeliveryResult> {
  const env = settings.env ?? process.env;
  switch (contact.kind) {
    case 'email':
      return deliverEmail(n, contact, settings.smtp);
    case 'slack':
      return deliverSlack(n, contact, env);
    case 'webhook':
      return deliverWebhook(n, contact, env);
    case 'inbox':
      return deliverInbox(n, settings.inbox);
  }
}

export interface DeliveryFailure {
  channel: ChannelKind;
  target: string;
  error: string;
  /** False when retrying this channel cannot help (4xx, unset variable, refused recipient). */
  retryable: boolean;
}

export interface FallbackOutcome {
  /** The channel that delivered, if any did. */
  delivered?: DeliveryResult;
  /** Every channel tried before it (or all of them), in order: for the timeline and for reporting. */
  failures: DeliveryFailure[];
}

export type DeliveryAttempt = (n: Notification, contact: ContactChannel, settings: DeliverySettings) => Promise<DeliveryResult>;

/**
 * Tries the person's channels in the order their team file lists them and stops at the first that
 * delivers. `attempt` is one channel's delivery: pass a retrying wrapper to give each channel a few tries
 * before falling back. The same idempotency key goes to every channel; each reaches a different receiver.
 * Never throws for a failed channel: the caller decides whether "nothing delivered" should be retried.
 */
export async function deliverWithFallback(n: Notification, contacts: ContactChannel[], settings: DeliverySettings = {}, attempt: DeliveryAttempt = deliver): Promise<FallbackOutcome> {
  const failures: DeliveryFailure[] = [];
  for (const contact of contacts) {
    try {
      return { delivered: await attempt(n, contact, settings), failures };
    } catch (error) {
      failures.push(failureOf(contact, error));
    }
  }
  return { failures };
}

function failureOf(contact: ContactChannel, error: unknown): DeliveryFailure {
  if (error instanceof DeliveryError) {
    return { channel: error.channel, target: error.target, error: error.message, retryable: error.retryable };
  }
  // An unexpected error (a bug, not a receiver's answer): report it, treat it as worth another try.
  return { channel: contact.kind, target: fallbackTarget(contact), error: error instanceof Error ? error.message : String(error), retryable: true };
}

function fallbackTarget(contact: ContactChannel): string {
  switch (contact.kind) {
    case 'email':
      return contact.address;
    case 'slack':
      return contact.webhookUrlEnv;
    case 'webhook':
      return redactUrl(contact.url);
    case 'inbox':
      return 'console';
  }
}
