/**
 * One incident, from declaration to close, as a durable workflow (id `incident-<id>`).
 * The rules live in incident-state.ts; this shell receives commands, keeps search attributes current,
 * continues-as-new before the history grows too long, and closes once Reflect owes nothing.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  ParentClosePolicy,
  setHandler,
  startChild,
  getExternalWorkflowHandle,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type SearchAttributeUpdatePair } from '@temporalio/common';
import { parseDuration } from '../policy/duration';
import { actionItem } from './action-item';
import { actionItemClosedSignal, actionItemWorkflowId } from './action-item-contract';
import * as followThrough from './follow-through';
import { changesSince } from './patches';
import {
  canClose,
  declare,
  decide,
  markArchived,
  observeAlert,
  record,
  resumeState,
  unarchived,
  type Command,
  type IncidentPolicy,
  type IncidentState,
  type Refusal,
  severityPolicy,
  type EventBody,
} from './incident-state';
import { ALERT_BATCH_LIMIT, alertBatchSignal, alertSignal, changeSignal, commandUpdate, followUpSignal, policySignal, searchAttributes, stateQuery } from './incident-contract';
import type { IncidentInput } from './incident-contract';
import { storeTaskQueue } from './queues';
import type { TimelineArchiveActivities } from '../activities/timeline-archive';

const DEFAULT_HISTORY_LIMIT = 10_000;

/**
 * Events are archived in batches once this many wait, or once they hold this many bytes: few activities
 * for a quiet incident, a small state for a chatty one (see STATE_BUDGET_BYTES).
 */
const ARCHIVE_AFTER_EVENTS = 25;
const ARCHIVE_AFTER_BYTES = 48 * 1024;
const ARCHIVE_BATCH = 200;
/**
 * Since the projection (analytics, search, lists across incidents) reads the archive, events reach it
 * within this long of being recorded; a burst within it goes in one batch.
 */
const PROJECT_WITHIN_MS = 1_000;

const archiving = (taskQueue: string) =>
  proxyActivities<TimelineArchiveActivities>({
    taskQueue: storeTaskQueue(taskQueue),
    startToCloseTimeout: '30 seconds',
    // The store may be down for a while (a PostgreSQL restart): keep trying; nothing is lost meanwhile.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1 minute' },
  });

/** The refusal's kind travels as the failure type so the API can answer 404, 409 or 400. */
function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ message: refusal.reason, type: `Refused:${refusal.kind}`, details: [refusal.field ?? null], nonRetryable: true });
}

function searchAttributesOf(state: IncidentState, withResponder: boolean): SearchAttributeUpdatePair[] {
  const responder = followThrough.currentResponder(state) ?? state.landmarks.lastPaged;
  return [
    ...(withResponder ? [{ key: searchAttributes.responder, value: responder ?? null }] : []),
    { key: searchAttributes.severity, value: state.severity },
    { key: searchAttributes.team, value: state.team ?? null },
    { key: searchAttributes.service, value: state.service ?? null },
    { key: searchAttributes.phase, value: state.phase },
    { key: searchAttributes.status, value: state.status },
  ] as SearchAttributeUpdatePair[];
}

const now = () => new Date().toISOString();

/**
 * Each open action item gets its own follow-through workflow, which outlives this run's history; it is
 * told when the item is completed or waived. Items started by an earlier run are found already running.
 */
async function trackActionItems(state: () => IncidentState, told: Set<string>): Promise<void> {
  const started = new Set<string>();
  for (;;) {
    await condition(() => state().actionItems.some((item) => (item.state === 'open' && !started.has(item.id)) || (item.state !== 'open' && !told.has(item.id))));
    for (const item of state().actionItems) {
      const workflowId = actionItemWorkflowId(state().id, item.id);
      if (item.state === 'open' && !started.has(item.id) && item.dueAt) {
        started.add(item.id);
        const escalateAfter = severityPolicy(state().policy, state().severity)?.actionItemEscalateAfter;
        await startChild(actionItem, {
          workflowId,
          args: [{ incidentId: state().id, itemId: item.id, title: item.title, owner: item.owner, dueAt: item.dueAt, escalateAfter }],
          parentClosePolicy: ParentClosePolicy.ABANDON,
        }).catch((error) => {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        });
      } else if (item.state === 'open' && !item.dueAt) {
        started.add(item.id);
      } else if (item.state !== 'open' && !told.has(item.id)) {
        started.add(item.id);
        // A child that already ended (or never started) has nothing left to stop.
        await getExternalWorkflowHandle(workflowId)
          .signal(actionItemClosedSignal)
          .catch(() => undefined);
        told.add(item.id);
      }
    }
  }
}

