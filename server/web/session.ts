/**
 * Console sessions without server-side storage: the cookie carries {name, csrf, expiry} signed with an HMAC
 * keyed by the admin token, so a new token ends every session and any Marshal process can check it. The
 * CSRF token lives inside the signed session and must come back in every form (synchronizer token);
 * the login form, before a session exists, uses a double-submit cookie instead.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { sameSecret } from '../api/secrets';
import type { Request, Response } from 'express';

export const SESSION_COOKIE = 'marshal_session';
export const LOGIN_COOKIE = 'marshal_login';
const SESSION_HOURS = 12;
const COOKIE_PATH = '/console';

export interface Session {
  /** Who acts: recorded as `by` on every command sent from the console. */
  name: string;
  csrf: string;
  expiresAt: number;
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

  constructor(private readonly adminToken: string) {
    this.key = createHmac('sha256', adminToken).update('marshal console session v1').digest();
  }

  /** The login form's secret must equal the admin bearer token. */
  tokenMatches(given: string | undefined): boolean {
    return sameSecret(given, this.adminToken);
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }

  issue(res: Response, name: string, secure: boolean): Session {
    const session: Session = { name, csrf: randomBytes(24).toString('base64url'), expiresAt: Date.now() + SESSION_HOURS * 3_600_000 };
    const payload = Buffer.from(JSON.stringify(session)).toString('base64url');
    res.append('Set-Cookie', cookie(SESSION_COOKIE, `${payload}.${this.sign(payload)}`, SESSION_HOURS * 3600, secure));
    return session;
  }

  read(req: Request): Session | undefined {
    const value = parseCookies(req.headers.cookie)[SESSION_COOKIE];
    if (!value) return undefined;
    const [payload, signature] = value.split('.');
    if (!payload || !signature || !sameSecret(signature, this.sign(payload))) return undefined;
    try {
      const session = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Session;
      if (typeof session.name !== 'string' || typeof session.csrf !== 'string' || !(session.expiresAt > Date.now())) return undefined;
      return session;
    } catch {
      return undefined;
    }
  }

  clear(res: Response, secure: boolean) {
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
}

function cookie(name: string, value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${name}=${encodeURIComponent(value)}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
