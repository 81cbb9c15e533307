/**
 * Console sessions: the cookie carries only a random session id; who it acts as, its CSRF token and when it
 * ends live server-side (store/console-sessions.ts), so signing out ends the session for every copy of the
 * cookie. The CSRF token must come back in every form (synchronizer token); the login form, before a
 * session exists, uses a double-submit cookie instead. The OIDC round trip keeps its PKCE verifier, state
 * and nonce in a short-lived cookie signed with a key derived from the admin token.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../api/secrets';
import type { Request, Response } from 'express';
import { SESSION_ABSOLUTE_MS, type SessionStore } from '../../store/console-sessions';

export const SESSION_COOKIE = 'marshal_session';
export const LOGIN_COOKIE = 'marshal_login';
export const OIDC_COOKIE = 'marshal_oidc';
const COOKIE_PATH = '/console';

export interface Session {
  /** Who acts: recorded as `by` on every command sent from the console. */
  name: string;
  /** How they signed in: `oidc`, `sign-in-link` or `admin-token`. */
  via?: string;
  /** Whether they may do admin work (set per request from the current policy): the nav shows admin pages. */
  admin?: boolean;
  csrf: string;
  expiresAt: number;
  /** Incidents that paged this person and wait for acknowledgement, when counted for this request (the nav badge). */
  waiting?: number;
}

export function parseCookies(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const trimmed = part.trim();
    const index = trimmed.indexOf('=');
    if (index <= 0) continue;
    const name = trimmed.slice(0, index);
    try {
      cookies[name] = decodeURIComponent(trimmed.slice(index + 1));
    } catch {
      // a malformed cookie is ignored, like a missing one
    }
  }
  return cookies;
}

export class SessionKeeper {
  private readonly key: Buffer;

  constructor(
    private readonly adminToken: string,
    private readonly store: SessionStore,
  ) {
    this.key = createHmac('sha256', adminToken).update('marshal console oidc flow v1').digest();
  }

  /** The login form's secret must equal the admin bearer token. */
  tokenMatches(given: string | undefined): boolean {
    return sameSecret(given, this.adminToken);
  }

  async issue(res: Response, actor: string, via: string, secure: boolean): Promise<Session> {
    const { id, session } = await this.store.start(actor, via);
    res.append('Set-Cookie', cookie(SESSION_COOKIE, id, SESSION_ABSOLUTE_MS / 1000, secure));
    return { name: session.actor, via: session.via, csrf: session.csrf, expiresAt: session.expiresAt };
  }

  async read(req: Request): Promise<Session | undefined> {
    const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!id) return undefined;
    const found = await this.store.find(id);
    return found && { name: found.actor, via: found.via, csrf: found.csrf, expiresAt: found.expiresAt };
  }

  /** Whether this request's session is still signed in, without renewing it (for long-lived event streams). */
  async stillSignedIn(req: Request): Promise<boolean> {
    const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    return Boolean(id) && (await this.store.signedIn(id));
  }

  /** Sign out: the session ends in the store, so a copy of the cookie stops working too. */
  async end(req: Request, res: Response, secure: boolean) {
    const id = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (id) await this.store.end(id);
    res.append('Set-Cookie', cookie(SESSION_COOKIE, '', 0, secure));
  }

  /** A fresh double-submit secret for the login form. */
  loginChallenge(res: Response, secure: boolean): string {
    const value = randomBytes(24).toString('base64url');
    res.append('Set-Cookie', cookie(LOGIN_COOKIE, value, 600, secure));
    return value;
  }

  loginChallengeMatches(req: Request, given: string | undefined): boolean {
    const expected = parseCookies(req.headers.cookie)[LOGIN_COOKIE];
    return Boolean(expected) && sameSecret(given, expected);
  }

  /**
   * The OIDC round trip's secrets, signed, for ten minutes. SameSite=Lax, not Strict: the IdP sends the
   * browser back with a top-level cross-site navigation, on which a Strict cookie would not come.
   */
  saveFlow(res: Response, flow: Record<string, string>, secure: boolean) {
    const payload = Buffer.from(JSON.stringify({ ...flow, exp: Date.now() + 600_000 })).toString('base64url');
    res.append('Set-Cookie', cookie(OIDC_COOKIE, `${payload}.${this.sign(payload)}`, 600, secure, 'Lax'));
  }

  /** The flow this browser started (once: the cookie is cleared), or undefined if absent, forged or stale. */
  takeFlow(req: Request, res: Response, secure: boolean): Record<string, string> | undefined {
    const value = parseCookies(req.headers.cookie)[OIDC_COOKIE];
    res.append('Set-Cookie', cookie(OIDC_COOKIE, '', 0, secure, 'Lax'));
    if (!value) return undefined;
    const [payload, signature] = value.split('.');
    if (!payload || !signature || !sameSecret(signature, this.sign(payload))) return undefined;
    try {
      const flow = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (!(Number(flow.exp) > Date.now())) return undefined;
      const strings = Object.entries(flow).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
      return Object.fromEntries(strings);
    } catch {
      return undefined;
    }
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean, sameSite: 'Strict' | 'Lax' = 'Strict'): string {
  return `${name}=${encodeURIComponent(value)}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=${sameSite}${secure ? '; Secure' : ''}`;
}
