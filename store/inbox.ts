/**
 * Each person's console inbox ("My pages"): the notifications Marshal sent them, newest first. Written by the
 * paging activity through its inbox port (activities/ports.ts), read by the console. Idempotent on the
 * notification's key; texts are repaired and cut so a hostile title can neither fail the write nor grow a row
 * without bound; each person keeps their latest KEPT_PER_PERSON.
 */
import { createHash } from 'node:crypto';
import type { Database } from './database';
import { isoOrNull, storeCall } from './errors';
import { repairText } from '../common/text';

export const KEPT_PER_PERSON = 500;
/**
 * Trimming a person's inbox reads through their newest KEPT_PER_PERSON entries, so it follows one page in
 * TRIM_EVERY, not every page: the pages whose key hashes to a multiple of it. That depends on nothing a process
 * keeps (restarts and several workers change nothing), and a busy inbox holds about TRIM_EVERY rows more than
 * it keeps; readers see the newest KEPT_PER_PERSON either way.
 */
export const TRIM_EVERY = 25;
export const trimsAfter = (key: string) => createHash('sha256').update(key).digest().readUInt32BE(0) % TRIM_EVERY === 0;
const LIMITS = { key: 300, id: 200, kind: 40, severity: 80, title: 500, headline: 500, body: 4_000 } as const;

/** What the inbox keeps of a notification (the delivery layer's Notification fits it). */
export interface InboxNotification {
  key: string;
  kind: string;
  incidentId: string;
  incidentTitle: string;
  severity: string;
  recipient: { personId: string };
  headline: string;
  body: string;
  occurredAt: string;
}

export interface InboxEntry {
  key: string;
  personId: string;
  incidentId: string;
  kind: string;
  severity: string;
  incidentTitle: string;
  headline: string;
  body: string;
  occurredAt: string;
  deliveredAt: string;
}

const cut = (value: string, max: number) => {
  const text = repairText(String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

export class Inbox {
  constructor(private readonly db: Database) {}

  /** Put the notification in its recipient's inbox; the same key again changes nothing. */
  async deliver(n: InboxNotification): Promise<void> {
    const person = cut(n.recipient.personId, LIMITS.id);
    const occurred = Number.isNaN(Date.parse(n.occurredAt)) ? new Date() : new Date(n.occurredAt);
    await storeCall(() =>
      this.db.query(
        `INSERT INTO inbox (key, person_id, incident_id, kind, severity, incident_title, headline, body, occurred_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (key) DO NOTHING`,
        [
          cut(n.key, LIMITS.key),
          person,
          cut(n.incidentId, LIMITS.id),
          cut(n.kind, LIMITS.kind),
          cut(n.severity, LIMITS.severity),
          cut(n.incidentTitle, LIMITS.title),
          cut(n.headline, LIMITS.headline),
          cut(n.body, LIMITS.body),
          occurred.toISOString(),
        ],
      ),
    );
    // Keep the inbox the size of months of pages, not of years.
    if (!trimsAfter(n.key)) return;
    await storeCall(() =>
      this.db.query(
        `DELETE FROM inbox WHERE person_id = $1 AND (delivered_at, key) < (
           SELECT delivered_at, key FROM inbox WHERE person_id = $1 ORDER BY delivered_at DESC, key DESC OFFSET $2 LIMIT 1)`,
        [person, KEPT_PER_PERSON - 1],
      ),
    );
  }

  /** A person's latest notifications, newest first. */
  async of(personId: string, limit = 50): Promise<InboxEntry[]> {
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        `SELECT key, person_id, incident_id, kind, severity, incident_title, headline, body, occurred_at, delivered_at
         FROM inbox WHERE person_id = $1 ORDER BY delivered_at DESC, key DESC LIMIT $2`,
        [personId, Math.max(1, Math.min(limit, KEPT_PER_PERSON))],
      ),
    );
    return rows.map((row) => ({
      key: String(row.key),
      personId: String(row.person_id),
      incidentId: String(row.incident_id),
      kind: String(row.kind),
      severity: String(row.severity),
      incidentTitle: String(row.incident_title),
      headline: String(row.headline),
      body: String(row.body),
      occurredAt: isoOrNull(row.occurred_at) ?? '',
      deliveredAt: isoOrNull(row.delivered_at) ?? '',
    }));
  }

  /** Of `incidentIds` (those still waiting for acknowledgement), the ones that paged this person. */
  async pagedAmong(personId: string, incidentIds: string[]): Promise<string[]> {
    if (incidentIds.length === 0) return [];
    const rows = await storeCall(() => this.db.query<{ incident_id: string }>('SELECT DISTINCT incident_id FROM inbox WHERE person_id = $1 AND incident_id = ANY($2)', [personId, incidentIds]));
    return rows.map((row) => row.incident_id);
  }
}
