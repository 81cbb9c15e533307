/**
 * Reachable from the first start: the shipped policy's contacts (email through an SMTP port nobody listens
 * on, a Slack contact whose variable is unset, webhooks that cannot connect) with nothing set up. A SEV2 is
 * declared over the API; the on-call person's page is in their console inbox within seconds, "My pages"
 * shows it with Acknowledge, one click acknowledges as them; the incident shows each failing channel's real
 * error; /healthz names the channels that cannot work and why. Hostile titles render escaped.
 */
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IncidentView } from '../../workflows/incident-view';
import { startSmtpServer } from '../channels/receivers';
import { apiClient, firstPaged, repoRoot, startTestStack, type TestStack } from '../support/stack';
import { consoleClient } from '../web/console-client';

/** A local port with nobody listening: connections to it are refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The shipped config/ as it is, except that nothing it names can leave the machine. */
function shippedPolicy(port: number): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'marshal-shipped-')), 'config');
  cpSync(join(repoRoot, 'config'), dir, { recursive: true });
  const edit = (path: string, change: (text: string) => string) => writeFileSync(join(dir, path), change(readFileSync(join(dir, path), 'utf8')));
  edit('integrations.yaml', (text) => text.replace('host: localhost', 'host: 127.0.0.1').replace('port: 2525', `port: ${port}`));
  for (const team of ['payments.yaml', 'web.yaml', 'platform.yaml']) edit(`teams/${team}`, (text) => text.replaceAll('https://pager.example.com', `http://127.0.0.1:${port}`));
  return dir;
}

let stack: TestStack;
let port: number;
let policyDir: string;
const api = () => apiClient(stack.url, stack.token);

beforeAll(async () => {
  port = await closedPort();
  policyDir = shippedPolicy(port);
  stack = await startTestStack({ policy: { kind: 'directory', dir: policyDir }, policyIntervalMs: 500 });
});
afterAll(async () => stack?.stop());

