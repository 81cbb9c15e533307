/**
 * The console inbox in the embedded store (PGlite): idempotent on the notification key, newest first,
 * hostile texts repaired and bounded, each person's inbox capped, and which waiting incidents paged whom.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store';
import { KEPT_PER_PERSON, TRIM_EVERY, trimsAfter, type InboxNotification } from '../../store/inbox';

const note = (key: string, person: string, incidentId: string, overrides: Partial<InboxNotification> = {}): InboxNotification => ({
  key,
  kind: 'page',
  incidentId,
  incidentTitle: 'Checkout returns 500s',
  severity: 'SEV2',
  recipient: { personId: person },
  headline: 'You are paged',
  body: 'Please acknowledge',
  occurredAt: '2026-11-30T09:00:00.000Z',
  ...overrides,
});

describe('the console inbox', () => {
  let store: Store;
  beforeAll(async () => {
    store = await openStore({ dir: join(mkdtempSync(join(tmpdir(), 'marshal-inbox-')), 'store') });
  });
  afterAll(() => store?.close());

  it('keeps a notification once however often its delivery is retried, newest first per person', async () => {
    await store.inbox.deliver(note('inc-a:3', 'alice', 'inc-a'));
    await store.inbox.deliver(note('inc-a:3', 'alice', 'inc-a', { headline: 'a retry must not overwrite' }));
    await store.inbox.deliver(note('inc-b:4', 'alice', 'inc-b', { headline: 'second page' }));
    await store.inbox.deliver(note('inc-b:5', 'bob', 'inc-b'));
    const alice = await store.inbox.of('alice');
    expect(alice.map((entry) => [entry.key, entry.headline])).toEqual([
      ['inc-b:4', 'second page'],
      ['inc-a:3', 'You are paged'],
    ]);
    expect(alice[1]).toMatchObject({ personId: 'alice', incidentId: 'inc-a', kind: 'page', severity: 'SEV2', occurredAt: '2026-11-30T09:00:00.000Z' });
    expect((await store.inbox.of('bob')).map((entry) => entry.key)).toEqual(['inc-b:5']);
    expect(await store.inbox.of('nobody')).toEqual([]);
  });

  it('tells which of the incidents still waiting paged the person', async () => {
    expect((await store.inbox.pagedAmong('alice', ['inc-b', 'inc-z'])).sort()).toEqual(['inc-b']);
    expect(await store.inbox.pagedAmong('alice', [])).toEqual([]);
    expect(await store.inbox.pagedAmong('carol', ['inc-a', 'inc-b'])).toEqual([]);
  });

  it('repairs NUL and lone surrogates and cuts huge texts instead of failing the delivery', async () => {
    await store.inbox.deliver(note('inc-h:1', 'hostile', 'inc-h', { incidentTitle: `a\u0000b\ud800c${'x'.repeat(100_000)}`, body: 'y'.repeat(1_000_000), headline: '<script>alert(1)</script>' }));
    const [entry] = await store.inbox.of('hostile');
    expect(entry.incidentTitle.startsWith('a\ufffdb\ufffdc')).toBe(true);
    expect(entry.incidentTitle.length).toBe(500);
    expect(entry.body.length).toBe(4_000);
    expect(entry.headline).toBe('<script>alert(1)</script>');
  });

  it(`keeps each person's latest ${KEPT_PER_PERSON}, trimming after one page in ${TRIM_EVERY}`, async () => {
    const rows = async () => (await store.database.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbox WHERE person_id = 'busy'`))[0].n;
    const delivered = KEPT_PER_PERSON + 4 * TRIM_EVERY;
    // What the inbox should hold after each page: one more, cut back to KEPT_PER_PERSON after a trimming page.
    let expected = 0;
    let trims = 0;
    for (let index = 0; index < delivered; index++) {
      const key = `inc-many:${index}`;
      await store.inbox.deliver(note(key, 'busy', 'inc-many'));
      expected += 1;
      if (trimsAfter(key) && expected > KEPT_PER_PERSON) {
        expected = KEPT_PER_PERSON;
        trims += 1;
      }
      if (index >= KEPT_PER_PERSON - 1) expect(await rows()).toBe(expected);
    }
    expect(trims).toBeGreaterThan(0);
    expect(expected).toBeLessThan(KEPT_PER_PERSON + 4 * TRIM_EVERY);
    const kept = await store.inbox.of('busy', 10_000);
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.some((entry) => entry.key === 'inc-many:0')).toBe(false);
    expect(kept[0].key).toBe(`inc-many:${delivered - 1}`);
  });
});
