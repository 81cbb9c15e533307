/**
 * The signed "Post an update" and "Accept handoff" links, end to end on a real stack over real HTTP: a real
 * status-update reminder (SEV4's cadence cut to seconds) delivered to a local webhook receiver carries the
 * update link; opening it (GET) posts nothing; an empty or hostile message is refused with a 400 page naming
 * the field, without spending the link; confirming (POST) posts the update as the reminded person, audited,
 * once. A commander handoff notice carries the accept link, which accepts as the incoming commander, or
 * says they no longer are. Links are refused for any purpose but their own.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NotificationAction } from '../../activities/channels/types';
import { signActionLink } from '../../common/action-links';
import type { IncidentView } from '../../workflows/incident-view';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';

const SECRET = 'e2e-action-links-secret-e2e-action-links-secret';

let hooks: WebhookReceiver;
let stack: TestStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  hooks = await startWebhookReceiver();
  // SEV4 asks for a status update every few seconds here, so a real reminder arrives within the test.
  const edit = { 'severities.yaml': (text: string) => text.replace('statusUpdateCadence: 1d', 'statusUpdateCadence: 4s') };
  stack = await startTestStack({ policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: hooks.url, edit }) }, linkSecret: SECRET });
  api = apiClient(stack.url, stack.token);
});
afterAll(async () => {
  await stack?.stop();
  await hooks?.close();
});

/** GET or POST a link page as a browser would: no bearer token, no console session. */
async function browse(url: string, form?: Record<string, string>) {
  const response = await fetch(url, form ? { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' } : { redirect: 'manual' });
  return { status: response.status, html: await response.text() };
}
const get = async (id: string) => (await api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
const declare = async (title: string, severity = 'SEV4') => (await api.post<IncidentView>('/api/v1/incidents', { title, severity, service: 'checkout-api' })).body.id;
const auditOf = async (actor: string) =>
  (
    await api.get<{ events: { actor: string; principal: string; action: string; outcome: string; status: number; target: string; detail: Record<string, unknown> }[] }>(
      `/api/v1/audit?actor=${encodeURIComponent(actor)}`,
    )
  ).body.events;

type Notice = { kind: string; headline: string; incident: { id: string }; actions?: NotificationAction[] };
/** The first notice of `kind` to `person` about incident `id` carrying an action of `action` kind; its link's token. */
async function linkIn(person: string, id: string, kind: string, action: NotificationAction['kind']): Promise<{ url: string; token: string }> {
  return vi.waitFor(
    () => {
      const notice = hooks.received
        .filter((delivery) => delivery.path.endsWith(`/${person}`))
        .map((delivery) => delivery.json as Notice)
        .find((json) => json.incident.id === id && json.kind === kind && json.actions?.some((one) => one.kind === action));
      expect(notice, `${kind} to ${person} with ${action}`).toBeDefined();
      const url = notice!.actions!.find((one) => one.kind === action)!.url;
      return { url, token: new URL(url).searchParams.get('t')! };
    },
    { timeout: 30_000, interval: 200 },
  );
}

describe('Post an update from a status-update reminder', () => {
  let id: string;
  let link: { url: string; token: string };

  it('the reminder carries a signed update link; opening it shows the form and posts nothing', async () => {
    id = await declare('Ledger <i>lag</i> on EU shards');
    await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'carol' });
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'investigating', message: 'Looking at the EU ledger queue' });
    link = await linkIn('carol', id, 'reminder', 'post-update');
    expect(link.url.startsWith(`${stack.url}/console/update?t=`)).toBe(true);
    const before = (await get(id)).statusUpdates.length;
    for (let i = 0; i < 2; i++) {
      const page = await browse(link.url);
      expect(page.status).toBe(200);
      expect(page.html).toContain('Post a status update');
      expect(page.html).toContain('SEV4');
      expect(page.html).toContain('Ledger &#60;i&#62;lag&#60;/i&#62; on EU shards');
      expect(page.html).toContain('Looking at the EU ledger queue');
      expect(page.html).toContain('Carol Singh');
      expect(page.html).toMatch(/<textarea id="u-message" name="message"[^>]* required[^>]* maxlength="5000">/);
      expect(page.html).toContain('<button type="submit" class="big">Post</button>');
      expect(page.html).not.toMatch(/<script(?![^>]*src=)/);
    }
    expect((await get(id)).statusUpdates).toHaveLength(before);
  });

  it('an empty, blank, too long or NUL-holding message is refused with 400 naming the field, and the link stays usable', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ t: link.token, status: 'identified' }, 'Update is required'],
      [{ t: link.token }, 'Status is required'],
      [{ t: link.token, message: ' \n\t ', status: 'identified' }, 'Update is required'],
      [{ t: link.token, message: 'x'.repeat(5001), status: 'identified' }, 'Update is longer than 5000 characters'],
      [{ t: link.token, message: 'ok', status: 'on-fire' }, 'Status must be one of'],
      [{ t: link.token, message: 'a\u0000b', status: 'identified' }, '&#34;message&#34;'],
    ];
    for (const [form, says] of cases) {
      const page = await browse(`${stack.url}/console/update`, form);
      expect([JSON.stringify(form).slice(0, 60), page.status]).toEqual([JSON.stringify(form).slice(0, 60), 400]);
      expect(page.html).toContain(says);
      expect(page.html).not.toMatch(/at .+\.ts:\d+/);
    }
    // A body past the console's 1 MB form limit, and a token sent twice: refused, never a 500.
    const huge = await browse(`${stack.url}/console/update`, { t: link.token, status: 'identified', message: 'x'.repeat(1_500_000) });
    expect(huge.status).toBeGreaterThanOrEqual(400);
    expect(huge.status).toBeLessThan(500);
    expect(huge.html).not.toMatch(/at .+\.ts:\d+/);
    const twice = await fetch(`${stack.url}/console/update`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `t=${link.token}&t=${link.token}&message=hi&status=identified`,
    });
    expect(twice.status).toBe(400);
    // The form comes back with what was typed and the link, so the message can be fixed and sent.
    const again = await browse(`${stack.url}/console/update`, { t: link.token, message: 'x'.repeat(5001), status: 'monitoring' });
    expect(again.html).toContain('Nothing was posted; your link still works.');
    expect(again.html).toContain(`value="${link.token}"`);
    expect(again.html).toContain('<option value="monitoring" selected>');
    expect((await get(id)).statusUpdates.map((update) => update.message)).toEqual(['Looking at the EU ledger queue']);
    const nonce = JSON.parse(Buffer.from(link.token.split('.')[0], 'base64url').toString()).n as string;
    expect(await stack.store!.usedLinks.find(nonce)).toBeUndefined();
  });

  it('posting (POST) records the update as the reminded person, audited as them via the signed link', async () => {
    const message = 'Shard eu-3 replica lagging; failing over.\nNext update in 30 minutes.';
    const done = await browse(`${stack.url}/console/update`, { t: link.token, status: 'identified', message: `  ${message}  ` });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Update posted');
    expect(done.html).toContain('Posted as Carol Singh');
    const after = await get(id);
    expect(after.statusUpdates.at(-1)).toMatchObject({ by: 'carol', status: 'identified', message, public: false });
    expect(after.timeline.filter((event) => event.type === 'status-updated').at(-1)).toMatchObject({ by: 'carol', message });
    await vi.waitFor(async () => {
      expect(await auditOf('carol')).toContainEqual(
        expect.objectContaining({
          principal: 'signed-link',
          action: 'update',
          outcome: 'done',
          status: 200,
          target: `/api/v1/incidents/${id}`,
          detail: expect.objectContaining({ via: 'signed link' }),
        }),
      );
    });
  });

  it('a second use is refused (410), posting nothing; so is opening it again', async () => {
    const count = (await get(id)).statusUpdates.length;
    const again = await browse(`${stack.url}/console/update`, { t: link.token, status: 'monitoring', message: 'Second try' });
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');
    expect((await browse(link.url)).status).toBe(410);
    // A refused message on a spent link says it is spent, not "your link still works".
    const empty = await browse(`${stack.url}/console/update`, { t: link.token, message: '' });
    expect(empty.status).toBe(410);
    expect((await get(id)).statusUpdates).toHaveLength(count);
  });

  it('links are refused for any purpose but their own, and a tampered update link is refused', async () => {
    const target = await declare('Purpose confusion');
    const update = await signActionLink(SECRET, { purpose: 'update', personId: 'carol', incidentId: target });
    const acknowledge = await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'carol', incidentId: target });
    const accept = await signActionLink(SECRET, { purpose: 'accept-handoff', personId: 'carol', incidentId: target });
    const wrong: [string, string, string][] = [
      ['ack', update, 'is for &#34;update&#34;, not &#34;acknowledge&#34;'],
      ['accept-handoff', update, 'is for &#34;update&#34;, not &#34;accept-handoff&#34;'],
      ['update', acknowledge, 'is for &#34;acknowledge&#34;, not &#34;update&#34;'],
      ['update', accept, 'is for &#34;accept-handoff&#34;, not &#34;update&#34;'],
      ['accept-handoff', acknowledge, 'is for &#34;acknowledge&#34;, not &#34;accept-handoff&#34;'],
    ];
    for (const [path, token, says] of wrong) {
      for (const page of [await browse(`${stack.url}/console/${path}?t=${token}`), await browse(`${stack.url}/console/${path}`, { t: token, message: 'hi', status: 'identified' })]) {
        expect([path, page.status]).toEqual([path, 403]);
        expect(page.html).toContain(says);
      }
    }
    const [payload, signature] = update.split('.');
    const tampered = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await browse(`${stack.url}/console/update`, { t: tampered, message: 'forged', status: 'identified' });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain('not signed by this Marshal');
    expect(refused.html).toContain('marshal update');
    const state = await get(target);
    expect(state.statusUpdates).toEqual([]);
    expect(state.acknowledgedAt).toBeUndefined();
  });

  it('a person no longer in policy cannot post, and a resolved incident takes no update', async () => {
    const target = await declare('Gone and resolved');
    const stranger = await signActionLink(SECRET, { purpose: 'update', personId: 'left-the-company', incidentId: target });
    const gone = await browse(`${stack.url}/console/update`, { t: stranger, message: 'hi', status: 'identified' });
    expect(gone.status).toBe(403);
    expect(gone.html).toContain('no longer in Marshal');
    const token = await signActionLink(SECRET, { purpose: 'update', personId: 'carol', incidentId: target });
    await api.post(`/api/v1/incidents/${target}/resolve`, { summary: 'Went away' });
    const opened = await browse(`${stack.url}/console/update?t=${token}`);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('No update was posted');
    expect(opened.html).not.toContain('<textarea');
    expect((await browse(`${stack.url}/console/update`, { t: token, message: 'late', status: 'resolved' })).status).toBe(409);
    expect((await get(target)).statusUpdates).toEqual([]);
  });
});

