/**
 * A team's on-call overrides and swaps: the one part of on-call that changes outside git. One long-lived
 * workflow per team (id `oncall-overrides-<team>`) holds them durably, keeps an audit trail of who added
 * or removed what, and ends each override with a timer when its window closes.
 */
import { allHandlersFinished, ApplicationFailure, condition, continueAsNew, setHandler, workflowInfo } from '@temporalio/workflow';
import { addOverrideUpdate, overridesQuery, removeOverrideUpdate, type OverrideRecord, type OverridesInput } from './oncall-overrides-contract';

/** Ended and removed overrides stay visible for this long, for the audit trail. */
const AUDIT_KEPT_MS = 90 * 24 * 3600 * 1000;
const HISTORY_LIMIT = 5_000;

const invalid = (message: string) => ApplicationFailure.create({ message, type: 'Refused:invalid', nonRetryable: true });

export async function oncallOverrides(input: OverridesInput): Promise<void> {
  let records = input.carried?.records ?? [];
  let nextId = input.carried?.nextId ?? 1;
  let changed = false;
  const now = () => Date.now();

  setHandler(overridesQuery, () => records);

  setHandler(
    addOverrideUpdate,
    (request) => {
      const record: OverrideRecord = {
        id: `ovr-${nextId}`,
        team: input.team,
        person: request.person,
        replaces: request.replaces,
        rotation: request.rotation,
        from: new Date(request.from).toISOString(),
        to: new Date(request.to).toISOString(),
        reason: request.reason,
        state: 'active',
        createdAt: new Date(now()).toISOString(),
        createdBy: request.by,
      };
      nextId += 1;
      records = [...records, record];
      changed = true;
      return record;
    },
    {
      validator: (request) => {
        const from = Date.parse(request.from);
        const to = Date.parse(request.to);
        if (!(to > from)) throw invalid('"to" must be after "from"');
        if (to <= now()) throw invalid('"to" is in the past: the override would never apply');
        if (request.replaces === request.person) throw invalid('a person cannot cover for themselves');
      },
    },
  );

  setHandler(
    removeOverrideUpdate,
    ({ id, by }) => {
      const at = new Date(now()).toISOString();
      records = records.map((record) => (record.id === id ? { ...record, state: 'removed' as const, endedAt: at, removedBy: by } : record));
      changed = true;
      return records.find((record) => record.id === id)!;
    },
    {
      validator: ({ id }) => {
        const record = records.find((candidate) => candidate.id === id);
        if (!record) throw ApplicationFailure.create({ message: `no override ${id} for team ${input.team}`, type: 'Refused:not-found', nonRetryable: true });
        if (record.state !== 'active') throw ApplicationFailure.create({ message: `override ${id} has already ${record.state}`, type: 'Refused:conflict', nonRetryable: true });
      },
    },
  );

  for (;;) {
    const active = records.filter((record) => record.state === 'active');
    const nextEnd = Math.min(...active.map((record) => Date.parse(record.to)));
    // Sleep until the next override ends or something changes; no timer at all while none is active.
    await condition(() => changed, Number.isFinite(nextEnd) ? Math.max(nextEnd - now(), 1) : undefined);
    changed = false;
    const at = now();
    records = records
      .map((record) => (record.state === 'active' && Date.parse(record.to) <= at ? { ...record, state: 'ended' as const, endedAt: new Date(at).toISOString() } : record))
      .filter((record) => record.state === 'active' || at - Date.parse(record.endedAt ?? record.to) < AUDIT_KEPT_MS);
    if (workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > HISTORY_LIMIT) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof oncallOverrides>({ team: input.team, carried: { records, nextId } });
    }
  }
}
