/**
 * Incidents as the server sees them: every read and write is a Temporal call. Temporal is the system of
 * record (workflow state for one incident, visibility for lists), so this module holds no state.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowExecutionInfo } from '@temporalio/client';
import { declare, type Command, type Declaration, type IncidentPolicy, type IncidentState, type IncidentStatus, type Phase, type TimelineEvent, type ChangeReport } from '../workflows/incident-state';
import { incidentView, type IncidentView } from '../workflows/incident-view';
import type { TimelineArchive } from '../store/timeline';
import type { incident as incidentWorkflow } from '../workflows/incident';
import {
  changeSignal,
  commandUpdate,
  incidentIdFromHex,
  incidentIdFromWorkflowId,
  incidentStartOptions,
  incidentWorkflowId,
  policySignal,
  searchAttributes,
  stateQuery,
  type FirstStep,
  type IncidentInput,
} from '../workflows/incident-contract';
import { TASK_QUEUE } from '../workflows/queues';
import type { Override, Policy } from '../policy/types';
import { escalationStepPlan, overflowCandidate } from '../policy/escalation-step';
import { openIncidentsHeldBy } from './responder-load';
import { commandReferenceRefusal } from '../usecases/command-references';
import { refusalOf, withEngine, type CallOptions } from './calls';
import { refused, RefusedError } from './errors';
import type { Admission } from './admission';
import { isConnectionFailure, storeCall } from '../store/errors';

export interface IncidentSummary {
  id: string;
  title: string;
  severity: string;
  team?: string;
  service?: string;
  phase: Phase;
  status: IncidentStatus;
  declaredAt: string;
  closedAt?: string;
}

export interface ListFilters {
  status?: 'open' | 'resolved' | 'closed' | 'all';
  team?: string;
  severity?: string;
  service?: string;
  phase?: Phase;
  limit?: number;
}

const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export function visibilityQuery(filters: ListFilters, taskQueue = TASK_QUEUE): string {
  // Deployments sharing a namespace are kept apart by task queue.
  // A run that continued as new is not an incident of its own: only the latest run of each counts.
  const clauses = [`WorkflowType = 'incident'`, `TaskQueue = ${quote(taskQueue)}`, `ExecutionStatus != 'ContinuedAsNew'`];
  const status = filters.status ?? 'open';
  // "open" means not closed: resolved incidents still owe their postmortem and action items.
  if (status === 'open') clauses.push(`${searchAttributes.status.name} != 'closed'`);
  else if (status !== 'all') clauses.push(`${searchAttributes.status.name} = ${quote(status)}`);
  if (filters.team) clauses.push(`${searchAttributes.team.name} = ${quote(filters.team)}`);
  if (filters.severity) clauses.push(`${searchAttributes.severity.name} = ${quote(filters.severity)}`);
  if (filters.service) clauses.push(`${searchAttributes.service.name} = ${quote(filters.service)}`);
  if (filters.phase) clauses.push(`${searchAttributes.phase.name} = ${quote(filters.phase)}`);
  return clauses.join(' AND ');
}

/** Short ids people can read out on a call. With an Idempotency-Key the id is derived from it, so a retry finds the same incident. */
export function newIncidentId(idempotencyKey?: string): string {
  const bytes = idempotencyKey ? createHash('sha256').update(idempotencyKey).digest() : randomBytes(8);
  return incidentIdFromHex(bytes.subarray(0, 8).toString('hex'));
}

function summaryOf(info: WorkflowExecutionInfo): IncidentSummary {
  const attributes = info.typedSearchAttributes;
  return {
    id: incidentIdFromWorkflowId(info.workflowId),
    title: String(info.memo?.title ?? ''),
    severity: attributes.get(searchAttributes.severity) ?? '',
    team: attributes.get(searchAttributes.team) ?? undefined,
    service: attributes.get(searchAttributes.service) ?? undefined,
    phase: (attributes.get(searchAttributes.phase) ?? 'discover') as Phase,
    status: (attributes.get(searchAttributes.status) ?? 'open') as IncidentStatus,
    // A run that continued as new starts later than the incident: the memo keeps the declaration time.
    declaredAt: typeof info.memo?.declaredAt === 'string' ? info.memo.declaredAt : info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString(),
  };
}

/** How long a declaration waits for its first escalation step to be planned before leaving it to the workflow. */
const PLAN_FIRST_STEP_WITHIN_MS = 1_000;

