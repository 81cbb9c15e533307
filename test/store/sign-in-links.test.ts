/**
 * Sign-in links and CLI logins in the store (embedded PGlite, no Temporal): a link works once even when many
 * uses race; only hashes are stored; a CLI login moves pending → approved (bound to one person) → used, or to
 * denied or expired, and its token is claimed once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store';
import { normalUserCode } from '../../store/cli-logins';

let store: Store;
beforeAll(async () => {
  store = await openStore({});
}, 60_000);
afterAll(async () => {
  await store?.close();
});

describe('sign-in links', () => {
  it('works once when twenty uses race, and keeps only a hash', async () => {
    const { secret } = await store.signInLinks.issue('alice', 'judy');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(JSON.stringify(await store.database.query('SELECT * FROM sign_in_links'))).not.toContain(secret);
    const uses = await Promise.all(Array.from({ length: 20 }, (_, index) => store.signInLinks.use(secret, `10.0.0.${index}`)));
    expect(uses.filter((use) => use.ok)).toEqual([{ ok: true, person: 'alice', issuedBy: 'judy' }]);
    expect(uses.filter((use) => !use.ok).every((use) => !use.ok && use.reason === 'used')).toBe(true);
    expect(await store.signInLinks.peek(secret)).toMatchObject({ ok: false, reason: 'used', person: 'alice' });
  });

  it('tells expired from unknown, and never asks the store about a malformed secret', async () => {
    const { secret } = await store.signInLinks.issue('bob', 'judy', Date.now() - 25 * 3600_000);
    expect(await store.signInLinks.use(secret, undefined)).toEqual({ ok: false, reason: 'expired', person: 'bob' });
    for (const given of ['', 'x', 'A'.repeat(43), `${'A'.repeat(42)}\u0000`, "' OR 1=1 --".padEnd(43, 'x')]) {
      expect(await store.signInLinks.use(given, undefined)).toMatchObject({ ok: false, reason: 'unknown' });
    }
  });
});

describe('revoking sign-in links', () => {
  it('lists outstanding links without their secret, and a revoked one refuses as revoked', async () => {
    const { secret } = await store.signInLinks.issue('carol', 'judy');
    const listed = await store.signInLinks.outstanding();
    const mine = listed.find((link) => link.person === 'carol')!;
    expect(mine).toMatchObject({ issuedBy: 'judy' });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(await store.signInLinks.revoke('not-an-id', 'judy')).toBeUndefined();
    expect(await store.signInLinks.revoke(mine.id, 'judy')).toBe('carol');
    expect(await store.signInLinks.revoke(mine.id, 'judy')).toBeUndefined();
    expect(await store.signInLinks.use(secret, undefined)).toEqual({ ok: false, reason: 'revoked', person: 'carol' });
    expect((await store.signInLinks.outstanding()).some((link) => link.id === mine.id)).toBe(false);
  });
});

describe('CLI logins', () => {
  it('reads user codes as people type them', () => {
    expect(normalUserCode('bdfg-hjkl')).toBe('BDFG-HJKL');
    expect(normalUserCode(' BDFGHJKL ')).toBe('BDFG-HJKL');
    for (const bad of ['BDFG-HJK', 'AEIO-UBCD', 'BDFG-HJKLM', '', 42, 'x'.repeat(1000), 'BDFG\u0000HJKL']) expect(normalUserCode(bad)).toBeUndefined();
  });

  it('binds to the first person who approves, gives its token once, and refuses after denial or expiry', async () => {
    const login = await store.cliLogins.start('laptop', '10.0.0.1');
    expect(login.userCode).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(JSON.stringify(await store.database.query('SELECT * FROM cli_logins'))).not.toContain(login.deviceCode);
    expect(await store.cliLogins.claim(login.deviceCode)).toEqual({ state: 'pending' });
    expect((await store.cliLogins.decide(login.userCode, 'alice', true))?.approvedBy).toBe('alice');
    // A second approver does not take it over.
    expect((await store.cliLogins.decide(login.userCode, 'mallory', true))?.approvedBy).toBe('alice');
    const claims = await Promise.all(Array.from({ length: 10 }, () => store.cliLogins.claim(login.deviceCode)));
    expect(claims.filter((claim) => claim.state === 'approved')).toEqual([{ state: 'approved', person: 'alice', host: 'laptop' }]);
    expect(claims.filter((claim) => claim.state !== 'approved').every((claim) => claim.state === 'used')).toBe(true);

    const denied = await store.cliLogins.start('other', undefined);
    expect((await store.cliLogins.decide(denied.userCode, 'bob', false))?.state).toBe('denied');
    expect((await store.cliLogins.decide(denied.userCode, 'bob', true))?.state).toBe('denied');
    expect(await store.cliLogins.claim(denied.deviceCode)).toEqual({ state: 'denied' });

    const late = await store.cliLogins.start('late', undefined);
    await store.database.query("UPDATE cli_logins SET expires_at = now() - interval '1 second' WHERE user_code = $1", [late.userCode]);
    expect((await store.cliLogins.decide(late.userCode, 'bob', true))?.state).toBe('expired');
    expect(await store.cliLogins.claim(late.deviceCode)).toEqual({ state: 'expired' });
    expect(await store.cliLogins.claim('A'.repeat(43))).toEqual({ state: 'unknown' });
  });
});
