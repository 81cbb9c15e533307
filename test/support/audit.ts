/** Reading what the audit trail and an answer say, for the access tests. */
import { expect, vi } from 'vitest';
import type { AuditEntry, AuditTrail } from '../../store/access';

/** The audit entries `filter` picks, once at least one is there (the trail is written after the answer). */
export function auditEntries(audit: AuditTrail, filter: (entry: AuditEntry) => boolean): Promise<AuditEntry[]> {
  return vi.waitFor(
    async () => {
      const found = (await audit.list({ limit: 500 })).filter(filter);
      if (found.length === 0) throw new Error('not in the audit trail yet');
      return found;
    },
    { timeout: 5_000, interval: 100 },
  );
}

/** An answer a person sees never carries a stack trace. */
export const noTrace = (text: string) => expect(text).not.toMatch(/at \w+ \(|node_modules|Error:/);
