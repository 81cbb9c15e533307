/**
 * Console sessions in the store. The browser holds a random id; the store holds its SHA-256, who the
 * session acts as and how they signed in. A session ends when it is signed out (at once, for every copy of
 * the cookie), when it has been idle too long, or at its absolute end, whichever comes first.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from './database';
import { storeCall } from './errors';
import { repairText } from '../common/text';

/** Renewed on every use up to the absolute end: a day's shift without signing in again, not a week. */
export const SESSION_IDLE_MS = 8 * 3_600_000;
export const SESSION_ABSOLUTE_MS = 12 * 3_600_000;

export interface ConsoleSession {
  /** Who acts: the policy person (OIDC, a sign-in link) or the name typed at an admin-token sign-in. */
  actor: string;
  /** How they signed in: `oidc`, `sign-in-link` or `admin-token`. */
  via: string;
  csrf: string;
  expiresAt: number;
}

/** Where sessions live: the store, or memory in a process without one (sessions then end with the process). */
export interface SessionStore {
  start(actor: string, via: string): Promise<{ id: string; session: ConsoleSession }>;
  /** The live session with this id, renewed; undefined once ended, idle or expired. */
  find(id: string): Promise<ConsoleSession | undefined>;
  /** Whether the session is neither signed out nor expired, without renewing it (an open event stream asks). */
  signedIn(id: string): Promise<boolean>;
  end(id: string): Promise<void>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ID = /^[A-Za-z0-9_-]{43}$/;

export class ConsoleSessions implements SessionStore {
  constructor(private readonly db: Database) {}

  async start(actor: string, via: string) {
    const id = randomBytes(32).toString('base64url');
    const csrf = randomBytes(24).toString('base64url');
    const expiresAt = Date.now() + SESSION_ABSOLUTE_MS;
    // Sessions long over are of no use even to an investigation (the audit trail keeps the sign-ins): each
    // sign-in sweeps them, so the table stays the size of a few days of sign-ins.
    await storeCall(() => this.db.query("DELETE FROM console_sessions WHERE expires_at < now() - interval '7 days'"));
    await storeCall(() =>
      this.db.query('INSERT INTO console_sessions (id_hash, actor, via, csrf, expires_at) VALUES ($1, $2, $3, $4, $5)', [
        sha256(id),
        repairText(actor).slice(0, 200),
        via,
        csrf,
        new Date(expiresAt).toISOString(),
      ]),
    );
    return { id, session: { actor, via, csrf, expiresAt } };
  }

  async find(id: string) {
    if (!ID.test(id)) return undefined;
    // One statement checks and renews, so two requests at once cannot revive an idle session.
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        `UPDATE console_sessions SET last_seen_at = now()
         WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > now() AND last_seen_at > now() - ($2::bigint * interval '1 millisecond')
         RETURNING actor, via, csrf, expires_at`,
        [sha256(id), SESSION_IDLE_MS],
      ),
    );
    if (!row) return undefined;
    const expires = row.expires_at instanceof Date ? row.expires_at.getTime() : Date.parse(String(row.expires_at));
    return { actor: String(row.actor), via: String(row.via), csrf: String(row.csrf), expiresAt: expires };
  }

  async signedIn(id: string) {
    if (!ID.test(id)) return false;
    const rows = await storeCall(() => this.db.query('SELECT 1 FROM console_sessions WHERE id_hash = $1 AND ended_at IS NULL AND expires_at > now()', [sha256(id)]));
    return rows.length > 0;
  }

  async end(id: string) {
    if (!ID.test(id)) return;
    await storeCall(() => this.db.query('UPDATE console_sessions SET ended_at = coalesce(ended_at, now()) WHERE id_hash = $1', [sha256(id)]));
  }
}

/** For a Marshal process without a store: the same rules, in memory. */
export class MemorySessions implements SessionStore {
  private readonly live = new Map<string, ConsoleSession & { lastSeen: number }>();

  async start(actor: string, via: string) {
    const id = randomBytes(32).toString('base64url');
    const session = { actor, via, csrf: randomBytes(24).toString('base64url'), expiresAt: Date.now() + SESSION_ABSOLUTE_MS };
    this.live.set(sha256(id), { ...session, lastSeen: Date.now() });
    return { id, session };
  }

  async find(id: string) {
    const key = sha256(id);
    const found = this.live.get(key);
    const now = Date.now();
    if (!found || found.expiresAt <= now || found.lastSeen <= now - SESSION_IDLE_MS) {
      this.live.delete(key);
      return undefined;
    }
    found.lastSeen = now;
    return { actor: found.actor, via: found.via, csrf: found.csrf, expiresAt: found.expiresAt };
  }

  async signedIn(id: string) {
    const found = this.live.get(sha256(id));
    return Boolean(found && found.expiresAt > Date.now());
  }

  async end(id: string) {
    this.live.delete(sha256(id));
  }
}
