/**
 * Used action links in the store: of many uses of one link at once, from two Marshal processes sharing a
 * PostgreSQL server, exactly one claims it; the claim outlives a reopened store; a released claim (the
 * engine was away) can be claimed again; rows are swept once their link is a day past expiry.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signActionLink, verifyActionLink, type ActionLink } from '../../common/action-links';
import { openStore, type Store } from '../../store';
import { startPostgres, type PostgresServer } from '../support/postgres';

const SECRET = 'store-test-link-secret-store-test-link-secret';
const linkFor = async (incidentId: string, options: { now?: number; ttlMs?: number } = {}): Promise<ActionLink> =>
  verifyActionLink(SECRET, await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'alice', incidentId }, options), 'acknowledge', options.now ?? Date.now());

describe('used action links on a PostgreSQL server shared by two processes', () => {
  let server: PostgresServer;
  let first: Store;
  let second: Store;
  beforeAll(async () => {
    server = await startPostgres();
    first = await openStore({ url: server.url });
    second = await openStore({ url: server.url });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await server?.stop();
  });

  it('of twenty uses at once from both processes, exactly one claims the link; the others learn who used it and when', async () => {
    const link = await linkFor('inc1');
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? first : second).usedLinks.claim(link)));
    expect(answers.filter((answer) => answer === undefined)).toHaveLength(1);
    for (const earlier of answers.filter(Boolean)) expect(earlier).toMatchObject({ person: 'alice', usedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(await second.usedLinks.find(link.nonce)).toMatchObject({ person: 'alice' });
  });

  it('a released claim can be claimed again; another link is independent', async () => {
    const link = await linkFor('inc2');
    const other = await linkFor('inc2');
    expect(await first.usedLinks.claim(link)).toBeUndefined();
    await first.usedLinks.release(link);
    expect(await second.usedLinks.claim(link)).toBeUndefined();
    expect(await first.usedLinks.claim(link)).toBeDefined();
    expect(await first.usedLinks.claim(other)).toBeUndefined();
  });

  it('rows of links more than a day past expiry are swept by the next claim', async () => {
    const old = await linkFor('inc3', { now: Date.now() - 3 * 24 * 3_600_000, ttlMs: 24 * 3_600_000 }).catch((error: { link?: ActionLink }) => error.link!);
    expect(await first.usedLinks.claim(old)).toBeUndefined();
    expect(await first.usedLinks.find(old.nonce)).toBeDefined();
    expect(await second.usedLinks.claim(await linkFor('inc4'))).toBeUndefined();
    expect(await first.usedLinks.find(old.nonce)).toBeUndefined();
  });
});

describe('used action links in the embedded store', () => {
  it('a claim is still there after the store is closed and opened again (a restart)', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'marshal-links-')), 'store');
    const link = await linkFor('inc5');
    const before = await openStore({ dir });
    expect(await before.usedLinks.claim(link)).toBeUndefined();
    await before.close();
    const after = await openStore({ dir });
    try {
      expect(await after.usedLinks.claim(link)).toMatchObject({ person: 'alice' });
    } finally {
      await after.close();
    }
  });
});
