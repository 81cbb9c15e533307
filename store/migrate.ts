/**
 * Versioned migrations, run on start: store/migrations/NNN_name.sql in order, each once, recorded in
 * `schema_migrations`. umzug orders and records them; an advisory lock keeps two processes starting
 * against one server from running the same migration twice.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Umzug } from 'umzug';
import type { Database } from './database';

const MIGRATION_LOCK = 7_341_001;

export async function migrate(database: Database): Promise<string[]> {
  return database.session(async (db) => {
    await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const umzug = new Umzug({
        migrations: {
          glob: ['migrations/*.sql', { cwd: __dirname }],
          resolve: ({ name, path }) => ({ name, up: () => db.exec(`BEGIN; ${readFileSync(path!, 'utf8')}; COMMIT;`) }),
        },
        storage: {
          executed: async () => (await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name')).map((row) => row.name),
          logMigration: async ({ name }) => {
            await db.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
          },
          unlogMigration: async ({ name }) => {
            await db.query('DELETE FROM schema_migrations WHERE name = $1', [name]);
          },
        },
        logger: undefined,
      });
      return (await umzug.up()).map((migration) => migration.name);
    } finally {
      await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  });
}

export const migrationsDir = join(__dirname, 'migrations');
