/** The cross-incident store, opened and migrated: the timeline archive and the projection analytics read (see ../shared/ARCHITECTURE.md). */
import { openDatabase, type Database, type DatabaseOptions } from './database';
import { migrate } from './migrate';
import { TimelineArchive } from './timeline';
import { Insight } from './insight';
import { projectionContextOf } from './projection';
import type { Policy } from '../policy/types';

export interface Store {
  database: Database;
  archive: TimelineArchive;
  insight: Insight;
  close(): Promise<void>;
}

/** With `policy`, archived events are also folded into the projection (it supplies time zones and severity order). */
export async function openStore(options: DatabaseOptions, policy?: () => Policy): Promise<Store> {
  const database = await openDatabase(options);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return { database, archive: new TimelineArchive(database, policy && (() => projectionContextOf(policy()))), insight: new Insight(database), close: () => database.close() };
}
