/**
 * Which action links have been used (common/action-links.ts signs and verifies them). Claiming a link is
 * one INSERT keyed by its nonce, so of two uses at once, in one process or several, exactly one wins.
 */
import type { Database } from './database';
import { isoOrNull, storeCall } from './errors';
import type { ActionLink } from '../common/action-links';

export interface LinkUse {
  person: string;
  usedAt: string;
}

export class UsedActionLinks {
  constructor(private readonly db: Database) {}

  /** Mark `link` used. Undefined when this call claimed it; otherwise the use that came first. */
  async claim(link: ActionLink): Promise<LinkUse | undefined> {
    // A used link past its expiry is refused by its signature check alone: its row need not be kept.
    await storeCall(() => this.db.query("DELETE FROM used_action_links WHERE expires_at < now() - interval '1 day'"));
    const claimed = await storeCall(() =>
      this.db.query('INSERT INTO used_action_links (nonce, purpose, person, incident_id, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (nonce) DO NOTHING RETURNING nonce', [
        link.nonce,
        link.purpose,
        link.personId,
        link.incidentId,
        new Date(link.expiresAt).toISOString(),
      ]),
    );
    return claimed.length > 0 ? undefined : ((await this.find(link.nonce)) ?? { person: link.personId, usedAt: new Date().toISOString() });
  }

  /** Give a claim back: the action it was claimed for could not be done (the engine was away), so the link may be tried again. */
  async release(link: ActionLink): Promise<void> {
    await storeCall(() => this.db.query('DELETE FROM used_action_links WHERE nonce = $1', [link.nonce]));
  }

  async find(nonce: string): Promise<LinkUse | undefined> {
    const [row] = await storeCall(() => this.db.query<{ person: string; used_at: unknown }>('SELECT person, used_at FROM used_action_links WHERE nonce = $1', [nonce]));
    return row ? { person: row.person, usedAt: isoOrNull(row.used_at)! } : undefined;
  }
}
