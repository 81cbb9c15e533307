/**
 * The one-click Acknowledge in an email page, end to end: a real stack pages the on-call person by email
 * through a real SMTP server; the link is read out of the received mail, opened (GET acknowledges nothing,
 * as a mail scanner's prefetch must not), confirmed (POST acknowledges as that person), and then refused on
 * a second use; tampered, expired, wrong-purpose and hostile links are refused with a page, never a 500.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signActionLink, type LinkPurpose } from '../../common/action-links';
import type { IncidentView } from '../../workflows/incident-view';
import { startSmtpServer, startWebhookReceiver, type ReceivedEmail, type SmtpTestServer, type WebhookReceiver } from '../channels/receivers';
import { testPolicyDir } from '../support/policy';
import { apiClient, startTestStack, type TestStack } from '../support/stack';

const SECRET = 'e2e-link-secret-e2e-link-secret-e2e-link-secret';

let smtp: SmtpTestServer;
let hooks: WebhookReceiver;
let stack: TestStack;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  smtp = await startSmtpServer();
  hooks = await startWebhookReceiver();
  stack = await startTestStack({ policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: hooks.url, smtpPort: smtp.port }) }, linkSecret: SECRET });
  api = apiClient(stack.url, stack.token);
});
afterAll(async () => {
  await stack?.stop();
  await smtp?.close();
  await hooks?.close();
});

/** GET or POST a link page as a browser would: no bearer token, no console session. */
async function browse(url: string, form?: Record<string, string>) {
  const response = await fetch(url, form ? { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' } : { redirect: 'manual' });
  return { status: response.status, html: await response.text(), headers: response.headers };
}

const ackLinkIn = (mail: ReceivedEmail) => /^Acknowledge: (\S+)$/m.exec(mail.text)?.[1];
const get = async (id: string) => (await api.get<IncidentView>(`/api/v1/incidents/${id}`)).body;
const auditOf = async (actor: string) =>
  (
    await api.get<{ events: { actor: string; principal: string; action: string; outcome: string; status: number; target: string; detail: Record<string, unknown> }[] }>(
      `/api/v1/audit?actor=${encodeURIComponent(actor)}`,
    )
  ).body.events;

describe('Acknowledge from an email page', () => {
  let incident: IncidentView;
  let mail: ReceivedEmail;
  let link: string;
  let person: string;

  it('the page by email links to the console page and carries a signed Acknowledge link', async () => {
    incident = (await api.post<IncidentView>('/api/v1/incidents', { title: 'Checkout <b>500s</b> at ~30%', severity: 'SEV2', service: 'api-gateway' })).body;
    mail = await vi.waitFor(
      () => {
        const found = smtp.received.find((m) => m.headers['x-marshal-incident'] === incident.id && ackLinkIn(m));
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 30_000, interval: 200 },
    );
    person = mail.envelopeTo[0].split('@')[0];
    link = ackLinkIn(mail)!;
    expect(link.startsWith(`${stack.url}/console/ack?t=`)).toBe(true);
    expect(mail.text).toContain(`Open incident: ${stack.url}/console/incidents/${incident.id}`);
    expect(mail.text).not.toContain('/api/v1/incidents');
    expect(mail.html).toContain('>Acknowledge</a>');
  });

  it('opening the link (GET) shows a confirmation and acknowledges nothing', async () => {
    const page = await browse(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.html).toContain('Acknowledge this incident?');
    expect(page.html).toContain('SEV2');
    expect(page.html).toContain('Checkout &#60;b&#62;500s&#60;/b&#62; at ~30%');
    const name = (stack.policies.current.people[person] ?? { name: '?' }).name;
    expect(page.html).toContain(name);
    expect(page.html).toMatch(/<form method="post" action="\/console\/ack"><input type="hidden" name="t" value="[^"]+"><button type="submit" class="big">Acknowledge<\/button><\/form>/);
    expect(page.html).not.toMatch(/<script(?![^>]*src=)/);
    // A second prefetch, as scanners do: still nothing.
    await browse(link);
    const after = await get(incident.id);
    expect(after.acknowledgedAt).toBeUndefined();
    expect(after.phase).toBe('discover');
  });

  it('confirming (POST) acknowledges as the paged person, audited as them via the signed link', async () => {
    const token = new URL(link).searchParams.get('t')!;
    const done = await browse(`${stack.url}/console/ack`, { t: token });
    expect(done.status).toBe(200);
    expect(done.html).toContain('Acknowledged');
    const after = await get(incident.id);
    expect(after.acknowledgedBy).toBe(person);
    expect(after.phase).toBe('act');
    const acknowledged = after.timeline.find((event) => event.type === 'acknowledged');
    expect(acknowledged?.by).toBe(person);
    await vi.waitFor(async () => {
      const entries = await auditOf(person);
      expect(entries).toContainEqual(
        expect.objectContaining({
          actor: person,
          principal: 'signed-link',
          action: 'acknowledge',
          outcome: 'done',
          status: 200,
          target: `/api/v1/incidents/${incident.id}`,
          detail: expect.objectContaining({ via: 'signed link' }),
        }),
      );
    });
  });

  it('a second use is refused, saying who acknowledged; so is opening it again', async () => {
    const token = new URL(link).searchParams.get('t')!;
    const again = await browse(`${stack.url}/console/ack`, { t: token });
    expect(again.status).toBe(410);
    expect(again.html).toContain('This link was already used');
    expect(again.html).toContain(`Acknowledged by <strong>${stack.policies.current.people[person].name}</strong>`);
    expect(again.html).toContain(`href="/console/incidents/${incident.id}"`);
    const reopened = await browse(link);
    expect(reopened.status).toBe(410);
    expect(reopened.html).toContain('already used');
    // The store, shared by every Marshal process and kept across restarts, holds the use.
    const nonce = JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString()).n as string;
    expect(await stack.store!.usedLinks.find(nonce)).toMatchObject({ person });
  });

  it('a tampered signature is refused (403), audited, and acknowledges nothing', async () => {
    const other = (await api.post<IncidentView>('/api/v1/incidents', { title: 'Second incident', severity: 'SEV3', service: 'api-gateway' })).body;
    const genuine = await signActionLink(SECRET, { purpose: 'acknowledge', personId: person, incidentId: other.id });
    const [payload, signature] = genuine.split('.');
    const tampered = `${payload}.${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    for (const page of [await browse(`${stack.url}/console/ack?t=${tampered}`), await browse(`${stack.url}/console/ack`, { t: tampered })]) {
      expect(page.status).toBe(403);
      expect(page.html).toContain('This link cannot be used');
      expect(page.html).toContain('not signed by this Marshal');
    }
    // Someone else's link with this person's name swapped in: the signature no longer holds either.
    const forSomeoneElse = await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'somebody', incidentId: other.id });
    const swapped = `${Buffer.from(Buffer.from(forSomeoneElse.split('.')[0], 'base64url').toString().replace('"somebody"', `"${person}"`)).toString('base64url')}.${forSomeoneElse.split('.')[1]}`;
    expect((await browse(`${stack.url}/console/ack`, { t: swapped })).status).toBe(403);
    expect((await get(other.id)).acknowledgedAt).toBeUndefined();
    await vi.waitFor(async () => {
      const refusals = (await auditOf('anonymous')).filter((entry) => entry.principal === 'signed-link' && entry.outcome === 'denied');
      expect(refusals.length).toBeGreaterThanOrEqual(2);
      expect(refusals[0].detail).toMatchObject({ via: 'signed link', refused: 'link_not_genuine' });
    });
  });

  it('expired (410), wrong purpose (403), unknown person (403), unknown incident (404) and hostile tokens (400) each get a refusal page', async () => {
    const target = (await api.post<IncidentView>('/api/v1/incidents', { title: 'Third incident', severity: 'SEV3', service: 'api-gateway' })).body;
    const expired = await signActionLink(SECRET, { purpose: 'acknowledge', personId: person, incidentId: target.id }, { now: Date.now() - 25 * 3_600_000 });
    const purpose = await signActionLink(SECRET, { purpose: 'resolve' as LinkPurpose, personId: person, incidentId: target.id });
    const stranger = await signActionLink(SECRET, { purpose: 'acknowledge', personId: 'not-in-policy', incidentId: target.id });
    const nowhere = await signActionLink(SECRET, { purpose: 'acknowledge', personId: person, incidentId: 'zzzz0000nothere' });
    // Tokens as sent on the wire (percent-encoded), in the query string and in the form body alike.
    const cases: [string, number, string][] = [
      [expired, 410, 'expired'],
      [purpose, 403, 'is for &#34;resolve&#34;'],
      [stranger, 403, 'no longer in Marshal'],
      [nowhere, 404, 'cannot be used'],
      ['', 400, 'incomplete or damaged'],
      ['a%00b.c', 400, '&#34;t&#34; holds a'],
      // Invalid UTF-8 arrives as U+FFFD (the parsers repair it): a damaged token.
      ['%ED%A0%80.x', 400, 'incomplete or damaged'],
      ['%FF%FE.x', 400, 'incomplete or damaged'],
      ['x'.repeat(10_000), 400, 'incomplete or damaged'],
    ];
    for (const [token, status, says] of cases) {
      const pages = [
        await browse(`${stack.url}/console/ack?t=${token}`),
        await fetch(`${stack.url}/console/ack`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `t=${token}` }).then(async (r) => ({
          status: r.status,
          html: await r.text(),
        })),
      ];
      for (const page of pages) {
        expect([token.slice(0, 20), page.status]).toEqual([token.slice(0, 20), status]);
        expect(page.html).toContain(says);
        expect(page.html).not.toMatch(/at .+\.ts:\d+/);
      }
    }
    const huge = await browse(`${stack.url}/console/ack`, { t: 'x'.repeat(500_000) });
    expect(huge.status).toBe(400);
    expect(huge.html).toContain('incomplete or damaged');
    // An array of tokens (t=a&t=b) is not a token.
    expect((await browse(`${stack.url}/console/ack?t=a&t=b`)).status).toBe(400);
    expect((await get(target.id)).acknowledgedAt).toBeUndefined();
  });

  it('a link for an incident someone else acknowledged first says so, without acting', async () => {
    const target = (await api.post<IncidentView>('/api/v1/incidents', { title: 'Fourth incident', severity: 'SEV3', service: 'api-gateway' })).body;
    const token = await signActionLink(SECRET, { purpose: 'acknowledge', personId: person, incidentId: target.id });
    await api.post(`/api/v1/incidents/${target.id}/acknowledge`, {});
    const opened = await browse(`${stack.url}/console/ack?t=${token}`);
    expect(opened.status).toBe(200);
    expect(opened.html).toContain('Someone else already acknowledged this incident');
    expect(opened.html).toContain('Acknowledged by <strong>admin</strong>');
    expect(opened.html).not.toContain('<button type="submit" class="big">');
    const posted = await browse(`${stack.url}/console/ack`, { t: token });
    expect(posted.status).toBe(409);
    expect(posted.html).toContain('Someone else already acknowledged this incident');
    expect((await get(target.id)).acknowledgedBy).toBe('admin');
  });
});