export async function incident(input: IncidentInput): Promise<IncidentState> {
  // Incidents started since 'incidents-2026-12' take every change below with that one marker (see patches.ts).
  const takes = changesSince('incidents-2026-12');
  // A state carried from an older run may predate fields added since; give them their empty values.
  let state = input.carried ? resumeState(input.carried) : declare(input.declaration, input.policy, now());
  // Inputs from before alerts came with the start carry none: nothing to replay differently.
  if (!input.carried) for (const alert of input.alerts?.slice(0, ALERT_BATCH_LIMIT) ?? []) state = observeAlert(state, alert, now(), { repeatsAsCounts: true });
  let indexed = '';
  // Incidents started before paging existed replay without it; everything newer pages, reminds and chases.
  const followsThrough = !input.withoutFollowThrough && takes('follow-through-v1');
  // Incidents from before the state was bounded keep their whole timeline in the workflow, as they did.
  const archives = takes('bounded-state-v1');

  /** Keep Temporal visibility in step with the state, writing only when an indexed field changed. */
  const keyOf = (pairs: { value: unknown }[]) => JSON.stringify(pairs.map((pair) => pair.value));
  const index = () => {
    const pairs = searchAttributesOf(state, followsThrough);
    const key = keyOf(pairs);
    if (key !== indexed) {
      upsertSearchAttributes(pairs);
      indexed = key;
    }
  };
  // A declaration starts the run with its search attributes (incidentStartOptions): where they are the ones
  // the state indexes, writing them again would cost an event and a visibility write. Older runs wrote them.
  if (!input.carried && takes('start-attributes-v1')) {
    const started = workflowInfo().typedSearchAttributes;
    indexed = keyOf(searchAttributesOf(state, followsThrough).map(({ key }) => ({ value: started.get(key) ?? null })));
  }
  index();

  setHandler(stateQuery, () => state);

  let deliveries = 0;
  /**
   * Events go to the archive at once when nothing under way is about to add to them: a page or reminder
   * delivered, a person's command applied. Waiting out PROJECT_WITHIN_MS would cost a timer and a workflow
   * task each time; alerts, which come in bursts, still wait it out to go together. Histories from before
   * replay the wait.
   */
  let workSettled = false;
  let projects = false;
  const settle = () => {
    if (deliveries === 0 && projects && state.lastSeq > state.archivedThrough && takes('archive-when-settled-v1')) workSettled = true;
  };
  // Closed action items whose own workflows have been told; the incident closes only after that.
  const toldClosed = new Set<string>();
  const ctx: followThrough.FollowThrough = {
    state: () => state,
    takes,
    firstStep: input.carried ? undefined : input.firstStep,
    record: (events: EventBody[], by = 'marshal') => {
      const before = state.lastSeq;
      state = record(state, events, now(), by);
      index();
      return state.timeline.filter((event) => event.seq > before && event.type !== 'phase-changed');
    },
    busy: (delta: number) => {
      deliveries += delta;
      settle();
    },
  };

  setHandler(
    commandUpdate,
    (command: Command) => {
      if (followsThrough && command.type === 'add-action-item' && !command.dueAt) {
        // No due date given: the severity's default due period from now.
        const period = severityPolicy(state.policy, state.severity)?.actionItemDuePeriod;
        if (period) command = { ...command, dueAt: new Date(Date.now() + parseDuration(period)).toISOString() };
      }
      // Roles mean something: the person assigned is told, and an incoming commander must accept. Histories
      // recorded before then assigned silently, and replay so.
      if (command.type === 'assign-role' && followsThrough && takes('role-notices-v1')) command = { ...command, announce: true };
      const decision = decide(state, command);
      // The validator already refused anything the lifecycle forbids; this guards the race where two
      // accepted updates are applied in one activation.
      if (!decision.ok) throw refusalFailure(decision.refusal);
      const title = state.title;
      const before = state.lastSeq;
      state = record(state, decision.events, now(), command.by);
      index();
      for (const event of state.timeline) {
        if (event.seq > before && event.type === 'role-assigned' && event.announced) void followThrough.announceRole(ctx, event);
      }
      // The list reads the title from the memo (it survives continue-as-new there): keep it current. Only an
      // edit changes a title, and edits are newer than every recorded history, so no patch is needed.
      if (state.title !== title) upsertMemo({ title: state.title });
      settle();
      return { seq: state.lastSeq };
    },
    {
      validator: (command: Command) => {
        if (command.type === 'add-action-item' && command.dueAt && Date.parse(command.dueAt) <= Date.now()) {
          throw refusalFailure({ kind: 'invalid', reason: `"dueAt" ${command.dueAt} is in the past`, field: 'dueAt' });
        }
        if (command.type === 'edit-details' && command.impactStartedAt && Date.parse(command.impactStartedAt) > Date.now()) {
          throw refusalFailure({ kind: 'invalid', reason: `"impactStartedAt" ${command.impactStartedAt} is in the future; impact can only have started already`, field: 'impactStartedAt' });
        }
        const decision = decide(state, command);
        if (!decision.ok) throw refusalFailure(decision.refusal);
      },
    },
  );

  setHandler(alertSignal, (alert) => {
    state = observeAlert(state, alert, now(), { repeatsAsCounts: archives });
    index();
  });
  setHandler(alertBatchSignal, (alerts) => {
    for (const alert of alerts.slice(0, ALERT_BATCH_LIMIT)) state = observeAlert(state, alert, now(), { repeatsAsCounts: true });
    index();
  });

  // Recording an event commands nothing by itself (archiving follows from the event count as for any event),
  // and histories from before this signal never carry it: no patch needed.
  setHandler(changeSignal, (change) => {
    if (state.closedAt) return;
    state = record(state, [{ type: 'change', ...change }], now(), change.integration);
  });

  setHandler(policySignal, (policy: IncidentPolicy) => {
    if (policy.version === state.policy.version || state.closedAt) return;
    state = { ...record(state, [{ type: 'policy-applied', from: state.policy.version, to: policy.version }], now(), 'marshal'), policy };
  });

  if (followsThrough) {
    setHandler(followUpSignal, ({ to, ...message }) => {
      const send = () => (to === 'lead' ? followThrough.notifyLead(ctx, message) : followThrough.notify(ctx, to, 'reminder', message));
      void followThrough.keepRunning(ctx, 'followUp', send);
    });
    for (const loop of [
      followThrough.escalate,
      followThrough.remindStatusUpdates,
      followThrough.remindWhenIdle,
      followThrough.watchCommanderFatigue,
      followThrough.handOffAtShiftEnd,
      followThrough.chasePostmortem,
      followThrough.remindHandoffAcceptance,
    ]) {
      void followThrough.keepRunning(ctx, loop.name, () => loop(ctx));
    }
    void followThrough.keepRunning(ctx, 'trackActionItems', () => trackActionItems(() => state, toldClosed));
  }

  const archive = archiving(workflowInfo().taskQueue);
  /**
   * Write every event not yet archived, in batches, and keep only a glance of them. One flush at a time:
   * a caller that comes while one runs shares it (it keeps going until nothing is left).
   */
  let flushing: Promise<void> | undefined;
  const flush = (): Promise<void> =>
    (flushing ??= (async () => {
      while (unarchived(state).length > 0) {
        const batch = unarchived(state).slice(0, ARCHIVE_BATCH);
        await archive.archiveTimeline({ incidentId: state.id, events: batch });
        state = markArchived(state, batch[batch.length - 1].seq);
      }
    })().finally(() => (flushing = undefined)));
  if (archives) {
    projects = takes('projection-v1');
    const pending = () => state.lastSeq > state.archivedThrough;
    const batchFull = () => state.lastSeq - state.archivedThrough >= ARCHIVE_AFTER_EVENTS || (pending() && state.pendingBytes >= ARCHIVE_AFTER_BYTES);
    void (async () => {
      for (;;) {
        if (projects) {
          await condition(pending);
          await condition(() => batchFull() || workSettled, PROJECT_WITHIN_MS);
          workSettled = false;
        } else {
          await condition(batchFull);
        }
        await flush();
      }
    })();
  }

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyLimit;

  const childrenTold = () => !followsThrough || state.actionItems.every((item) => item.state === 'open' || !item.dueAt || toldClosed.has(item.id));
  const mayClose = () => canClose(state) && childrenTold();
  await condition(() => mayClose() || historyFull());
  // Let any update that is mid-flight finish before the run ends, so no caller loses an answer, and
  // let follow-through work under way (a delivery, an escalation step) record its outcome.
  await condition(() => allHandlersFinished() && deliveries === 0);

  if (!mayClose()) {
    // The next run starts from this state: archive first, so it carries only what decisions need.
    if (archives) await flush();
    await continueAsNew<typeof incident>({ ...input, firstStep: undefined, carried: state, withoutFollowThrough: !followsThrough });
  }

  state = record(state, [{ type: 'closed' }], now(), 'marshal');
  index();
  // The archive gets the whole timeline, the closing included, before the workflow ends.
  if (archives) await flush();
  return state;
}
