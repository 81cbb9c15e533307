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
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  canClose,
  declare,
  decide,
  initialState,
  observeAlert,
  record,
  type Command,
  type Declaration,
  type IncidentPolicy,
  type IncidentState,
  type Refusal,
} from './incident-state';
import { alertSignal, commandUpdate, policySignal, searchAttributes, stateQuery } from './messages';

export interface IncidentInput {
  declaration: Declaration;
  policy: IncidentPolicy;
  /** Set only when a run continues as new: the state the previous run ended with. */
  carried?: IncidentState;
  /**
   * Continue as new after this many history events even if the server has not suggested it yet.
   * Tests lower it to exercise the hand-over; the default stays well below the server's limits.
   */
  historyLimit?: number;
}

const DEFAULT_HISTORY_LIMIT = 10_000;

/** The refusal's kind travels as the failure type so the API can answer 404, 409 or 400. */
function refusalFailure(refusal: Refusal): ApplicationFailure {
  return ApplicationFailure.create({ message: refusal.reason, type: `Refused:${refusal.kind}`, details: [refusal.field ?? null], nonRetryable: true });
}

function searchAttributesOf(state: IncidentState): SearchAttributeUpdatePair[] {
  return [
    { key: searchAttributes.severity, value: state.severity },
    { key: searchAttributes.team, value: state.team ?? null },
    { key: searchAttributes.service, value: state.service ?? null },
    { key: searchAttributes.phase, value: state.phase },
    { key: searchAttributes.status, value: state.status },
  ] as SearchAttributeUpdatePair[];
}

const now = () => new Date().toISOString();

export async function incident(input: IncidentInput): Promise<IncidentState> {
  // A state carried from an older run may predate fields added since; give them their empty values.
  let state = input.carried ? { ...initialState(input.carried.id, input.carried.policy), ...input.carried } : declare(input.declaration, input.policy, now());
  let indexed = '';

  /** Keep Temporal visibility in step with the state, writing only when an indexed field changed. */
  const index = () => {
    const pairs = searchAttributesOf(state);
    const key = JSON.stringify(pairs.map((pair) => pair.value));
    if (key !== indexed) {
      upsertSearchAttributes(pairs);
      indexed = key;
    }
  };
  index();

  setHandler(stateQuery, () => state);

  setHandler(
    commandUpdate,
    (command: Command) => {
      const decision = decide(state, command);
      // The validator already refused anything the lifecycle forbids; this guards the race where two
      // accepted updates are applied in one activation.
      if (!decision.ok) throw refusalFailure(decision.refusal);
      state = record(state, decision.events, now(), command.by);
      index();
      return state;
    },
    {
      validator: (command: Command) => {
        const decision = decide(state, command);
        if (!decision.ok) throw refusalFailure(decision.refusal);
      },
    },
  );

  setHandler(alertSignal, (alert) => {
    state = observeAlert(state, alert, now());
    index();
  });

  setHandler(policySignal, (policy: IncidentPolicy) => {
    if (policy.version === state.policy.version || state.closedAt) return;
    state = { ...record(state, [{ type: 'policy-applied', from: state.policy.version, to: policy.version }], now(), 'marshal'), policy };
  });

  const historyLimit = input.historyLimit ?? DEFAULT_HISTORY_LIMIT;
  const historyFull = () => workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= historyLimit;

  await condition(() => canClose(state) || historyFull());
  // Let any update that is mid-flight finish before the run ends, so no caller loses an answer.
  await condition(allHandlersFinished);

  if (!canClose(state)) {
    await continueAsNew<typeof incident>({ ...input, carried: state });
  }

  state = record(state, [{ type: 'closed' }], now(), 'marshal');
  index();
  return state;
}
