/**
 * What activities need from the process that runs them, as narrow interfaces: the current policy, a
 * team's overrides, and people's console inboxes. The server's PolicyStore and Overrides satisfy them; activities never import server
 * code, so a failure in one surfaces as that failure, not as an HTTP answer.
 */
import type { Override, Policy } from '../policy/types';
import type { Notification } from './channels/types';
import type { OverrideRecord, OverrideRequest } from '../workflows/oncall-overrides-contract';

export interface CurrentPolicy {
  readonly current: Policy;
}

export interface TeamOverrides {
  /** Active overrides; a read from the last second may answer unless `fresh` (a decision that adds one must see the latest). */
  active(team: string, options?: { fresh?: boolean }): Promise<Override[]>;
  add(team: string, request: OverrideRequest): Promise<OverrideRecord>;
}

/** People's console inboxes (the store's Inbox): idempotent on the notification's key. */
export interface PersonInbox {
  deliver(notification: Notification): Promise<void>;
}
