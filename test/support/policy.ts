/**
 * A copy of the shipped policy for tests, with every person's contacts pointing at local receivers (a
 * webhook receiver, then email over a local SMTP server) so notifications never leave the machine, and
 * with optional edits (e.g. second-scale acknowledgement timeouts).
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { repoRoot } from './paths';

export interface TestPolicyOptions {
  /** Each person's first contact: `<webhookUrl>/<personId>`. */
  webhookUrl: string;
  /** Each person's second contact: email to `<personId>@example.test` through this local SMTP server. */
  smtpPort?: number;
  /** Edit a file's text after the contacts are rewritten, keyed by path under config/. */
  edit?: Record<string, (text: string) => string>;
}

export function testPolicyDir(options: TestPolicyOptions): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'marshal-test-policy-')), 'config');
  cpSync(join(repoRoot, 'config'), dir, { recursive: true });
  for (const name of readdirSync(join(dir, 'teams'))) {
    const path = join(dir, 'teams', name);
    const doc = parseDocument(readFileSync(path, 'utf8'));
    const members = doc.get('members') as { items: { get(key: string): unknown; set(key: string, value: unknown): void }[] };
    for (const member of members.items) {
      const id = String(member.get('id'));
      const contacts: object[] = [{ kind: 'webhook', url: `${options.webhookUrl}/${id}` }];
      if (options.smtpPort) contacts.push({ kind: 'email', address: `${id}@example.test` });
      member.set('contacts', doc.createNode(contacts));
    }
    writeFileSync(path, doc.toString());
  }
  const integrations = join(dir, 'integrations.yaml');
  const doc = parseDocument(readFileSync(integrations, 'utf8'));
  doc.set('smtp', doc.createNode({ host: '127.0.0.1', port: options.smtpPort ?? 1, from: 'marshal@example.test' }));
  writeFileSync(integrations, doc.toString());
  for (const [file, edit] of Object.entries(options.edit ?? {})) {
    const path = join(dir, file);
    writeFileSync(path, edit(readFileSync(path, 'utf8')));
  }
  return dir;
}

/**
 * Edits that turn every team's rest rule off: for tests about something else whose pages must go to the same
 * person whatever the hour (with the rule on, a night page for a SEV1 or SEV2 sends its person to rest).
 */
export function withoutRestRule(): Record<string, (text: string) => string> {
  return Object.fromEntries(readdirSync(join(repoRoot, 'config', 'teams')).map((name) => [`teams/${name}`, restRuleOff]));
}

/** A team file's text with its rest rule turned off. */
export const restRuleOff = (text: string) => text.replace(/^(restRule:\n[ \t]+enabled:) true/m, '$1 false');
