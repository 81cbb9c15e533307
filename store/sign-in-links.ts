/**
 * One-time console sign-in links, issued by an admin to a person (the way in where no identity provider is
 * configured). The link carries 256 random bits; the store keeps only their SHA-256, who the link is for,
 * who issued it and when it expires. Using it is one statement that marks it used, so two tabs (or a
 * scanner and a person) racing on one link cannot both get a session.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from './database';
import { isoOrNull, storeCall } from './errors';
import { repairText } from '../common/text';

/** A day: long enough to reach someone asleep in another time zone, short enough that a forwarded mail goes stale. */
export const SIGN_IN_LINK_TTL_MS = 24 * 3_600_000;

/** Links long gone are of no use even to an investigation (the audit trail keeps issue and use). */
const SWEEP_AFTER = "interval '7 days'";

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
/** The shape of a link's secret; anything else is unknown without asking the store. */
export const LINK_SECRET = /^[A-Za-z0-9_-]{43}$/;

export type LinkUse = { ok: true; person: string; issuedBy: string } | { ok: false; reason: 'unknown' | 'used' | 'expired' | 'revoked'; person?: string; usedAt?: string };

/** A link not used, expired nor revoked, as an admin sees it: never its secret, only a short id from its hash. */
export interface OutstandingLink {
  id: string;
  person: string;
  issuedBy: string;
  createdAt: string;
  expiresAt: string;
}

const LINK_ID = /^[0-9a-f]{16}$/;

export class SignInLinks {
  constructor(private readonly db: Database) {}

  /** A new link for `person`; the secret is in the answer and nowhere else. */
  async issue(person: string, issuedBy: string, now = Date.now()): Promise<{ secret: string; expiresAt: string }> {
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = new Date(now + SIGN_IN_LINK_TTL_MS).toISOString();
    await storeCall(() => this.db.query(`DELETE FROM sign_in_links WHERE expires_at < now() - ${SWEEP_AFTER}`));
    await storeCall(() =>
      this.db.query('INSERT INTO sign_in_links (id_hash, person, issued_by, expires_at) VALUES ($1, $2, $3, $4)', [sha256(secret), person, repairText(issuedBy).slice(0, 200), expiresAt]),
    );
    return { secret, expiresAt };
  }

  /** Who a live link is for, without using it (the confirmation page); undefined when it cannot be used. */
  async peek(secret: string): Promise<LinkUse> {
    if (!LINK_SECRET.test(secret)) return { ok: false, reason: 'unknown' };
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>('SELECT person, issued_by, used_at, revoked_at, expires_at > now() AS live FROM sign_in_links WHERE id_hash = $1', [sha256(secret)]),
    );
    return judge(row);
  }

  /** Use the link, once: the first caller gets the person, every later one `used`. */
  async use(secret: string, from: string | undefined): Promise<LinkUse> {
    if (!LINK_SECRET.test(secret)) return { ok: false, reason: 'unknown' };
    const [used] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        'UPDATE sign_in_links SET used_at = now(), used_from = $2 WHERE id_hash = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING person, issued_by',
        [sha256(secret), from?.slice(0, 100) ?? null],
      ),
    );
    if (used) return { ok: true, person: String(used.person), issuedBy: String(used.issued_by) };
    return this.peek(secret);
  }

  /** Links that could still sign someone in, newest first. */
  async outstanding(limit = 200): Promise<OutstandingLink[]> {
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        'SELECT left(id_hash, 16) AS id, person, issued_by, created_at, expires_at FROM sign_in_links WHERE used_at IS NULL AND revoked_at IS NULL AND expires_at > now() ORDER BY created_at DESC LIMIT $1',
        [limit],
      ),
    );
    return rows.map((row) => ({ id: String(row.id), person: String(row.person), issuedBy: String(row.issued_by), createdAt: isoOrNull(row.created_at)!, expiresAt: isoOrNull(row.expires_at)! }));
  }

  /** Take back an outstanding link by its short id; the person it was for, or undefined if none was outstanding. */
  async revoke(id: string, by: string): Promise<string | undefined> {
    if (!LINK_ID.test(id)) return undefined;
    const [row] = await storeCall(() =>
      this.db.query<{ person: string }>(
        'UPDATE sign_in_links SET revoked_at = now(), revoked_by = $2 WHERE left(id_hash, 16) = $1 AND used_at IS NULL AND revoked_at IS NULL AND expires_at > now() RETURNING person',
        [id, repairText(by).slice(0, 200)],
      ),
    );
    return row?.person;
  }
}

function judge(row: Record<string, unknown> | undefined): LinkUse {
  if (!row) return { ok: false, reason: 'unknown' };
  const person = String(row.person);
  if (row.used_at) return { ok: false, reason: 'used', person, usedAt: isoOrNull(row.used_at) ?? undefined };
  if (row.revoked_at) return { ok: false, reason: 'revoked', person };
  if (!row.live) return { ok: false, reason: 'expired', person };
  return { ok: true, person, issuedBy: String(row.issued_by) };
}
