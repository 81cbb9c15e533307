/**
 * The console inbox channel: the notification is written to the store, where "My pages" reads it. Needs no
 * outside server, so it works on the first start; a process without the store cannot deliver it.
 */
import type { PersonInbox } from '../ports';
import { PermanentDeliveryError, TransientDeliveryError, type DeliveryResult, type Notification } from './types';

export async function deliverInbox(n: Notification, inbox: PersonInbox | undefined): Promise<DeliveryResult> {
  const target = `console:${n.recipient.personId}`;
  if (!inbox) throw new PermanentDeliveryError('inbox: this worker holds no store, so it cannot write console inboxes', 'inbox', target);
  try {
    await inbox.deliver(n);
  } catch (error) {
    // The store may be restarting: worth another try, like a 503 from a receiver.
    throw new TransientDeliveryError(`inbox: the store refused the write: ${error instanceof Error ? error.message : String(error)}`, 'inbox', target, undefined, { cause: error });
  }
  return { channel: 'inbox', target, outcome: 'delivered' };
}
