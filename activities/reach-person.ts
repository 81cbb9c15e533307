/**
 * Reaching one person with one notification under the active policy: on every channel they have when it
 * is urgent, else on the first that works. Shared by the incident activities and the on-call notices.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Person, Policy } from '../policy/types';
import { deliver, deliverWithFallback, smtpSettingsFromPolicy, type DeliverySettings, type FallbackOutcome } from './channels';
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

/**
 * When no channel took it and a failure may pass (a timeout, a 503), this throws so Temporal retries the
 * activity: the same key goes out again, and receivers that honour it show the notification once.
 */
export async function reachPerson(policy: Policy, person: Person, notification: Notification, options: { everyChannel: boolean; env: NodeJS.ProcessEnv }): Promise<DeliveryOutcome> {
  const smtp = policy.integrations?.smtp ? smtpSettingsFromPolicy(policy.integrations.smtp, options.env) : undefined;
  const settings = { smtp, env: options.env };
  const result = options.everyChannel
    ? await deliverEverywhere(notification, person.contacts, settings)
    : { ...(await deliverWithFallback(notification, person.contacts, settings)), channels: [] as string[] };
  const failures = result.failures.map((failure) => `${failure.channel} ${failure.target}: ${failure.error}`);
  if (result.delivered) {
    const channel = result.channels.length > 1 ? result.channels.join('+') : result.delivered.channel;
    return { outcome: 'delivered', channel, target: result.delivered.target, failures };
  }
  if (result.failures.some((failure) => failure.retryable)) {
    throw ApplicationFailure.retryable(`no channel of ${person.id} took the notification: ${failures.join('; ')}`, 'DeliveryFailed');
  }
  return { outcome: 'failed', failures };
}
