/**
 * The cross-incident store's connection: PostgreSQL, either embedded (PGlite: PostgreSQL compiled to
 * WebAssembly, in this process, files under the data dir) or a server named by MARSHAL_DATABASE_URL, which
 * is how several Marshal processes share one store. Both speak the same SQL; callers see one interface.
 */
import { cpSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';

export interface Database {
  readonly kind: 'embedded' | 'server';
  /** One statement with $1… parameters; rows come back with jsonb parsed. */
  query<Row = Record<string, unknown>>(text: string, params?: unknown[]): Promise<Row[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Run `work` on one connection (advisory locks hold per connection). */
  session<T>(work: (db: Database) => Promise<T>): Promise<T>;
  /** Run `work` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(work: (tx: Database) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL server (postgres://…); without it the embedded store opens under `dir`. */
  url?: string;
  /** The embedded store's folder. */
  dir?: string;
  /**
   * A folder holding an initialised embedded store to start from: creating one takes seconds, copying
   * one a fraction of that (the tests give every stack a copy of one made once).
   */
  template?: string;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openServer(options.url) : openEmbedded(options.dir, options.template);
}

async function openEmbedded(dir: string | undefined, template?: string): Promise<Database> {
  if (dir && template && !existsSync(dir)) {
    mkdirSync(dirname(dir), { recursive: true });
    cpSync(template, dir, { recursive: true });
  }
  const db = new PGlite(dir ? { dataDir: dir } : {});
  await db.waitReady;
  const database: Database = {
    kind: 'embedded',
    query: async <Row>(text: string, params?: unknown[]) => (await db.query<Row>(text, params)).rows,
    exec: async (sql: string) => {
      await db.exec(sql);
    },
    // One connection already: PGlite serialises every call.
    session: (work) => work(database),
    // PGlite's own transaction holds its lock, so another caller's queries wait instead of joining it.
    transaction: (work) =>
      db.transaction((tx) => {
        const inside: Database = {
          ...database,
          query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
          exec: async (sql: string) => {
            await tx.exec(sql);
          },
          session: (nested) => nested(inside),
          transaction: (nested) => nested(inside),
        };
        return work(inside);
      }),
    close: () => db.close(),
  };
  return database;
}

/**
 * A client taken from the pool. The pool listens for errors only on idle clients: one checked out when its
 * server goes away (a restart) would emit an error nobody hears and crash the process. Its query fails
 * instead, and the caller hears that.
 */
async function checkOut(pool: Pool) {
  const client = await pool.connect();
  if (client.listenerCount('error') === 0) client.on('error', () => undefined);
  return client;
}

async function openServer(url: string): Promise<Database> {
  const pool = new Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 5_000 });
  // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const on = (client: { query: Pool['query'] }): Database => ({
    kind: 'server',
    query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as Row[],
    exec: async (sql: string) => {
      await client.query(sql);
    },
    session: (work) => work(on(client)),
    transaction: (work) => work(on(client)),
    close: async () => undefined,
  });
  await pool.query('SELECT 1');
  return {
    ...on(pool),
    session: async (work) => {
      const client = await checkOut(pool);
      try {
        return await work(on(client as unknown as Pool));
      } finally {
        client.release();
      }
    },
    transaction: async (work) => {
      const client = await checkOut(pool);
      try {
        await client.query('BEGIN');
        const result = await work(on(client as unknown as Pool));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}
