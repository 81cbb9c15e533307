import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSmtpTransports, deliver, deliverWithFallback, TransientDeliveryError, type ContactChannel, type SmtpSettings } from '../../activities/channels';
import { notification } from './fixtures';
import { startSmtpServer, startWebhookReceiver, type SmtpTestServer, type WebhookReceiver } from './receivers';

describe('falling back along a person’s channels', () => {
  let failing: WebhookReceiver;
  let smtp: SmtpTestServer;
  let smtpSettings: SmtpSettings;
  beforeAll(async () => {
    failing = await startWebhookReceiver({ failFirst: Infinity, failStatus: 500 });
    smtp = await startSmtpServer();
    smtpSettings = { host: smtp.host, port: smtp.port, from: 'marshal@example.com' };
  });
  afterAll(async () => {
    closeSmtpTransports();
    await Promise.all([failing.close(), smtp.close()]);
  });

  it('a webhook answering 500 falls back to email, and the failure is reported', async () => {
    const contacts: ContactChannel[] = [
      { kind: 'webhook', url: failing.url },
      { kind: 'email', address: 'bob@example.com' },
    ];
    const outcome = await deliverWithFallback(notification({ key: 'INC-42:7:bob' }), contacts, { smtp: smtpSettings });
    expect(outcome.delivered).toMatchObject({ channel: 'email', target: 'bob@example.com', outcome: 'delivered' });
    expect(outcome.failures).toEqual([{ channel: 'webhook', target: `127.0.0.1:${failing.port}`, error: expect.stringContaining('answered 500'), retryable: true }]);
    expect(smtp.received.map((m) => m.envelopeTo)).toEqual([['bob@example.com']]);
    // The result crosses the activity boundary: it must survive JSON.
    expect(JSON.parse(JSON.stringify(outcome))).toEqual(outcome);
  });

  it('stops at the first channel that delivers', async () => {
    const before = smtp.received.length;
    const outcome = await deliverWithFallback(
      notification(),
      [
        { kind: 'email', address: 'alice@example.com' },
        { kind: 'webhook', url: failing.url },
      ],
      { smtp: smtpSettings },
    );
    expect(outcome).toEqual({ delivered: expect.objectContaining({ channel: 'email' }), failures: [] });
    expect(smtp.received.length).toBe(before + 1);
  });

  it('reports every failure when nothing delivers, and never throws', async () => {
    const outcome = await deliverWithFallback(
      notification(),
      [
        { kind: 'slack', webhookUrlEnv: 'UNSET_SLACK_URL' },
        { kind: 'webhook', url: failing.url },
      ],
      { env: {} },
    );
    expect(outcome.delivered).toBeUndefined();
    expect(outcome.failures.map((f) => [f.channel, f.target, f.retryable])).toEqual([
      ['slack', 'UNSET_SLACK_URL', false],
      ['webhook', `127.0.0.1:${failing.port}`, true],
    ]);
    expect(await deliverWithFallback(notification(), [])).toEqual({ failures: [] });
  });

  it('uses the attempt it is given, e.g. one that retries a channel before falling back', async () => {
    const retrying = await startWebhookReceiver({ failFirst: 2 });
    try {
      const tries: string[] = [];
      const outcome = await deliverWithFallback(notification(), [{ kind: 'webhook', url: retrying.url }], {}, async (n, c, s) => {
        for (let i = 1; ; i++) {
          tries.push(`${c.kind}#${i}`);
          try {
            return await deliver(n, c, s);
          } catch (error) {
            if (!(error instanceof TransientDeliveryError) || i === 3) throw error;
          }
        }
      });
      expect(tries).toEqual(['webhook#1', 'webhook#2', 'webhook#3']);
      expect(outcome.delivered?.channel).toBe('webhook');
      expect(retrying.received).toHaveLength(1);
    } finally {
      await retrying.close();
    }
  });
});