describe('Accept a commander handoff from its notice', () => {
  it('the handoff notice carries a signed accept link; GET accepts nothing, POST accepts as the incoming commander, once', async () => {
    const id = await declare('Payments batch stuck', 'SEV3');
    await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'alice' });
    await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'carol' });
    await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'dan', notes: 'Batch 42 half replayed', by: 'carol' });
    const link = await linkIn('dan', id, 'handoff', 'accept-handoff');
    expect(link.url.startsWith(`${stack.url}/console/accept-handoff?t=`)).toBe(true);
    const page = await browse(link.url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Take over as commander?');
    expect(page.html).toContain('Carol Singh');
    expect(page.html).toContain('Batch 42 half replayed');
    expect(page.html).toContain('<button type="submit" class="big">Accept handoff</button>');
    expect((await get(id)).pendingHandoff).toMatchObject({ to: 'dan', from: 'carol' });

    const done = await browse(`${stack.url}/console/accept-handoff`, { t: link.token });
    expect(done.status).toBe(200);
    expect(done.html).toContain('You are the commander');
    const after = await get(id);
    expect(after.pendingHandoff).toBeUndefined();
    expect(after.timeline.find((event) => event.type === 'handoff-accepted')).toMatchObject({ by: 'dan', from: 'carol' });
    await vi.waitFor(async () => {
      expect(await auditOf('dan')).toContainEqual(expect.objectContaining({ principal: 'signed-link', action: 'accept-handoff', outcome: 'done', status: 200 }));
    });
    const again = await browse(`${stack.url}/console/accept-handoff`, { t: link.token });
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');
  });

  it('says clearly when they are no longer the incoming commander, without spending the link', async () => {
    const id = await declare('Refunds delayed', 'SEV3');
    await api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'alice' });
    await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'carol' });
    await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'dan', by: 'carol' });
    const link = await linkIn('dan', id, 'handoff', 'accept-handoff');
    // Before dan accepts, the handoff goes to erin instead.
    await api.post(`/api/v1/incidents/${id}/roles`, { role: 'commander', person: 'erin', by: 'carol' });
    const opened = await browse(link.url);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('You are no longer the incoming commander');
    expect(opened.html).toContain('The handoff now goes to Erin Castillo, not to you.');
    expect(opened.html).not.toContain('<button type="submit" class="big">');
    const posted = await browse(`${stack.url}/console/accept-handoff`, { t: link.token });
    expect(posted.status).toBe(409);
    expect(posted.html).toContain('You are no longer the incoming commander');
    expect((await get(id)).pendingHandoff).toMatchObject({ to: 'erin' });
    const nonce = JSON.parse(Buffer.from(link.token.split('.')[0], 'base64url').toString()).n as string;
    expect(await stack.store!.usedLinks.find(nonce)).toBeUndefined();
  });
});