export class Incidents {
  constructor(
    private readonly client: Client,
    private readonly options: {
      historyLimit?: number;
      taskQueue?: string;
      policy?: () => Policy;
      /** With the policy, lets a declaration's first escalation step be planned here (see firstStep). */
      overrides?: { active(team: string): Promise<Override[]> };
      archive?: TimelineArchive;
      admission?: Admission;
      /**
       * A client on this process's own worker connection, where a worker runs here: incidents started through
       * it are started eagerly (the server hands the first workflow task straight back to this worker instead
       * of queueing it for a poll), which takes a round trip off the way to the first page.
       */
      eagerStarter?: () => Client | undefined;
    } = {},
  ) {}

  private call<T>(fn: () => Promise<T>): Promise<T> {
    return withEngine(this.client, fn);
  }

  /** Writes go through admission control: over capacity, the caller hears so at once (EngineOverloadedError). */
  private admitted<T>(fn: () => Promise<T>): Promise<T> {
    return this.options.admission ? this.options.admission.run(() => this.call(fn)) : this.call(fn);
  }

  /**
   * The state joined with what the archive holds of its timeline. With the store unreachable, the state
   * alone (it keeps a glance of archived events): a command the workflow took must not answer 500 because
   * the store is restarting, or the caller retries what was already done.
   */
  private async view(id: string, state: IncidentState): Promise<IncidentView> {
    if (!this.options.archive || state.archivedThrough === 0) return incidentView(state, []);
    try {
      return incidentView(state, await this.options.archive.read(id, { throughSeq: state.archivedThrough }));
    } catch (error) {
      if (!isConnectionFailure(error)) throw error;
      return incidentView(state, []);
    }
  }

  /** Events after `afterSeq`, oldest first, at most `limit`: the archive's, then those not archived yet. */
  async timeline(id: string, afterSeq: number, limit: number): Promise<{ events: TimelineEvent[]; total: number }> {
    const state = await this.state(id);
    // The whole timeline needs the archive: without the store, 503 (retry shortly), not a partial answer.
    const archived = this.options.archive ? await storeCall(() => this.options.archive!.read(id, { afterSeq, throughSeq: state.archivedThrough, limit })) : [];
    const recent = state.timeline.filter((event) => event.seq > afterSeq && event.seq > state.archivedThrough);
    return { events: [...archived, ...recent].slice(0, limit), total: state.lastSeq };
  }

