import { condition } from '@temporalio/workflow';
import type { EscalationStepPlan } from '../../policy/escalation-step';
import type { Landmarks, NotificationKind } from '../incident-state';
import { activities, atomically, notify, open, planEscalationStep, type FollowThrough } from './context';
import { untilChange } from './waiting';
import { wording } from './wording';

/** Page by the team's escalation policy until someone acknowledges; restart when the team or severity changes. */
export async function escalate(ctx: FollowThrough): Promise<void> {
  const needsPaging = () => {
    const state = ctx.state();
    return open(state) && state.responderNeeded && !state.acknowledgedAt;
  };
  const escalation = () => ctx.state().landmarks.escalation;
  if (!escalation() && ctx.state().team) {
    ctx.record([{ type: 'escalation-started', team: ctx.state().team!, severity: ctx.state().severity, reason: 'declared' }]);
  }
  // Used at most once, for the escalation the declaration started, and only if it still pages that team at that severity.
  let planned = ctx.firstStep;
  const firstStepFor = (run: NonNullable<Landmarks['escalation']>, step: number) => {
    const plan = step === 0 && run.reason === 'declared' && planned?.team === run.team && planned.severity === run.severity ? planned.plan : undefined;
    planned = undefined;
    return plan;
  };
  for (;;) {
    if (!open(ctx.state())) return;
    const run = escalation();
    const restarted = () => escalation()?.seq !== run?.seq;
    if (!run || !run.team) {
      await untilChange(() => !open(ctx.state()) || restarted());
      continue;
    }
    if (!needsPaging()) {
      // Reassigned after someone acknowledged: the new team hears of it once, without the whole chain.
      if (run.reason === 'reassigned' && ctx.state().acknowledgedAt && !run.rerouted) {
        await atomically(ctx, async () => {
          const plan = await planEscalationStep(ctx, { team: run.team, severity: run.severity, startedAt: run.at, step: 0, incidentId: ctx.state().id });
          for (const person of plan.targets) await notify(ctx, person, 'reroute', wording.rerouted(run.team));
        });
      }
      await untilChange(() => !open(ctx.state()) || restarted() || needsPaging());
      continue;
    }
    const step = run.steps;
    const plan = firstStepFor(run, step) ?? (await planEscalationStep(ctx, { team: run.team, severity: run.severity, startedAt: run.at, step, incidentId: ctx.state().id }));
    const wait = Date.parse(run.at) + plan.dueAtMs - Date.now();
    if (wait > 0) await condition(() => !needsPaging() || restarted(), wait);
    // Acknowledged, resolved or restarted while planning or waiting: this step is no longer wanted.
    if (!needsPaging() || restarted()) continue;
    if (plan.exhausted) {
      if (!escalation()!.exhausted) {
        await atomically(ctx, async () => {
          ctx.record([{ type: 'escalation-exhausted', lead: plan.lead }]);
          if (plan.lead) await notify(ctx, plan.lead, 'lead', wording.exhausted(run.team));
        });
      }
      await untilChange(() => !needsPaging() || restarted());
      continue;
    }
    await atomically(ctx, () => pageStep(ctx, run, step, plan, () => needsPaging() && !restarted()));
  }
}

/** One escalation step: record it, then page each target and apply the rest rule to them. */
async function pageStep(ctx: FollowThrough, run: NonNullable<Landmarks['escalation']>, step: number, plan: EscalationStepPlan, stillWanted: () => boolean): Promise<void> {
  ctx.record([{ type: 'escalation-step', step, level: plan.level, round: plan.round, targets: plan.targets, unresolved: plan.unresolved, overflow: plan.overflow }]);
  const kind: NotificationKind = plan.overflow ? 'overflow' : step === 0 ? 'page' : 'escalation';
  for (const person of plan.targets) {
    if (!stillWanted()) return;
    await notify(ctx, person, kind, wording.page(ctx.state(), plan), { step });
    // A plan that says the rest rule cannot follow this page saves asking (plans recorded before the field ask).
    if (plan.restRuleMayApply === false) continue;
    const rest = await activities.applyRestRule({ team: run.team, personId: person, severity: ctx.state().severity, at: new Date().toISOString() });
    if (rest) {
      ctx.record([{ type: 'rest-taken', person, cover: rest.cover, until: rest.until }]);
      await notify(ctx, person, 'info', wording.restTaken(rest.until, rest.cover));
      await notify(ctx, rest.cover, 'info', wording.covering(person, rest.until));
    }
  }
}
