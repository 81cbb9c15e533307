/** The lifecycle rules as a pure fold: no Temporal, just events in and state out. */
import { describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import {
  canClose,
  declare,
  decide,
  KEPT,
  markArchived,
  observeAlert,
  outstandingDuties,
  record,
  replayTimeline,
  resumeState,
  STATE_BUDGET_BYTES,
  unarchived,
  type TimelineEvent,
  type Command,
  type IncidentPolicy,
  type IncidentState,
} from '../../workflows/incident-state';
import { incidentView } from '../../workflows/incident-view';
import { repoRoot } from '../support/stack';
import { join } from 'node:path';

const loaded = loadPolicyDir(join(repoRoot, 'config'));
if (!loaded.ok) throw new Error('the shipped policy must load');
const policy: IncidentPolicy = { version: 'v1', severities: loaded.policy.severities };

let clock = Date.parse('2026-11-21T10:00:00Z');
const tick = () => new Date((clock += 60_000)).toISOString();

function run(state: IncidentState, command: Command): IncidentState {
  const decision = decide(state, command);
  if (!decision.ok) throw new Error(`refused: ${decision.refusal.reason}`);
  return record(state, decision.events, tick(), command.by);
}

function refusal(state: IncidentState, command: Command) {
  const decision = decide(state, command);
  if (decision.ok) throw new Error('expected a refusal');
  return decision.refusal;
}

const fresh = (severity = 'SEV2') => declare({ id: 'abc', title: 'Checkout down', severity, team: 'payments', reporter: 'dana' }, policy, tick());

describe('incident state', () => {
  it('starts in Discover with the declaration as its first event', () => {
    const state = fresh();
    expect(state).toMatchObject({ phase: 'discover', status: 'open', severity: 'SEV2', policyVersion: 'v1', responderNeeded: true });
    expect(state.timeline).toHaveLength(1);
    expect(state.timeline[0]).toMatchObject({ seq: 1, type: 'declared', by: 'dana', title: 'Checkout down' });
  });

  it('moves through the phases in order, each move an event of its own', () => {
    let state = run(fresh(), { type: 'acknowledge', by: 'alice' });
    expect(state.phase).toBe('act');
    state = run(state, { type: 'post-status-update', by: 'alice', status: 'monitoring', message: 'fix deployed' });
    expect(state.phase).toBe('resolve');
    state = run(state, { type: 'resolve', by: 'alice', summary: 'rolled back' });
    expect(state).toMatchObject({ phase: 'reflect', status: 'resolved', resolution: 'rolled back' });
    const moves = state.timeline.flatMap((event) => (event.type === 'phase-changed' ? [`${event.from}>${event.to}`] : []));
    expect(moves).toEqual(['discover>act', 'act>resolve', 'resolve>reflect']);
    expect(state.timeline.map((event) => event.seq)).toEqual(state.timeline.map((_, index) => index + 1));
  });

  it('refuses what the lifecycle forbids, saying why', () => {
    const acked = run(fresh(), { type: 'acknowledge', by: 'alice' });
    expect(refusal(acked, { type: 'acknowledge', by: 'bob' })).toMatchObject({ kind: 'conflict', reason: expect.stringContaining('already acknowledged by alice') });
    const resolved = run(acked, { type: 'resolve', by: 'alice', summary: 'done' });
    expect(refusal(resolved, { type: 'resolve', by: 'bob', summary: 'again' }).kind).toBe('conflict');
    expect(refusal(fresh(), { type: 'publish-postmortem', by: 'x', markdown: '#' }).reason).toMatch(/resolve the incident before/);
    expect(refusal(fresh(), { type: 'change-severity', by: 'x', severity: 'SEV9', reason: 'r' })).toMatchObject({ kind: 'invalid', field: 'severity' });
    expect(refusal(fresh(), { type: 'change-severity', by: 'x', severity: 'SEV2', reason: 'r' }).kind).toBe('conflict');
    expect(refusal(fresh(), { type: 'complete-action-item', by: 'x', itemId: 'AI-7' }).kind).toBe('not-found');
    expect(refusal(fresh(), { type: 'reassign-team', by: 'x', team: 'payments', reason: 'r' }).kind).toBe('conflict');
  });

  it('records severity changes both ways with reasons, and the "no responder needed" triage outcome', () => {
    let state = run(fresh('SEV3'), { type: 'change-severity', by: 'alice', severity: 'SEV1', reason: 'all regions' });
    state = run(state, { type: 'change-severity', by: 'alice', severity: 'SEV4', reason: 'false alarm', responderNeeded: false });
    expect(state).toMatchObject({ severity: 'SEV4', responderNeeded: false });
    const changes = state.timeline.flatMap((event) => (event.type === 'severity-changed' ? [[event.from, event.to, event.reason]] : []));
    expect(changes).toEqual([
      ['SEV3', 'SEV1', 'all regions'],
      ['SEV1', 'SEV4', 'false alarm'],
    ]);
  });

  it('records a role reassignment as a handoff from the previous holder', () => {
    let state = run(fresh(), { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' });
    state = run(state, { type: 'assign-role', by: 'carol', role: 'commander', person: 'erin' });
    const last = state.timeline.at(-1)!;
    expect(last).toMatchObject({ type: 'role-assigned', role: 'commander', person: 'erin', previous: 'carol' });
    expect(state.roles.commander).toBe('erin');
    expect(refusal(state, { type: 'assign-role', by: 'x', role: 'commander', person: 'erin' }).kind).toBe('conflict');
  });

  it('closes only when resolved, with the required postmortem published and every action item done or waived', () => {
    let state = run(fresh('SEV1'), { type: 'add-action-item', by: 'alice', title: 'Add a canary', owner: 'bob' });
    state = run(state, { type: 'add-action-item', by: 'alice', title: 'Alert on error rate', owner: 'carol' });
    expect(canClose(state)).toBe(false);
    state = run(state, { type: 'resolve', by: 'alice', summary: 'fixed' });
    expect(outstandingDuties(state)).toEqual([
      'publish the postmortem (required for SEV1)',
      'complete or waive action item AI-1 "Add a canary"',
      'complete or waive action item AI-2 "Alert on error rate"',
    ]);
    state = run(state, { type: 'publish-postmortem', by: 'alice', markdown: '# PM' });
    state = run(state, { type: 'complete-action-item', by: 'bob', itemId: 'AI-1' });
    expect(canClose(state)).toBe(false);
    state = run(state, { type: 'waive-action-item', by: 'carol', itemId: 'AI-2', reason: 'covered by AI-1' });
    expect(state.actionItems.map((item) => item.state)).toEqual(['completed', 'waived']);
    expect(refusal(state, { type: 'complete-action-item', by: 'x', itemId: 'AI-2' }).reason).toMatch(/already waived/);
    expect(canClose(state)).toBe(true);
    state = record(state, [{ type: 'closed' }], tick(), 'marshal');
    expect(state).toMatchObject({ status: 'closed', phase: 'closed' });
    expect(refusal(state, { type: 'post-status-update', by: 'x', status: 'resolved', message: 'm' }).reason).toMatch(/closed/);
  });

  it('does not require a postmortem where the severity does not', () => {
    const state = run(fresh('SEV4'), { type: 'resolve', by: 'alice', summary: 'fixed' });
    expect(canClose(state)).toBe(true);
  });

  it('is a fold: replaying the timeline alone rebuilds the same state', () => {
    let state = fresh();
    const commands: Command[] = [
      { type: 'acknowledge', by: 'alice' },
      { type: 'post-status-update', by: 'alice', status: 'investigating', message: 'on it', public: true },
      { type: 'change-severity', by: 'alice', severity: 'SEV1', reason: 'worse' },
      { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' },
      { type: 'reassign-team', by: 'carol', team: 'platform', reason: 'load balancer' },
      { type: 'add-action-item', by: 'carol', title: 'x', owner: 'bob', dueAt: '2026-12-01T00:00:00Z' },
      { type: 'resolve', by: 'carol', summary: 'fixed' },
    ];
    for (const command of commands) state = run(state, command);
    expect(replayTimeline(state.id, policy, state.timeline)).toEqual(state);
  });

  it('folds alert deliveries per identity and records the monitor recovering', () => {
    const firing = { source: 'alertmanager', status: 'firing' as const, summary: 'High error rate' };
    let state = observeAlert(fresh('SEV2'), { ...firing, key: 'fp-1' }, tick());
    state = observeAlert(state, { ...firing, key: 'fp-1' }, tick());
    // Same summary, different identity: a distinct alert.
    state = observeAlert(state, { ...firing, key: 'fp-2' }, tick());
    expect(state.alerts.map((alert) => [alert.key, alert.deliveries, alert.status])).toEqual([
      ['fp-1', 2, 'firing'],
      ['fp-2', 1, 'firing'],
    ]);
    state = observeAlert(state, { ...firing, key: 'fp-1', status: 'resolved' }, tick());
    expect(state.timeline.some((event) => event.type === 'monitor-recovered')).toBe(false);
    state = observeAlert(state, { ...firing, key: 'fp-2', status: 'resolved' }, tick());
    expect(state.timeline.filter((event) => event.type === 'monitor-recovered')).toHaveLength(1);
    // SEV2 does not auto-resolve on recovery: a person decides.
    expect(state.resolvedAt).toBeUndefined();
  });

  it('resolves by itself on recovery where the severity allows it', () => {
    let state = observeAlert(fresh('SEV3'), { source: 'grafana', key: 'g-1', status: 'firing', summary: 'Disk 90%' }, tick());
    state = observeAlert(state, { source: 'grafana', key: 'g-1', status: 'resolved', summary: 'Disk 90%' }, tick());
    expect(state).toMatchObject({ status: 'resolved', phase: 'reflect' });
    expect(state.timeline.at(-2)).toMatchObject({ type: 'resolved', by: 'marshal' });
  });
});

describe('bounded state', () => {
  const chatty = () => {
    let state = run(fresh(), { type: 'acknowledge', by: 'alice' });
    for (let n = 0; n < 300; n += 1) state = run(state, { type: 'post-status-update', by: 'alice', status: 'investigating', message: `update ${n} ${'x'.repeat(4_990)}` });
    return state;
  };

  it('keeps only a glance of archived events, and every event not yet archived', () => {
    const state = chatty();
    const archived = markArchived(state, state.lastSeq - 5);
    expect(unarchived(archived).map((event) => event.seq)).toEqual([...Array(5).keys()].map((i) => state.lastSeq - 4 + i));
    expect(archived.timeline).toHaveLength(KEPT.archivedEvents + 5);
    const glanced = archived.timeline[0] as Extract<TimelineEvent, { type: 'status-updated' }>;
    expect(glanced.message.length).toBeLessThanOrEqual(KEPT.archivedText + 1);
    expect(JSON.stringify(markArchived(state, state.lastSeq)).length).toBeLessThan(STATE_BUDGET_BYTES);
    // Sequence numbers go on from the last event, not from what the state still holds.
    const next = run(archived, { type: 'assign-role', by: 'alice', role: 'scribe', person: 'bob' });
    expect(next.lastSeq).toBe(state.lastSeq + 1);
  });

  it('keeps the landmarks the loops decide from, whatever was archived', () => {
    let state = chatty();
    state = markArchived(state, state.lastSeq);
    expect(state.landmarks).toMatchObject({ statusUpdateCount: 300, acknowledgedSeq: 2, lastStatusUpdate: { message: expect.stringMatching(/^update 299/) } });
    state = run(state, { type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' });
    expect(state.landmarks.commanderAssigned?.seq).toBe(state.lastSeq);
    expect(state.landmarks.lastHumanActivity?.seq).toBe(state.lastSeq);
  });

  it('knows a reminder by its reason, and by its old headline for events recorded before reasons', () => {
    let state = fresh();
    state = record(state, [{ type: 'notified', to: 'alice', kind: 'reminder', headline: 'Status update due' }], tick(), 'marshal');
    state = record(state, [{ type: 'notified', to: 'alice', kind: 'reminder', headline: 'Any wording at all', reason: 'idle' }], tick(), 'marshal');
    expect(Object.keys(state.landmarks.reminders).sort()).toEqual(['idle', 'status-update-due']);
  });

  it('resumes a run carried from before the state was bounded by folding its timeline', () => {
    const state = run(run(fresh(), { type: 'acknowledge', by: 'alice' }), { type: 'post-status-update', by: 'alice', status: 'monitoring', message: 'fix in' });
    const { landmarks: _landmarks, lastSeq: _lastSeq, archivedThrough: _archived, ...legacy } = state;
    expect(resumeState({ ...legacy, statusUpdates: [] } as unknown as IncidentState)).toEqual(state);
  });

  it('caps action items and the alerts it keeps', () => {
    let state = fresh();
    for (let n = 0; n < KEPT.actionItems; n += 1) state = run(state, { type: 'add-action-item', by: 'a', title: `item ${n}`, owner: 'bob' });
    expect(refusal(state, { type: 'add-action-item', by: 'a', title: 'one more', owner: 'bob' }).kind).toBe('conflict');
    for (let n = 0; n < KEPT.alerts + 20; n += 1)
      state = observeAlert(
        state,
        { source: 's', key: `k${n}`, status: 'firing', summary: 'x'.repeat(1_000), labels: Object.fromEntries([...Array(50).keys()].map((i) => [`l${i}`, 'v'.repeat(500)])) },
        tick(),
      );
    expect(state.alerts).toHaveLength(KEPT.alerts);
    expect(Object.keys(state.alerts[0].labels!)).toHaveLength(KEPT.alertLabels);
    expect(state.alerts.at(-1)!.key).toBe(`k${KEPT.alerts + 19}`);
  });

  it("keeps each alert's annotations within limits, and a delivery without them keeps the trigger's", () => {
    const many = Object.fromEntries([...Array(40).keys()].map((i) => [`note${i}`, 'a'.repeat(5_000)]));
    let state = observeAlert(fresh(), { source: 'am', key: 'fp', status: 'firing', summary: 's', annotations: { runbook_url: 'https://runbooks.example.com/x', ...many } }, tick());
    const kept = state.alerts[0].annotations!;
    expect(kept.runbook_url).toBe('https://runbooks.example.com/x');
    expect(Object.keys(kept).length).toBeLessThanOrEqual(KEPT.alertAnnotations);
    expect(Object.values(kept).every((value) => value.length <= KEPT.annotationText + 1)).toBe(true);
    expect(Object.values(kept).join('').length).toBeLessThanOrEqual(KEPT.alertAnnotationChars + KEPT.alertAnnotations);
    state = observeAlert(state, { source: 'events', key: 'fp', status: 'resolved', summary: '' }, tick());
    expect(state.alerts[0].annotations?.runbook_url).toBe('https://runbooks.example.com/x');
    // A hundred heavily annotated alerts still fit the state's budget once archived.
    for (let n = 0; n < KEPT.alerts; n += 1) state = observeAlert(state, { source: 'am', key: `k${n}`, status: 'firing', summary: 's', annotations: many }, tick());
    const archived = markArchived(state, state.lastSeq);
    expect(JSON.stringify(archived).length).toBeLessThan(STATE_BUDGET_BYTES);
    expect(archived.timeline.every((event) => !('annotations' in event))).toBe(true);
  });

  it('joins the archive and the state into the whole incident for readers', () => {
    const state = chatty();
    const archivedPart = state.timeline.filter((event) => event.seq <= 200);
    const view = incidentView(markArchived(state, 200), archivedPart);
    expect(view.timeline).toEqual(state.timeline);
    expect(view.statusUpdates).toHaveLength(300);
    expect(view.statusUpdates[0].message).toHaveLength('update 0 '.length + 4_990);
    expect(view.timelineCount).toBe(state.lastSeq);
  });
});

describe('alert storms', () => {
  it('record an alert once per change of state, counting repeats', () => {
    let state = fresh();
    for (let n = 0; n < 5; n += 1) state = observeAlert(state, { source: 'am', key: 'fp', status: 'firing', summary: 'x' }, tick(), { repeatsAsCounts: true });
    expect(state.timeline.filter((event) => event.type === 'alert')).toHaveLength(1);
    expect(state.alerts[0].deliveries).toBe(5);
  });

  it('fold changes into a count while too much waits to be archived, and record again once it is', () => {
    let state = fresh();
    let n = 0;
    while (state.pendingBytes < KEPT.pendingAlertBytes)
      state = observeAlert(state, { source: 'am', key: `k${(n += 1)}`, status: 'firing', summary: 'x'.repeat(500) }, tick(), { repeatsAsCounts: true });
    const seq = state.lastSeq;
    state = observeAlert(state, { source: 'am', key: 'storm', status: 'firing', summary: 'x' }, tick(), { repeatsAsCounts: true });
    expect(state.lastSeq).toBe(seq);
    expect(state.alertChangesFolded).toBe(1);
    state = observeAlert(markArchived(state, state.lastSeq), { source: 'am', key: 'after', status: 'firing', summary: 'x' }, tick(), { repeatsAsCounts: true });
    expect(state.lastSeq).toBe(seq + 1);
  });
});
