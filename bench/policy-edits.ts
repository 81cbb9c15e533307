/**
 * Policy edits for the benchmarks: every contact points at a local receiver (test/support/policy), and
 * nothing time-of-day dependent (quiet hours, the night rest rule) changes what a run does, so figures
 * taken at 03:00 and at 15:00 compare.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../test/support/paths';
import { restRuleOff, testPolicyDir } from '../test/support/policy';

export function benchPolicyDir(webhookUrl: string, severities?: (text: string) => string): string {
  const edit: Record<string, (text: string) => string> = {};
  for (const name of readdirSync(join(repoRoot, 'config', 'teams'))) {
    edit[`teams/${name}`] = (text) => restRuleOff(text.replace(/^quietHours:\n(?:[ \t]+.*\n?)*/m, ''));
  }
  if (severities) edit['severities.yaml'] = severities;
  return testPolicyDir({ webhookUrl, edit });
}

/** Set one severity's field, e.g. setSeverityField('SEV4', 'statusUpdateCadence', '60s'). */
export function setSeverityField(text: string, severity: string, field: string, value: string): string {
  const start = text.indexOf(`- name: ${severity}\n`);
  if (start < 0) throw new Error(`no severity ${severity}`);
  const end = text.indexOf('- name:', start + 1);
  const block = text.slice(start, end < 0 ? undefined : end);
  const pattern = new RegExp(`(\\n\\s+${field}:) [^\\n]+`);
  const edited = pattern.test(block) ? block.replace(pattern, `$1 ${value}`) : block.replace(/\n$/, `\n    ${field}: ${value}\n`);
  return text.slice(0, start) + edited + (end < 0 ? '' : text.slice(end));
}
