/**
 * Where `marshal login` keeps the personal token it received: one JSON file per user, a token per Marshal
 * URL, readable only by its owner (0600 in a 0700 directory), like other CLIs keep theirs. The server holds
 * only the token's hash; revoking it there (marshal token revoke) ends it here too.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface SavedLogin {
  token: string;
  person: string;
  expiresAt: string;
  tokenId: string;
}

/** MARSHAL_CONFIG_DIR, else $XDG_CONFIG_HOME/marshal, else ~/.config/marshal. */
export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.MARSHAL_CONFIG_DIR || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'marshal');
  return join(dir, 'credentials.json');
}

/** The same server whether or not the URL ends in a slash. */
const key = (url: string) => url.replace(/\/+$/, '');

function readAll(path: string): Record<string, SavedLogin> {
  if (!existsSync(path)) return {};
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, SavedLogin>) : {};
  } catch {
    // A damaged file is as good as none: marshal login writes a new one.
    return {};
  }
}

export function savedLogin(url: string, path = credentialsPath()): SavedLogin | undefined {
  const saved = readAll(path)[key(url)];
  return typeof saved?.token === 'string' && saved.token ? saved : undefined;
}

export function saveLogin(url: string, login: SavedLogin, path = credentialsPath()): void {
  writeAll({ ...readAll(path), [key(url)]: login }, path);
}

/** Forget the token saved for this URL; whether there was one. */
export function forgetLogin(url: string, path = credentialsPath()): boolean {
  const all = readAll(path);
  if (!all[key(url)]) return false;
  delete all[key(url)];
  writeAll(all, path);
  return true;
}

function writeAll(all: Record<string, SavedLogin>, path: string): void {
  const dir = join(path, '..');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // Written aside and renamed, so a crash never leaves half a file; 0600 before the token is in it.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, '', { mode: 0o600 });
  chmodSync(temporary, 0o600);
  writeFileSync(temporary, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}
