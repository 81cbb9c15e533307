import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Response } from 'express';

/**
 * Constant-time comparison of a secret someone presented (a token, a signature, a CSRF token) with the
 * expected one. Both are hashed first so the comparison takes the same time whatever their lengths, and a
 * missing value is simply not equal.
 */
export function sameSecret(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = createHmac('sha256', 'marshal-compare').update(given).digest();
  const b = createHmac('sha256', 'marshal-compare').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

/** An answer that carries a secret (a link, a device code, a token): no cache, a proxy's or a client's, may keep it. */
export const noStore = (res: Response): void => void res.set('Cache-Control', 'no-store');
