/**
 * The audit trail writes its entries together, a moment after the first (store/access.ts), on both stores
 * Marshal runs on. What must hold whatever the batching: every entry lands, in the order appended, stamped
 * with when it happened; a reader in the process sees what was appended before it; a clean close loses
 * nothing; hostile text is stored repaired, not refused; a burst of over a thousand lands whole, in one write.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store';
import { AUDIT_WRITE_AFTER_MS, type AuditEntry } from '../../store/access';
import { startPostgres, type PostgresServer } from '../support/postgres';

const entry = (action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({ actor: 'alice', principal: 'person', action, outcome: 'done', status: 201, ...extra });

describe.each(['embedded', 'server'] as const)('the audit trail (%s store)', (kind) => {
  let server: PostgresServer | undefined;
  let dir: string;
  let store: Store;
  const open = () => (kind === 'server' ? openStore({ url: server!.url }) : openStore({ dir }));
  beforeAll(async () => {
    if (kind === 'server') server = await startPostgres();
    dir = join(mkdtempSync(join(tmpdir(), 'marshal-audit-')), 'store');
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
    await server?.stop();
  });

  it('a reader sees what was appended just before it, in order, stamped when it happened', async () => {
    const before = Date.now();
    const appended = ['POST /a', 'POST /b', 'POST /c'].map((action) => store.audit.append(entry(action)));
    const listed = await store.audit.list({ limit: 3 });
    expect(listed.map((record) => record.action)).toEqual(['POST /c', 'POST /b', 'POST /a']);
    await Promise.all(appended);
    for (const record of listed) expect(Date.parse(record.at)).toBeGreaterThanOrEqual(before - 1);
  });

  it('an entry left to the timer lands within its wait, carrying the time it was appended, not written', async () => {
    const at = Date.now();
    const written = store.audit.append(entry('POST /timed'));
    await new Promise((resolve) => setTimeout(resolve, AUDIT_WRITE_AFTER_MS + 200));
    await written;
    const [record] = await store.audit.list({ action: 'POST /timed', limit: 1 });
    expect(Date.parse(record.at) - at).toBeLessThan(AUDIT_WRITE_AFTER_MS);
  });

  it('a burst of over a thousand all lands, each once, in order', async () => {
    const actions = Array.from({ length: 1_203 }, (_, index) => `POST /burst/${index}`);
    await Promise.all(actions.map((action) => store.audit.append(entry(action, { actor: 'burst' }))));
    const listed = await store.audit.list({ actor: 'burst', limit: 2_000 });
    expect(listed.map((record) => record.action).reverse()).toEqual(actions);
  });

  it('stores hostile text repaired and cut, never refusing the entry', async () => {
    await store.audit.append(entry('POST /hostile', { actor: 'mallory\u0000\ud800', target: 'x'.repeat(100_000), detail: { note: 'y'.repeat(10_000) } }));
    const [record] = await store.audit.list({ action: 'POST /hostile', limit: 1 });
    expect(record.actor).not.toMatch(/\u0000|\ud800/);
    expect(record.target).toHaveLength(500);
    expect(record.detail).toEqual({ truncated: true });
    await store.audit.append(entry('POST /hostile-detail', { detail: { 'k\ud800': 'a\u0000b\udc00' } }));
    const [detailed] = await store.audit.list({ action: 'POST /hostile-detail', limit: 1 });
    expect(detailed.detail).toEqual({ 'k\ufffd': 'a\ufffdb\ufffd' });
  });

  it('closing writes what waits; the reopened store has it', async () => {
    void store.audit.append(entry('POST /at-close'));
    await store.close();
    store = await open();
    expect((await store.audit.list({ action: 'POST /at-close', limit: 5 })).map((record) => record.action)).toEqual(['POST /at-close']);
  });
});
