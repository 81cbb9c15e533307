/**
 * CLI logins, in the shape of OAuth 2.0 device authorization (RFC 8628) but run by Marshal itself: the CLI
 * holds a long random device code (only its SHA-256 is stored) and shows the person a short user code;
 * the person, signed in to the console however the console signs people in, approves that code; the CLI,
 * polling with its device code, then gets one personal token, once. Each login lives ten minutes.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Database } from './database';
import { storeCall } from './errors';
import { repairText } from '../common/text';

export const CLI_LOGIN_TTL_MS = 10 * 60_000;
/** How often the CLI may ask; RFC 8628's default. */
export const CLI_LOGIN_INTERVAL_S = 5;

/** RFC 8628 §6.1: consonants only (no vowels, so no words; no 0/O, 1/I confusion), 20^8 ≈ 2^34 codes. */
const ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;
const DEVICE_CODE = /^[A-Za-z0-9_-]{43}$/;
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A user code as typed (any case, with or without the dash, spaces around) in its canonical form, or undefined. */
export function normalUserCode(given: unknown): string | undefined {
  if (typeof given !== 'string' || given.length > 40) return undefined;
  const letters = given.toUpperCase().replace(/[\s-]/g, '');
  const code = `${letters.slice(0, 4)}-${letters.slice(4)}`;
  return USER_CODE.test(code) ? code : undefined;
}

export const isDeviceCode = (value: unknown): value is string => typeof value === 'string' && DEVICE_CODE.test(value);

export interface PendingCliLogin {
  host: string;
  requestedFrom: string | null;
  state: 'pending' | 'approved' | 'denied' | 'expired' | 'used';
  approvedBy: string | null;
}

export type CliLoginClaim = { state: 'approved'; person: string; host: string } | { state: 'unknown' | 'pending' | 'denied' | 'expired' | 'used' };

const stateOf = (row: Record<string, unknown>): PendingCliLogin['state'] =>
  row.token_issued_at ? 'used' : row.denied_at ? 'denied' : !row.live ? 'expired' : row.approved_by ? 'approved' : 'pending';

export class CliLogins {
  constructor(private readonly db: Database) {}

  async start(host: string, requestedFrom: string | undefined): Promise<{ deviceCode: string; userCode: string; expiresAt: string }> {
    await storeCall(() => this.db.query("DELETE FROM cli_logins WHERE expires_at < now() - interval '1 day'"));
    const deviceCode = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + CLI_LOGIN_TTL_MS).toISOString();
    // A user code already taken by a live login is drawn again; with 2^34 codes that is rare.
    for (let attempt = 0; ; attempt += 1) {
      const letters = Array.from({ length: 8 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      const userCode = `${letters.slice(0, 4)}-${letters.slice(4)}`;
      const inserted = await storeCall(() =>
        this.db.query('INSERT INTO cli_logins (device_hash, user_code, host, requested_from, expires_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_code) DO NOTHING RETURNING user_code', [
          sha256(deviceCode),
          userCode,
          repairText(host).slice(0, 100),
          requestedFrom?.slice(0, 100) ?? null,
          expiresAt,
        ]),
      );
      if (inserted.length > 0) return { deviceCode, userCode, expiresAt };
      if (attempt >= 5) throw new Error('could not draw a free CLI login user code');
    }
  }

  /** The login a user code names, for the approval page. */
  async find(userCode: string): Promise<PendingCliLogin | undefined> {
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>('SELECT host, requested_from, approved_by, denied_at, token_issued_at, expires_at > now() AS live FROM cli_logins WHERE user_code = $1', [userCode]),
    );
    if (!row) return undefined;
    return { host: String(row.host), requestedFrom: (row.requested_from as string | null) ?? null, state: stateOf(row), approvedBy: (row.approved_by as string | null) ?? null };
  }

  /** Bind a pending login to the person approving it (once); the answer is the login's state afterwards. */
  async decide(userCode: string, person: string, allow: boolean): Promise<PendingCliLogin | undefined> {
    await storeCall(() =>
      this.db.query(
        allow
          ? 'UPDATE cli_logins SET approved_by = $2, approved_at = now() WHERE user_code = $1 AND approved_by IS NULL AND denied_at IS NULL AND expires_at > now()'
          : 'UPDATE cli_logins SET denied_at = now() WHERE user_code = $1 AND approved_by IS NULL AND denied_at IS NULL AND expires_at > now() AND $2::text IS NOT NULL',
        [userCode, person],
      ),
    );
    return this.find(userCode);
  }

  /** The CLI's poll: an approved login is claimed (once) for its token; otherwise where it stands. */
  async claim(deviceCode: string): Promise<CliLoginClaim> {
    if (!isDeviceCode(deviceCode)) return { state: 'unknown' };
    const hash = sha256(deviceCode);
    const [claimed] = await storeCall(() =>
      this.db.query<Record<string, unknown>>(
        'UPDATE cli_logins SET token_issued_at = now() WHERE device_hash = $1 AND approved_by IS NOT NULL AND denied_at IS NULL AND token_issued_at IS NULL AND expires_at > now() RETURNING approved_by, host',
        [hash],
      ),
    );
    if (claimed) return { state: 'approved', person: String(claimed.approved_by), host: String(claimed.host) };
    const [row] = await storeCall(() =>
      this.db.query<Record<string, unknown>>('SELECT approved_by, denied_at, token_issued_at, expires_at > now() AS live FROM cli_logins WHERE device_hash = $1', [hash]),
    );
    if (!row) return { state: 'unknown' };
    const state = stateOf(row);
    return { state: state === 'approved' ? 'pending' : state };
  }
}
