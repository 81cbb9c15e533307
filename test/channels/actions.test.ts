import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSmtpTransports, deliver, slackMessage, webhookPayload, type NotificationAction } from '../../activities/channels';
import { notification } from './fixtures';
import { startSmtpServer, startWebhookReceiver, type SmtpTestServer, type WebhookReceiver } from './receivers';

const CONSOLE = 'http://127.0.0.1:8080/console/incidents/inc42';
const ACK = 'http://127.0.0.1:8080/console/ack?t=eyJwIjoiYWNrbm93bGVkZ2UifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dQ';
const acknowledge: NotificationAction = { kind: 'acknowledge', label: 'Acknowledge', url: ACK };
const postUpdate: NotificationAction = { kind: 'post-update', label: 'Post an update', url: `${CONSOLE}#u-message` };

describe('a page carries its actions on every channel', () => {
  let smtp: SmtpTestServer;
  let hooks: WebhookReceiver;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    hooks = await startWebhookReceiver();
  });
  afterAll(async () => {
    closeSmtpTransports();
    await smtp.close();
    await hooks.close();
  });

  it('email: the Acknowledge link first in the text part, a button in the HTML part, and the console link', async () => {
    const n = notification({ key: 'inc42:3:alice', url: CONSOLE, actions: [acknowledge] });
    await deliver(n, { kind: 'email', address: 'alice@example.com' }, { smtp: { host: smtp.host, port: smtp.port, from: 'marshal@example.com' } });
    const [mail] = await smtp.waitFor(1);
    const lines = mail.text.split('\n');
    expect(lines[2]).toBe(`Acknowledge: ${ACK}`);
    expect(mail.text).toContain(`Open incident: ${CONSOLE}`);
    expect(mail.html).toContain(`<a href="${ACK.replace(/&/g, '&#38;')}" style="`);
    expect(mail.html).toContain('>Acknowledge</a>');
    expect(mail.html).toContain(`<a href="${CONSOLE}">Open incident</a>`);
  });

  it('Slack: Acknowledge is the primary button before "Open incident", and the text fallback carries both links', () => {
    const message = slackMessage(notification({ url: CONSOLE, actions: [acknowledge] }));
    const actions = message.blocks.at(-1) as { type: string; elements: Record<string, unknown>[] };
    expect(actions.type).toBe('actions');
    expect(actions.elements).toEqual([
      { type: 'button', text: { type: 'plain_text', text: 'Acknowledge' }, url: ACK, action_id: 'acknowledge', style: 'primary' },
      { type: 'button', text: { type: 'plain_text', text: 'Open incident' }, url: CONSOLE, action_id: 'open-incident' },
    ]);
    expect(message.text.split('\n').slice(1)).toEqual([`Acknowledge: ${ACK}`, CONSOLE]);
  });

  it('Slack over a real incoming-webhook receiver: a reminder carries "Post an update"', async () => {
    await deliver(notification({ key: 'inc42:9:alice', kind: 'reminder', url: CONSOLE, actions: [postUpdate] }), { kind: 'slack', webhookUrlEnv: 'HOOK' }, { env: { HOOK: `${hooks.url}/slack` } });
    const got = hooks.received.find((r) => r.key === 'inc42:9:alice')!;
    const blocks = (got.json as { blocks: { type: string; elements?: { text: { text: string }; url: string; style?: string }[] }[] }).blocks;
    const buttons = blocks.find((b) => b.type === 'actions')!.elements!;
    expect(buttons.map((b) => [b.text.text, b.url, b.style])).toEqual([
      ['Post an update', `${CONSOLE}#u-message`, undefined],
      ['Open incident', CONSOLE, undefined],
    ]);
  });

  it('a link that is not http(s) never becomes a button', () => {
    const message = slackMessage(notification({ url: CONSOLE, actions: [{ ...acknowledge, url: 'javascript:alert(1)' }] }));
    const actions = message.blocks.at(-1) as { elements: { url: string }[] };
    expect(actions.elements.map((b) => b.url)).toEqual([CONSOLE]);
  });

  it('webhook: the payload lists the actions and links the incident to its console page', async () => {
    expect(webhookPayload(notification({ url: CONSOLE, actions: [acknowledge] }))).toMatchObject({
      version: 1,
      incident: { id: 'INC-42', url: CONSOLE },
      actions: [{ kind: 'acknowledge', label: 'Acknowledge', url: ACK }],
    });
    expect(webhookPayload(notification({ kind: 'info' })).actions).toEqual([]);
    await deliver(notification({ key: 'inc42:4:alice', url: CONSOLE, actions: [acknowledge] }), { kind: 'webhook', url: `${hooks.url}/generic` });
    const got = hooks.received.find((r) => r.key === 'inc42:4:alice')!;
    expect((got.json as { actions: NotificationAction[] }).actions).toEqual([acknowledge]);
  });
});
