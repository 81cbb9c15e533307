import type { Notification } from '../../activities/channels';

/** A page as the escalation workflow would send it; override what a test cares about. */
export function notification(overrides: Partial<Notification> = {}): Notification {
  return {
    key: 'INC-42:7:alice',
    kind: 'page',
    incidentId: 'INC-42',
    incidentTitle: 'Checkout returns 500s',
    severity: 'SEV1',
    team: 'payments',
    service: 'checkout-api',
    url: 'http://127.0.0.1:8080/incidents/INC-42',
    recipient: { personId: 'alice', name: 'Alice Moreau' },
    headline: 'You are paged: acknowledge within 5 minutes',
    body: 'Error rate on checkout-api is 12%.\nEscalates to the secondary at 10:05 UTC.',
    occurredAt: '2026-03-02T10:00:00.000Z',
    ...overrides,
  };
}
