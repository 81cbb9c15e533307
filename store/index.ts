/** The cross-incident store, opened and migrated: today the timeline archive (see ../shared/ARCHITECTURE.md). */
import { openDatabase, type Database, type DatabaseOptions } from './database';
import { migrate } from './migrate';
import { TimelineArchive } from './timeline';

export interface Store {
  database: Database;
  archive: TimelineArchive;
  close(): Promise<void>;
}

export async function openStore(options: DatabaseOptions): Promise<Store> {
  const database = await openDatabase(options);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, archive: new TimelineArchive(database), close: () => database.close() };
}
