import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { linkSecret } from '../../server/runtime/link-secret';

describe('the link secret', () => {
  it('is generated on first start, saved in the data dir readable by its owner only, and the same on the next start', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'marshal-secret-')), 'data');
    const first = linkSecret(dir);
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(join(dir, 'link-secret'), 'utf8').trim()).toBe(first);
    expect(statSync(join(dir, 'link-secret')).mode & 0o777).toBe(0o600);
    expect(linkSecret(dir)).toBe(first);
  });

  it('MARSHAL_LINK_SECRET wins over the saved one; one too short to resist guessing refuses to start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'marshal-secret-'));
    const shared = 'x'.repeat(32);
    expect(linkSecret(dir, shared)).toBe(shared);
    expect(() => linkSecret(dir, 'short')).toThrow(/MARSHAL_LINK_SECRET must be at least 32 characters/);
  });
});
