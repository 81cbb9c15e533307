/**
 * Paging, reminders and deadlines on the time-skipping server: days pass in milliseconds while real
 * activities deliver to a real local webhook receiver, against the shipped policy (contacts rewritten).
 */
import { describe, expect, it, vi } from 'vitest';
import type { NotificationAction } from '../../activities/channels';
import { verifyActionLink } from '../../common/action-links';
import { onCallAt } from '../../policy/oncall';
import { commandUpdate } from '../../workflows/incident-contract';
import { TASK_QUEUE } from '../../workflows/queues';
import type { oncallNotices } from '../../workflows/oncall-notices';
import { oncallNoticesWorkflowId } from '../../workflows/oncall-notices-contract';
import { useIncidentBed } from '../support/incident-bed';

const LINK_SECRET = 'follow-through-link-secret-follow-through';
const bed = useIncidentBed({ linkSecret: LINK_SECRET });
const { start, settled } = bed;

/** Pages (not reminders or rest notices) the receiver accepted for one incident, in order. */
const pagesFor = (id: string) =>
  bed.inbox.received.filter((delivery) => {
    const json = delivery.json as { kind: string; incident: { id: string } };
    return json.incident.id === id && (json.kind === 'page' || json.kind === 'escalation');
  });
const recipient = (delivery: { path: string }) => delivery.path.split('/').pop();
/** The activity tasks an incident scheduled (local activities are markers, not tasks). */
const activityTasks = async (handle: { fetchHistory(): Promise<{ events?: { activityTaskScheduledEventAttributes?: { activityType?: { name?: string | null } | null } | null }[] | null }> }) =>
  ((await handle.fetchHistory()).events ?? []).flatMap((event) => event.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
const payload = (delivery: { json: unknown }) => delivery.json as { kind: string; headline: string; incident: { id: string; url: string }; actions: NotificationAction[] };

describe('paging and escalation', () => {
  it('pages level 1, escalates to level 2 after the acknowledgement timeout, and stops on acknowledgement', async () => {
    // Platform's SEV2 chain: primary, then secondary, then the lead, 10 minutes apart.
    const handle = await start('esc1', { title: 'Gateway 502s', severity: 'SEV2', team: 'platform' });
    await bed.env.sleep('1 minute');
    await settled(handle);
    const first = pagesFor('esc1');
    expect(first).toHaveLength(1);
    await bed.env.sleep('10 minutes');
    await settled(handle);
    const second = pagesFor('esc1');
    expect(second).toHaveLength(2);
    expect(recipient(second[1])).not.toBe(recipient(second[0]));
    // Each page links to the console and carries an Acknowledge link signed for its own recipient and this incident.
    for (const page of second) {
      expect(payload(page).incident.url).toBe('http://marshal.test/console/incidents/esc1');
      const [acknowledge, ...others] = payload(page).actions;
      expect(others).toEqual([]);
      expect(acknowledge).toMatchObject({ kind: 'acknowledge', label: 'Acknowledge' });
      expect(acknowledge.url.startsWith('http://marshal.test/console/ack?t=')).toBe(true);
      const link = await verifyActionLink(LINK_SECRET, new URL(acknowledge.url).searchParams.get('t'), 'acknowledge');
      expect([link.personId, link.incidentId]).toEqual([recipient(page), 'esc1']);
    }
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: recipient(second[1])! }] });
    await bed.env.sleep('2 hours');
    // Acknowledged: the lead is never paged, only later reminders may arrive.
    const state = await settled(handle);
    const escalationPages = state.pages.filter((page) => page.kind === 'page' || page.kind === 'escalation');
    expect(escalationPages.map((page) => page.outcome)).toEqual(['delivered', 'delivered']);
    expect(state.timeline.filter((event) => event.type === 'escalation-step')).toHaveLength(2);
    expect(state.timeline.some((event) => event.type === 'escalation-exhausted')).toBe(false);
  });

  it('exhausts the chain, tells the lead and keeps the incident unacknowledged', async () => {
    const handle = await start('esc2', { title: 'Nobody home', severity: 'SEV4', team: 'platform' });
    await bed.env.sleep('2 days');
    const state = await settled(handle);
    expect(state.timeline.some((event) => event.type === 'escalation-exhausted')).toBe(true);
    expect(state.pages.at(-1)).toMatchObject({ kind: 'lead', to: 'judy', outcome: 'delivered' });
    // Telling the lead asks for no acknowledgement: no Acknowledge link.
    const told = bed.inbox.received.filter((delivery) => payload(delivery).incident.id === 'esc2' && recipient(delivery) === 'judy' && payload(delivery).kind === 'reminder');
    expect(told.length).toBeGreaterThan(0);
    expect(told.map((delivery) => payload(delivery).actions)).toEqual(told.map(() => []));
    expect(state.acknowledgedAt).toBeUndefined();
  });

  it('reminds the commander when a status update is overdue, and the lead from the second miss', async () => {
    const handle = await start('rem1', { title: 'Slow search', severity: 'SEV2', team: 'web' });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: 'victor' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'victor', role: 'commander', person: 'wendy' }] });
    await bed.env.sleep('61 minutes');
    let state = await settled(handle);
    expect(state.pages.filter((page) => page.kind === 'reminder' && page.headline === 'Status update due').map((page) => page.to)).toEqual(['wendy']);
    await bed.env.sleep('60 minutes');
    state = await settled(handle);
    expect(state.pages.filter((page) => page.kind === 'lead' && page.headline === 'Status updates missed')).toHaveLength(1);
    // The team's lead is a read inside the workflow task, not a task of its own; the responder's shift end is an
    // activity, so that the acknowledgement's task (which sets the reminders' timers) is not held open by it.
    expect(await activityTasks(handle)).not.toContain('teamLead');
    expect(await activityTasks(handle)).toContain('responderShiftEnd');
    expect(await activityTasks(handle)).toContain('notifyPerson');
    // The reminder carries a signed Post an update link for wendy; the lead's notice carries no action.
    const rem1 = bed.inbox.received.filter((delivery) => payload(delivery).incident.id === 'rem1');
    const due = rem1.find((delivery) => payload(delivery).headline === 'Status update due')!;
    const [postUpdate, ...others] = payload(due).actions;
    expect(others).toEqual([]);
    expect(postUpdate).toMatchObject({ kind: 'post-update', label: 'Post an update' });
    expect(postUpdate.url.startsWith('http://marshal.test/console/update?t=')).toBe(true);
    const signed = await verifyActionLink(LINK_SECRET, new URL(postUpdate.url).searchParams.get('t'), 'update');
    expect([signed.personId, signed.incidentId]).toEqual(['wendy', 'rem1']);
    // An update link acknowledges nothing.
    await expect(verifyActionLink(LINK_SECRET, new URL(postUpdate.url).searchParams.get('t'), 'acknowledge')).rejects.toMatchObject({ reason: 'purpose' });
    expect(payload(rem1.find((delivery) => payload(delivery).headline === 'Status updates missed')!).actions).toEqual([]);
    // An update resets the cadence: no reminder in the next 50 minutes.
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'post-status-update', by: 'wendy', status: 'identified', message: 'cache node down' }] });
    const reminders = async () => (await settled(handle)).pages.filter((page) => page.headline === 'Status update due').length;
    const before = await reminders();
    await bed.env.sleep('50 minutes');
    expect(await reminders()).toBe(before);
    await bed.env.sleep('15 minutes');
    expect(await reminders()).toBe(before + 1);
  });
});

