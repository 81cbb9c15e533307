/**
 * The secret that signs action links in pages (common/action-links.ts). From MARSHAL_LINK_SECRET, else the
 * one saved in the data dir, else a new one saved there on first start, like the admin token. Every process
 * that sends pages or answers links must hold the same secret: scaled-out workers with their own data dir
 * need MARSHAL_LINK_SECRET set alike, or their links are refused as not signed by this Marshal.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Shorter than this, a secret is guessable enough to forge links with: refused at start. */
const MIN_LENGTH = 32;

export function linkSecret(dataDir: string, fromEnv?: string): string {
  if (fromEnv) {
    if (fromEnv.length < MIN_LENGTH) throw new Error(`MARSHAL_LINK_SECRET must be at least ${MIN_LENGTH} characters (e.g. openssl rand -base64 32)`);
    return fromEnv;
  }
  const path = join(dataDir, 'link-secret');
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}
