/**
 * Reaching one person with one notification under the active policy: in their console inbox, and on every
 * outside channel they have when it is urgent, else on the first that works. Shared by the incident
 * activities and the on-call notices.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Person, Policy } from '../policy/types';
import { INBOX, outsideContacts } from '../policy/contacts';
import { deliver, deliverWithFallback, smtpSettingsFromPolicy, type DeliverySettings, type FallbackOutcome } from './channels';
import type { PersonInbox } from './ports';
import type { Notification } from './channels/types';

export interface DeliveryOutcome {
  outcome: 'delivered' | 'failed';
  channel?: string;
  target?: string;
  failures: string[];
}

/** Every channel in turn; delivered when any of them delivered. */
async function deliverEverywhere(n: Notification, contacts: Person['contacts'], settings: DeliverySettings): Promise<FallbackOutcome & { channels: string[] }> {
  const outcome: FallbackOutcome & { channels: string[] } = { failures: [], channels: [] };
  for (const contact of contacts) {
    const single = await deliverWithFallback(n, [contact], settings, deliver);
    if (single.delivered) {
      outcome.delivered ??= single.delivered;
      outcome.channels.push(single.delivered.channel);
    }
    outcome.failures.push(...single.failures);
  }
  return outcome;
}

/** A delivery outcome is kept in the incident's state: at most this many failures, each cut to this length. */
export const FAILURES_KEPT = 6;
export const FAILURE_CHARS = 300;

function boundedFailures(failures: string[]): string[] {
  const cut = failures.slice(0, FAILURES_KEPT).map((failure) => (failure.length > FAILURE_CHARS ? `${failure.slice(0, FAILURE_CHARS - 1)}…` : failure));
  if (failures.length > FAILURES_KEPT) cut.push(`and ${failures.length - FAILURES_KEPT} more failures`);
  return cut;
}

/**
 * The console inbox takes every kind of notification: it needs no outside server, so the page is in
 * "My pages" whatever the receivers answer. The outside channels, at the same time, as the policy lists
 * them: all of them when the notification is urgent, else the first that works.
 * Delivered means somewhere the person will see it; the outside channels that failed are reported with it.
 *
 * When no channel took it and a failure may pass (a timeout, a 503), this throws so Temporal retries the
 * activity: the same key goes out again, and receivers that honour it show the notification once.
 */
export async function reachPerson(
  policy: Policy,
  person: Person,
  notification: Notification,
  options: { everyChannel: boolean; env: NodeJS.ProcessEnv; inbox?: PersonInbox },
): Promise<DeliveryOutcome> {
  const smtp = policy.integrations?.smtp ? smtpSettingsFromPolicy(policy.integrations.smtp, options.env) : undefined;
  const settings: DeliverySettings = { smtp, env: options.env, inbox: options.inbox };
  const outside = outsideContacts(person);
  // The inbox and the outside channels at once: a page reaches the phone without waiting for the store.
  const [inbox, result] = await Promise.all([
    deliverWithFallback(notification, [INBOX], settings),
    options.everyChannel ? deliverEverywhere(notification, outside, settings) : deliverWithFallback(notification, outside, settings).then((found) => ({ ...found, channels: [] as string[] })),
  ]);
  const outsideChannels = result.channels.length > 0 ? result.channels : result.delivered ? [result.delivered.channel] : [];
  const channels = [...(inbox.delivered ? ['inbox'] : []), ...outsideChannels];
  const all = [...inbox.failures, ...result.failures];
  const failures = boundedFailures(all.map((failure) => (failure.error.startsWith(failure.channel) ? failure.error : `${failure.channel} to ${failure.target}: ${failure.error}`)));
  const delivered = result.delivered ?? inbox.delivered;
  if (delivered) return { outcome: 'delivered', channel: channels.join('+'), target: delivered.target, failures };
  if (all.some((failure) => failure.retryable)) {
    throw ApplicationFailure.retryable(`no channel of ${person.id} took the notification: ${failures.join('; ')}`, 'DeliveryFailed');
  }
  return { outcome: 'failed', failures };
}