describe('follow-up deadlines', () => {
  it('starts a 5-business-day postmortem clock on resolve, reminds at the deadline and tells the lead after it', async () => {
    const handle = await start('pm1', { title: 'Payments outage', severity: 'SEV1', team: 'payments' });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: 'alice' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'alice', summary: 'rolled back' }] });
    await bed.env.sleep('1 minute');
    const resolved = await settled(handle);
    const due = Date.parse(resolved.postmortemDueAt!);
    // 5 business days: at least 7 calendar days when a weekend falls in between, never fewer than 5.
    expect(due - Date.parse(resolved.resolvedAt!)).toBeGreaterThanOrEqual(5 * 24 * 3600 * 1000);
    expect(due - Date.parse(resolved.resolvedAt!)).toBeLessThanOrEqual(7 * 24 * 3600 * 1000 + 3600 * 1000);
    await bed.env.sleep('9 days');
    const state = await settled(handle);
    const chased = state.pages.filter((page) => page.headline.startsWith('Postmortem'));
    expect(chased.map((page) => [page.headline, page.to])).toEqual([
      ['Postmortem due tomorrow', 'alice'],
      ['Postmortem due now', 'alice'],
      ['Postmortem overdue', 'alice'],
    ]);
    expect(await activityTasks(handle)).not.toContain('businessDeadline');
  });

  it('escalates an action item 30 days overdue from its own workflow, recorded on the incident', async () => {
    const handle = await start('ai1', { title: 'Ledger drift', severity: 'SEV2', team: 'payments' });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: 'bob' }] });
    // The test server's clock has moved on with earlier tests; due dates are set from its time.
    const dueAt = new Date((await bed.env.currentTimeMs()) + 2 * 24 * 3600 * 1000).toISOString();
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'add-action-item', by: 'bob', title: 'Reconcile nightly', owner: 'carol', dueAt }] });
    // Resolved, so only Reflect's timers run: the postmortem chase and the action item's own.
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'resolve', by: 'bob', summary: 'ledger re-synced' }] });
    await bed.env.sleep('32 days');
    const state = await settled(handle);
    const reminders = state.pages.filter((page) => page.headline.includes('Reconcile nightly')).map((page) => [page.headline.split(':')[0], page.to]);
    expect(reminders).toEqual([
      ['Action item due tomorrow', 'carol'],
      ['Action item due now', 'carol'],
      ['Action item overdue', 'alice'],
    ]);
    const child = bed.env.client.workflow.getHandle('action-item-ai1-AI-1');
    expect((await child.describe()).status.name).toBe('RUNNING');
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'complete-action-item', by: 'carol', itemId: 'AI-1' }] });
    await child.result();
  });
});

describe('going on call', () => {
  it('tells each person when their shift starts', async () => {
    const from = await bed.env.currentTimeMs();
    const handle = await bed.env.client.workflow.start<typeof oncallNotices>('oncallNotices', { workflowId: oncallNoticesWorkflowId('platform'), taskQueue: TASK_QUEUE, args: [{ team: 'platform' }] });
    bed.track(handle);
    await bed.env.sleep('8 days');
    const notices = await vi.waitFor(
      () => {
        const found = bed.inbox.received
          .map((delivery) => ({ path: delivery.path, json: delivery.json as { kind: string; headline: string; key: string } }))
          .filter(({ json }) => json.kind === 'info' && json.headline.includes('on call for platform'));
        // Platform hands over weekly, both rotations at once: within 8 days, one primary and one secondary notice.
        expect(found.length).toBeGreaterThanOrEqual(2);
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    for (const { path, json } of notices) {
      const startedAt = Number(json.key.split(':')[2]);
      expect(startedAt).toBeGreaterThan(from);
      // The person told is the one on call for that rotation just after the handoff.
      const rotation = json.headline.includes('primary') ? 'primary' : 'secondary';
      expect(path.split('/').pop()).toBe(onCallAt(bed.store.current, 'platform', new Date(startedAt + 1000))[rotation]!.personId);
    }
  });
});
