/** The cross-incident store, opened and migrated: the timeline archive and the projection analytics read (see ../shared/ARCHITECTURE.md). */
import { openDatabase, type Database, type DatabaseOptions } from './database';
import { migrate } from './migrate';
import { TimelineArchive } from './timeline';
import { Insight } from './insight';
import { AuditTrail, Tokens } from './access';
import { ConsoleSessions } from './console-sessions';
import { SignInLinks } from './sign-in-links';
import { CliLogins } from './cli-logins';
import { UsedActionLinks } from './action-links';
import { Inbox } from './inbox';
import { rebuildProjection, type RebuildReport } from './rebuild';
import type { TimelineEvent } from '../workflows/incident-state';
import { projectionContextOf, type Observation } from './projection';
import type { Policy } from '../policy/types';

export interface Store {
  database: Database;
  archive: TimelineArchive;
  insight: Insight;
  tokens: Tokens;
  audit: AuditTrail;
  sessions: ConsoleSessions;
  signInLinks: SignInLinks;
  cliLogins: CliLogins;
  /** Action links already used (single use across restarts and processes). */
  usedLinks: UsedActionLinks;
  /** Each person's console inbox (My pages). */
  inbox: Inbox;
  /** Fill the archive from `timelines` (what Temporal holds) and fold the projection again from it. */
  rebuild(timelines: AsyncIterable<{ incidentId: string; events: TimelineEvent[] }>, stop?: AbortSignal): Promise<RebuildReport>;
  /** Whether the archive holds nothing at all (a new or deleted store). */
  isEmpty(): Promise<boolean>;
  close(): Promise<void>;
}

/** With `policy`, archived events are also folded into the projection (it supplies time zones and severity order). */
export async function openStore(options: DatabaseOptions, policy?: () => Policy, observe?: (observations: Observation[]) => void): Promise<Store> {
  const database = await openDatabase(options);
  try {
    await migrate(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const context = () => {
    if (!policy) throw new Error('the projection needs the policy (time zones, severity order): open the store with it');
    return projectionContextOf(policy());
  };
  const archive = new TimelineArchive(database, policy && context, observe);
  const audit = new AuditTrail(database);
  return {
    database,
    archive,
    insight: new Insight(database),
    tokens: new Tokens(database),
    audit,
    sessions: new ConsoleSessions(database),
    signInLinks: new SignInLinks(database),
    cliLogins: new CliLogins(database),
    usedLinks: new UsedActionLinks(database),
    inbox: new Inbox(database),
    rebuild: (timelines, stop) => rebuildProjection(database, archive, timelines, context, stop),
    isEmpty: async () => (await database.query('SELECT 1 FROM timeline_events LIMIT 1')).length === 0,
    close: async () => {
      // Entries waiting to be written go in first: a clean stop loses none.
      await audit.flush();
      await database.close();
    },
  };
}
