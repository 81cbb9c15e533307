import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatePolicyDir, generatePolicyFiles } from '../../bench/policy-generator';
import { loadPolicyDir } from '../../policy/io/load';
import { onCallAt } from '../../policy/oncall';

describe('generatePolicyDir', () => {
  it('writes a valid policy of the requested size, with follow-the-sun teams among them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marshal-generated-'));
    expect(generatePolicyDir(dir, { teams: 12, people: 123 })).toEqual({ files: 14 });
    const result = loadPolicyDir(dir, { now: new Date('2025-06-01T00:00:00Z') });
    expect(result.ok ? [] : result.errors).toEqual([]);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    expect(Object.keys(result.policy.teams)).toHaveLength(12);
    expect(Object.keys(result.policy.people)).toHaveLength(123);
    expect(onCallAt(result.policy, 'team-0000', new Date('2025-06-02T12:00:00Z')).primary?.layer).toBe('london');
  });

  it('is deterministic for a seed and refuses too few people', () => {
    expect(generatePolicyFiles({ teams: 3, people: 30, seed: 7 })).toEqual(generatePolicyFiles({ teams: 3, people: 30, seed: 7 }));
    expect(() => generatePolicyFiles({ teams: 10, people: 20 })).toThrow(/at least 4 people per team/);
  });
});