  /**
   * The declaration's first escalation step, planned as the paging activity would plan it, so the incident's
   * first page is its first activity. Best effort: if it cannot be planned now, the workflow plans it.
   */
  private async firstStep(declaration: Declaration, declaredAt: string): Promise<FirstStep | undefined> {
    const policy = this.options.policy?.();
    const { team, severity } = declaration;
    if (!policy || !this.options.overrides || !team || !policy.teams[team]) return undefined;
    const planning = (async () => {
      try {
        const taskQueue = this.options.taskQueue ?? TASK_QUEUE;
        const heldBy = (personId: string) => this.call(() => openIncidentsHeldBy(this.client, taskQueue, personId, declaration.id));
        const request = { team, severity, startedAt: declaredAt, step: 0 };
        // The overflow count is nearly always about the primary the schedule names: counted while the overrides
        // are read rather than after them, and used unless an override put someone else first.
        const scheduled = overflowCandidate(policy, request, []);
        const early = scheduled ? { personId: scheduled, count: heldBy(scheduled) } : undefined;
        early?.count.catch(() => undefined);
        const overrides = await this.options.overrides!.active(team);
        const plan = await escalationStepPlan(policy, request, overrides, (personId) => (personId === early?.personId ? early.count : heldBy(personId)));
        return { team, severity, plan };
      } catch {
        return undefined;
      }
    })();
    // Planning here only saves the workflow a round trip: an engine slow to answer must not delay the declaration.
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => (timer = setTimeout(resolve, PLAN_FIRST_STEP_WITHIN_MS, undefined)));
    try {
      return await Promise.race([planning, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Declare an incident. `created` is false when an Idempotency-Key matched an earlier declaration. */
  async declare(declaration: Omit<Declaration, 'id'>, policy: IncidentPolicy, idempotencyKey?: string): Promise<{ created: boolean; incident: IncidentView }> {
    const id = newIncidentId(idempotencyKey);
    return this.admitted(async () => {
      const declaredAt = new Date().toISOString();
      const firstStep = await this.firstStep({ id, ...declaration }, declaredAt);
      const input: IncidentInput = { declaration: { id, ...declaration }, policy, historyLimit: this.options.historyLimit, ...(firstStep ? { firstStep } : {}) };
      try {
        const eager = this.options.eagerStarter?.();
        await (eager ?? this.client).workflow.start<typeof incidentWorkflow>('incident', {
          workflowId: incidentWorkflowId(id),
          requestEagerStart: Boolean(eager),
          taskQueue: this.options.taskQueue ?? TASK_QUEUE,
          args: [input],
          ...incidentStartOptions(declaration, declaredAt),
          // An id is used once, even after the incident closed: a repeated key must find that incident.
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
        });
        // Started means declared, and a new incident's state is its declaration (the same pure fold the
        // workflow starts from): answer with it rather than query the workflow back, which would wait for its
        // first task and cost the worker a query per declaration. Readers see the rest with GET.
        return { created: true, incident: incidentView(declare({ id, ...declaration }, policy, declaredAt), []) };
      } catch (error) {
        if (error instanceof WorkflowExecutionAlreadyStartedError && idempotencyKey) return { created: false, incident: await this.get(id) };
        throw error;
      }
    });
  }

  async get(id: string): Promise<IncidentView> {
    return this.view(id, await this.state(id));
  }

  private async state(id: string): Promise<IncidentState> {
    return this.call(async () => {
      try {
        return await this.client.workflow.getHandle(incidentWorkflowId(id)).query(stateQuery);
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw refused('not-found', `no incident ${id}`);
        throw error;
      }
    });
  }

  async list(filters: ListFilters): Promise<IncidentSummary[]> {
    const limit = filters.limit ?? 100;
    return this.call(async () => {
      const incidents: IncidentSummary[] = [];
      for await (const info of this.client.workflow.list({ query: visibilityQuery(filters, this.options.taskQueue), pageSize: Math.min(limit, 1000) })) {
        incidents.push(summaryOf(info));
        if (incidents.length >= limit) break;
      }
      return incidents;
    });
  }

  /** Send a command; the workflow's validator refuses what the lifecycle forbids before anything is recorded. */
  async command(id: string, command: Command): Promise<IncidentView> {
    const unknown = this.options.policy && commandReferenceRefusal(command, this.options.policy());
    if (unknown) throw new RefusedError(unknown);
    return this.admitted(async () => {
      const handle = this.client.workflow.getHandle(incidentWorkflowId(id));
      try {
        await handle.executeUpdate(commandUpdate, { args: [command] });
        return await this.view(id, await handle.query(stateQuery));
      } catch (error) {
        const refusal = refusalOf(error);
        if (refusal) throw refusal;
        if (error instanceof WorkflowNotFoundError) {
          // The workflow exists but has completed: the incident is closed. Otherwise it never existed.
          const closed = await handle.describe().then(
            () => true,
            (failure) => (failure instanceof WorkflowNotFoundError ? false : Promise.reject(failure)),
          );
          if (closed) throw refused('conflict', `incident ${id} is closed`);
          throw refused('not-found', `no incident ${id}`);
        }
        throw error;
      }
    });
  }

  /**
   * Record a change (deploy, config push) on every open incident of `service`, at most `limit` of them (one
   * answer within the call deadline: a service with more open incidents than that has bigger news). An
   * incident that closed between listing and signalling is skipped.
   */
  async recordChange(service: string, change: Omit<ChangeReport, 'service'>, options: CallOptions = {}, limit = 100): Promise<string[]> {
    return withEngine(
      this.client,
      async () => {
        const signalled: string[] = [];
        for await (const info of this.client.workflow.list({ query: visibilityQuery({ status: 'open', service }, this.options.taskQueue), pageSize: limit })) {
          try {
            await this.client.workflow.getHandle(info.workflowId).signal(changeSignal, { ...change, service });
            signalled.push(incidentIdFromWorkflowId(info.workflowId));
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
          }
          if (signalled.length >= limit) break;
        }
        return signalled;
      },
      options,
    );
  }

  /** Hand a newly applied policy version to every open incident; each records it on its timeline. */
  async applyPolicy(policy: IncidentPolicy): Promise<{ signalled: number; missed: string[] }> {
    let signalled = 0;
    const missed: string[] = [];
    for (const incident of await this.list({ status: 'open', limit: 10_000 })) {
      // One incident that closed in the meantime must not stop the others from hearing of the change.
      try {
        await this.call(() => this.client.workflow.getHandle(incidentWorkflowId(incident.id)).signal(policySignal, policy));
        signalled += 1;
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) missed.push(incident.id);
      }
    }
    return { signalled, missed };
  }
}