describe('the console inbox with the shipped policy and nothing set up', () => {
  it("puts the on-call person's page in their inbox within seconds, and Acknowledge there records them", async () => {
    const declaredAt = Date.now();
    const { status, body: incident } = await api().post<IncidentView>('/api/v1/incidents', { title: 'Checkout returns 500s', severity: 'SEV2', service: 'checkout-api' });
    expect(status).toBe(201);
    const paged = await firstPaged(api(), incident.id);
    const entry = await vi.waitFor(
      async () => {
        const [found] = (await stack.store!.inbox.of(paged)).filter((item) => item.incidentId === incident.id);
        expect(found).toBeDefined();
        return found;
      },
      { timeout: 15_000, interval: 25 },
    );
    console.log(`declare → page in ${paged}'s inbox: ${Date.parse(entry.deliveredAt) - declaredAt} ms (store clock), ${Date.now() - declaredAt} ms observed`);
    expect(entry).toMatchObject({ kind: 'page', severity: 'SEV2', incidentTitle: 'Checkout returns 500s' });

    // Signed in as the paged person: the badge counts it, the list points to My pages, My pages offers Acknowledge.
    const browser = consoleClient(stack.url);
    await browser.signIn(stack.token, paged);
    const list = await browser.get('/console');
    expect(list.html).toContain('aria-label="My pages: 1 waiting for you"');
    expect(list.html).toContain('1 incident paged you and waits for acknowledgement.');
    const mine = await browser.get('/console/mine');
    expect(mine.status).toBe(200);
    expect(mine.html).toContain(`href="/console/incidents/${incident.id}"`);
    expect(mine.html).toContain('Checkout returns 500s');
    expect(mine.html).toContain('<span class="flag">Unacknowledged</span>');
    expect(mine.html).toContain(`action="/console/incidents/${incident.id}/acknowledge"`);

    // Someone else's inbox does not show it.
    const other = consoleClient(stack.url);
    await other.signIn(stack.token, paged === 'wendy' ? 'sybil' : 'wendy');
    expect((await other.get('/console/mine')).html).not.toContain(incident.id);

    const acknowledged = await browser.post(`/console/incidents/${incident.id}/acknowledge`, { _csrf: browser.hidden(mine.html, '_csrf')!, _back: 'mine' });
    expect(acknowledged.status).toBe(303);
    expect(acknowledged.location).toBe('/console/mine?done=acknowledged');
    const view = (await api().get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body;
    expect(view.acknowledgedBy).toBe(paged);
    // Audited as that person's console write, made under the admin token's session (the embedded default's sign-in).
    await vi.waitFor(
      async () => {
        const { body } = await api().get(`/api/v1/audit?actor=${paged}`);
        expect(body.events).toContainEqual(expect.objectContaining({ actor: paged, principal: 'admin-token', target: `/console/incidents/${incident.id}/acknowledge`, outcome: 'done' }));
      },
      { timeout: 10_000, interval: 100 },
    );
    const after = await browser.get(acknowledged.location!);
    expect(after.html).toContain('Acknowledged: paging has stopped.');
    expect(after.html).not.toContain(`action="/console/incidents/${incident.id}/acknowledge"`);
    expect(after.html).not.toContain('class="badge"');

    // The incident shows the inbox delivery and each outside channel's real error, not "sending…".
    const delivered = await vi.waitFor(
      async () => {
        const current = (await api().get<IncidentView>(`/api/v1/incidents/${incident.id}`)).body;
        const page = current.pages.find((item) => item.to === paged && item.outcome !== 'sending');
        expect(page).toBeDefined();
        return page!;
      },
      { timeout: 30_000, interval: 100 },
    );
    expect(delivered.outcome).toBe('delivered');
    expect(delivered.channel).toMatch(/^inbox/);
    expect(delivered.failures?.some((failure) => failure.startsWith('email to ') && failure.includes(`ECONNREFUSED 127.0.0.1:${port}`))).toBe(true);
    const page = await browser.get(`/console/incidents/${incident.id}`);
    expect(page.html).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(page.html).not.toContain('sending…');
  });

  it('renders hostile titles escaped and bounded in My pages', async () => {
    const title = `<img src=x onerror=alert(1)> ${'W'.repeat(150)}`;
    const { body: incident } = await api().post<IncidentView>('/api/v1/incidents', { title, severity: 'SEV2', service: 'checkout-api' });
    const paged = await firstPaged(api(), incident.id);
    const browser = consoleClient(stack.url);
    await browser.signIn(stack.token, paged);
    const mine = await vi.waitFor(
      async () => {
        const answer = await browser.get('/console/mine');
        expect(answer.html).toContain(incident.id);
        return answer;
      },
      { timeout: 15_000, interval: 50 },
    );
    expect(mine.html).not.toContain('<img src=x');
    expect(mine.html).toContain('&#60;img src=x onerror=alert(1)&#62;');
    // A NUL in a title never reaches an inbox: the API refuses it, naming the field.
    const refused = await api().post('/api/v1/incidents', { title: 'a\u0000b', severity: 'SEV2', service: 'checkout-api' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('title');
  });

  it('/healthz names the people whose channels cannot work here, and why', async () => {
    const health = await apiClient(stack.url, undefined).get('/healthz');
    expect(health.status).toBe(200);
    const { channels } = health.body;
    expect(channels.unreachableCount).toBe(0);
    expect(channels.people).toBeGreaterThan(10);
    const alice = channels.degraded.find((entry: { person: string }) => entry.person === 'alice');
    expect(alice.working).toEqual(['inbox']);
    expect(alice.broken).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'slack', why: 'environment variable PAYMENTS_SLACK_WEBHOOK_URL (the webhook URL) is not set' }),
        expect.objectContaining({ channel: 'email', why: expect.stringContaining(`the SMTP server 127.0.0.1:${port} does not answer: connect ECONNREFUSED`) }),
      ]),
    );
  });

  it('judges the channels again when the policy changes: an SMTP server that answers makes email work', async () => {
    const smtp = await startSmtpServer();
    try {
      writeFileSync(join(policyDir, 'integrations.yaml'), readFileSync(join(policyDir, 'integrations.yaml'), 'utf8').replace(`port: ${port}`, `port: ${smtp.port}`));
      const channels = await vi.waitFor(
        async () => {
          const { body } = await apiClient(stack.url, undefined).get('/healthz');
          expect(body.channels.policyVersion).toBe(stack.policies.current.version);
          expect(body.channels.degraded.some((entry: { person: string }) => entry.person === 'carol')).toBe(false);
          return body.channels;
        },
        { timeout: 20_000, interval: 250 },
      );
      // Alice's Slack variable is still unset: only that is said of her now.
      expect(channels.degraded.find((entry: { person: string }) => entry.person === 'alice').broken.map((broken: { channel: string }) => broken.channel)).toEqual(['slack']);
    } finally {
      await smtp.close();
    }
  });
});
