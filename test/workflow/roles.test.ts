/**
 * Roles that mean something, on the time-skipping server with real activities delivering to a local webhook
 * receiver: the person assigned a role is told, an incoming commander gets the handoff notes and is reminded
 * until they accept, and the reminders stop once they do.
 */
import { describe, expect, it } from 'vitest';
import type { NotificationAction } from '../../activities/channels/types';
import { verifyActionLink } from '../../common/action-links';
import type { IncidentState } from '../../workflows/incident-state';
import { commandUpdate } from '../../workflows/incident-contract';
import { useIncidentBed } from '../support/incident-bed';

const LINK_SECRET = 'roles-link-secret-roles-link-secret-roles';
const bed = useIncidentBed({ linkSecret: LINK_SECRET });
const { start, settled } = bed;

type Delivery = { path: string; json: unknown };
const to = (delivery: Delivery) => delivery.path.split('/').pop();
const told = (id: string, kind: string) =>
  bed.inbox.received.filter((delivery: Delivery) => {
    const json = delivery.json as { kind: string; incident: { id: string } };
    return json.incident.id === id && json.kind === kind;
  });
const actionsOf = (delivery: Delivery) => (delivery.json as { actions?: NotificationAction[] }).actions ?? [];
/** The one action a notice carries must be a signed Accept handoff link for `person` on incident `id`. */
async function expectAcceptLink(delivery: Delivery, person: string, id: string) {
  const actions = actionsOf(delivery);
  expect(actions.map((action) => [action.kind, action.label])).toEqual([['accept-handoff', 'Accept handoff']]);
  expect(actions[0].url.startsWith('http://marshal.test/console/accept-handoff?t=')).toBe(true);
  const link = await verifyActionLink(LINK_SECRET, new URL(actions[0].url).searchParams.get('t'), 'accept-handoff');
  expect([link.personId, link.incidentId]).toEqual([person, id]);
}
const remindersToAccept = (state: IncidentState) => state.pages.filter((page) => page.kind === 'reminder' && page.headline === 'Accept the commander handoff');

describe('roles that mean something', () => {
  it('tells the person assigned, hands the commander role over with notes, reminds until accepted, then stops', async () => {
    // SEV3: a 30-minute acknowledgement timeout and no idle reminders, so only role notices arrive here.
    const handle = await start('role1', { title: 'Ledger lag', severity: 'SEV3', team: 'payments' });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: 'alice' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'alice', role: 'commander', person: 'carol' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'alice', role: 'scribe', person: 'erin' }] });
    let state = await settled(handle);
    // Assigned first: told, nothing to accept.
    expect(state.pendingHandoff).toBeUndefined();
    expect(state.pages.filter((page) => page.kind === 'info').map((page) => [page.to, page.headline, page.outcome])).toEqual([
      ['carol', 'You are commander: Ledger lag', 'delivered'],
      ['erin', 'You are scribe: Ledger lag', 'delivered'],
    ]);

    // Carol hands over to dan with notes: dan gets a handoff notice carrying them, and must accept.
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'carol', role: 'commander', person: 'dan', notes: 'Rollback half done; watch the ledger queue' }] });
    state = await settled(handle);
    expect(state.pendingHandoff).toMatchObject({ from: 'carol', to: 'dan', notes: 'Rollback half done; watch the ledger queue' });
    const handoff = told('role1', 'handoff');
    expect(handoff.map(to)).toEqual(['dan']);
    expect((handoff[0].json as { body: string }).body).toContain('Rollback half done; watch the ledger queue');
    // The handoff notice carries a signed Accept handoff link for dan; the role notices before it ask for nothing.
    await expectAcceptLink(handoff[0], 'dan', 'role1');
    expect(told('role1', 'info').map(actionsOf)).toEqual([[], []]);
    expect(state.timeline.find((event) => event.type === 'role-assigned' && event.person === 'dan')).toMatchObject({ previous: 'carol', awaitsAcceptance: true, announced: true });

    // Not accepted: a reminder after 10 minutes (the default), another 10 minutes later.
    await bed.env.sleep('9 minutes');
    expect(remindersToAccept(await settled(handle))).toHaveLength(0);
    await bed.env.sleep('2 minutes');
    state = await settled(handle);
    expect(remindersToAccept(state).map((page) => [page.to, page.outcome])).toEqual([['dan', 'delivered']]);
    await bed.env.sleep('10 minutes');
    expect(remindersToAccept(await settled(handle))).toHaveLength(2);
    // Each reminder to accept carries the link too.
    const reminders = told('role1', 'reminder').filter((delivery) => (delivery.json as { headline: string }).headline === 'Accept the commander handoff');
    expect(reminders).toHaveLength(2);
    for (const reminder of reminders) await expectAcceptLink(reminder, 'dan', 'role1');

    // Only dan may accept; then the reminders stop.
    await expect(handle.executeUpdate(commandUpdate, { args: [{ type: 'accept-handoff', by: 'carol' }] })).rejects.toMatchObject({ cause: { message: expect.stringMatching(/only they can accept/) } });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'accept-handoff', by: 'dan' }] });
    state = await settled(handle);
    expect(state.pendingHandoff).toBeUndefined();
    expect(state.timeline.at(-1)).toMatchObject({ type: 'handoff-accepted', by: 'dan', from: 'carol' });
    await bed.env.sleep('2 hours');
    expect(remindersToAccept(await settled(handle))).toHaveLength(2);
    await expect(handle.executeUpdate(commandUpdate, { args: [{ type: 'accept-handoff', by: 'dan' }] })).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/no commander handoff awaits acceptance/) },
    });
  });

  it('reminds at most three times, and a commander who takes the role themselves has nothing to accept', async () => {
    const handle = await start('role2', { title: 'Card declines', severity: 'SEV3', team: 'payments' });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'acknowledge', by: 'alice' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'alice', role: 'commander', person: 'alice' }] });
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'alice', role: 'commander', person: 'bob' }] });
    await bed.env.sleep('3 hours');
    let state = await settled(handle);
    expect(remindersToAccept(state).map((page) => page.to)).toEqual(['bob', 'bob', 'bob']);
    // Frank takes the role himself: bob's handoff is settled, and frank has nothing to accept.
    await handle.executeUpdate(commandUpdate, { args: [{ type: 'assign-role', by: 'frank', role: 'commander', person: 'frank' }] });
    state = await settled(handle);
    expect(state.pendingHandoff).toBeUndefined();
    expect(state.roles.commander).toBe('frank');
    await bed.env.sleep('1 hour');
    expect(remindersToAccept(await settled(handle))).toHaveLength(3);
  });
});
