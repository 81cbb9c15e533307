/**
 * Tokens and the audit trail, in the store. A token is `mrsh_<id>_<secret>`; only the SHA-256 of the whole
 * token is kept, so the store never holds a usable credential. A token is good until it expires or is revoked,
 * and each use is recorded as its last use.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Database } from './database';
import { isoOrNull as iso, storeCall } from './errors';
import { repairText } from '../common/text';

export interface TokenRecord {
  id: string;
  kind: 'person' | 'service';
  person: string | null;
  service: string | null;
  scopes: string[];
  name: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  actor: string;
  principal: string;
  action: string;
  target?: string;
  outcome: 'allowed' | 'denied' | 'failed' | 'done';
  status?: number;
  tokenId?: string;
  remote?: string;
  detail?: Record<string, unknown>;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = /^mrsh_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

function record(row: Record<string, unknown>): TokenRecord {
  return {
    id: String(row.id),
    kind: row.kind as TokenRecord['kind'],
    person: (row.person as string | null) ?? null,
    service: (row.service as string | null) ?? null,
    scopes: (row.scopes as string[]) ?? [],
    name: String(row.name),
    createdBy: String(row.created_by),
    createdAt: iso(row.created_at)!,
    expiresAt: iso(row.expires_at)!,
    lastUsedAt: iso(row.last_used_at),
    revokedAt: iso(row.revoked_at),
  };
}

export class Tokens {
  constructor(private readonly db: Database) {}

  /** Issue a token; the secret is in the answer and nowhere else. */
  async issue(input: {
    kind: 'person' | 'service';
    person?: string;
    service?: string;
    scopes?: string[];
    name: string;
    createdBy: string;
    expiresAt: string;
  }): Promise<{ token: string; record: TokenRecord }> {
    const id = randomBytes(8).toString('hex').slice(0, 12);
    const token = `mrsh_${id}_${randomBytes(32).toString('base64url')}`;
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(`INSERT INTO api_tokens (id, hash, kind, person, service, scopes, name, created_by, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`, [
        id,
        sha256(token),
        input.kind,
        input.person ?? null,
        input.service ?? null,
        input.scopes ?? [],
        repairText(input.name),
        input.createdBy,
        input.expiresAt,
      ]),
    );
    return { token, record: record(row) };
  }

  /** The live token this secret is, recording its use; undefined for anything else (unknown, expired, revoked). */
  async verify(secret: string): Promise<TokenRecord | undefined> {
    const match = TOKEN.exec(secret);
    if (!match) return undefined;
    const [stored] = await storeCall(() => this.db.query<{ hash: string }>('SELECT hash FROM api_tokens WHERE id = $1', [match[1]]));
    const expected = Buffer.from(stored?.hash ?? '', 'hex');
    const given = Buffer.from(sha256(secret), 'hex');
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(`UPDATE api_tokens SET last_used_at = now() WHERE id = $1 AND revoked_at IS NULL AND expires_at > now() RETURNING *`, [match[1]]),
    );
    return row ? record(row) : undefined;
  }

  async list(filter: { person?: string } = {}): Promise<TokenRecord[]> {
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(`SELECT * FROM api_tokens WHERE ($1::text IS NULL OR person = $1) ORDER BY created_at DESC LIMIT 1000`, [filter.person ?? null]),
    );
    return rows.map(record);
  }

  async get(id: string): Promise<TokenRecord | undefined> {
    const [row] = await storeCall(() => this.db.query<Record<string, unknown>>('SELECT * FROM api_tokens WHERE id = $1', [id]));
    return row ? record(row) : undefined;
  }

  /** Revoke at once: the next request with it fails. */
  async revoke(id: string, by: string): Promise<TokenRecord | undefined> {
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, $2) WHERE id = $1 RETURNING *`, [id, by]),
    );
    return row ? record(row) : undefined;
  }
}

export type AuditRecord = AuditEntry & { id: number; at: string };

/**
 * Entries are written together, this long after the first of them: the write is off the path of what the
 * request started (with the embedded store it runs on the API's thread, and right after a declaration's
 * answer it held the first page back by 1–3 ms: bench/latency.ts), and a burst of writes costs one
 * statement. Reads and closing write what waits first, so a reader in this process sees every entry appended
 * before it; a process killed within the wait loses what waited, as a request audited on its way out always could.
 */
export const AUDIT_WRITE_AFTER_MS = 100;

interface WaitingEntry {
  row: ReturnType<typeof auditRow>;
  written: () => void;
  failed: (error: unknown) => void;
}

/** An entry as the INSERT reads it (one JSON array of these, as the timeline archive writes its events). */
function auditRow(entry: AuditEntry) {
  const clean = repairText(entry);
  const detail = clean.detail ?? {};
  return {
    actor: clean.actor.slice(0, 200),
    principal: clean.principal.slice(0, 200),
    action: clean.action.slice(0, 200),
    target: clean.target?.slice(0, 500) ?? null,
    outcome: clean.outcome,
    status: clean.status ?? null,
    token_id: clean.tokenId ?? null,
    remote: clean.remote?.slice(0, 100) ?? null,
    detail: JSON.stringify(detail).length > 4000 ? { truncated: true } : detail,
    // When it happened, not when the batch was written.
    at: new Date().toISOString(),
  };
}

export class AuditTrail {
  private waiting: WaitingEntry[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** The writes under way, in order: a flush waits for the ones before it. */
  private writes: Promise<void> = Promise.resolve();

  constructor(private readonly db: Database) {}

  /** Resolves once the entry is in the store (with the others written alongside it). */
  append(entry: AuditEntry): Promise<void> {
    const row = auditRow(entry);
    return new Promise((written, failed) => {
      this.waiting.push({ row, written, failed });
      this.timer ??= setTimeout(() => void this.flush(), AUDIT_WRITE_AFTER_MS);
    });
  }

  /** Write every entry waiting now; resolves once they (and every earlier write) are done, whatever their outcome. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length > 0) this.writes = this.writes.then(() => this.insert(batch));
    return this.writes;
  }

  private async insert(batch: WaitingEntry[]): Promise<void> {
    try {
      await storeCall(() =>
        this.db.query(
          `INSERT INTO audit_events (actor, principal, action, target, outcome, status, token_id, remote, detail, at)
           SELECT e->>'actor', e->>'principal', e->>'action', e->>'target', e->>'outcome', (e->>'status')::int, e->>'token_id', e->>'remote', e->'detail', (e->>'at')::timestamptz
           FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS entries(e, n) ORDER BY n`,
          [JSON.stringify(batch.map((entry) => entry.row))],
        ),
      );
      for (const entry of batch) entry.written();
    } catch (error) {
      for (const entry of batch) entry.failed(error);
    }
  }

  /**
   * Newest first. `before` pages by keyset (the id of the last entry of the previous page), so a page reads
   * the same however many entries arrive meanwhile, and costs the same on page 1 and page 1,000.
   */
  async list(filter: { actor?: string; action?: string; before?: number; limit: number }): Promise<AuditRecord[]> {
    await this.flush();
    const rows = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        `SELECT * FROM audit_events WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) AND ($3::bigint IS NULL OR id < $3) ORDER BY id DESC LIMIT $4`,
        [filter.actor ?? null, filter.action ?? null, filter.before ?? null, filter.limit],
      ),
    );
    return rows.map((row) => ({
      id: Number(row.id),
      at: iso(row.at)!,
      actor: String(row.actor),
      principal: String(row.principal),
      action: String(row.action),
      ...(row.target ? { target: String(row.target) } : {}),
      outcome: row.outcome as AuditEntry['outcome'],
      ...(row.status != null ? { status: Number(row.status) } : {}),
      ...(row.token_id ? { tokenId: String(row.token_id) } : {}),
      ...(row.remote ? { remote: String(row.remote) } : {}),
      detail: row.detail as Record<string, unknown>,
    }));
  }

  /** The kinds of action the trail holds (for a filter), most recent first. */
  async actions(limit = 200): Promise<string[]> {
    await this.flush();
    const rows = await storeCall(() => this.db.query<{ action: string }>('SELECT action FROM audit_events GROUP BY action ORDER BY max(id) DESC LIMIT $1', [limit]));
    return rows.map((row) => row.action);
  }
}
