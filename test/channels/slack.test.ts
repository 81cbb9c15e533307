import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, PermanentDeliveryError, TransientDeliveryError } from '../../activities/channels';
import { notification } from './fixtures';
import { startWebhookReceiver, type WebhookReceiver } from './receivers';

describe('Slack-compatible incoming webhook', () => {
  let slack: WebhookReceiver;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    slack = await startWebhookReceiver();
    env = { PAYMENTS_SLACK_WEBHOOK_URL: `${slack.url}/T000/B000/secret-token` };
  });
  afterAll(() => slack.close());

  it('posts Block Kit with a text fallback, and names the variable rather than the URL', async () => {
    const n = notification({ key: 'INC-42:9:alice' });
    const result = await deliver(n, { kind: 'slack', webhookUrlEnv: 'PAYMENTS_SLACK_WEBHOOK_URL' }, { env });
    expect(result).toEqual({ channel: 'slack', target: 'PAYMENTS_SLACK_WEBHOOK_URL', outcome: 'delivered', status: 200 });

    const [got] = await slack.waitFor(1);
    expect(got.path).toBe('/hook/T000/B000/secret-token');
    expect(got.key).toBe('INC-42:9:alice');
    const message = got.json as { text: string; blocks: { type: string; [k: string]: unknown }[] };
    expect(message.text).toBe('[SEV1] Checkout returns 500s — You are paged: acknowledge within 5 minutes\nhttp://127.0.0.1:8080/incidents/INC-42');
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context', 'actions']);
    const [header, section, context, actions] = message.blocks;
    expect(header.text).toEqual({ type: 'plain_text', text: 'SEV1 · Checkout returns 500s', emoji: true });
    expect(section).toMatchObject({ text: { type: 'mrkdwn', text: expect.stringContaining('*You are paged') } });
    expect(section.fields).toEqual(
      expect.arrayContaining([
        { type: 'mrkdwn', text: '*Team*\npayments' },
        { type: 'mrkdwn', text: '*Service*\ncheckout-api' },
      ]),
    );
    expect(context).toMatchObject({ elements: [{ type: 'mrkdwn', text: expect.stringMatching(/^Page · INC-42 · <!date\^\d+\^/) }] });
    expect(actions).toMatchObject({
      elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open incident' }, url: 'http://127.0.0.1:8080/incidents/INC-42' }],
    });
  });

  it('escapes mrkdwn control characters and omits what is unknown', async () => {
    await deliver(
      notification({ key: 'INC-43:1:alice', headline: 'p99 > 2s & <rising>', team: undefined, service: undefined, url: undefined }),
      { kind: 'slack', webhookUrlEnv: 'PAYMENTS_SLACK_WEBHOOK_URL' },
      { env },
    );
    const got = slack.received.find((r) => r.key === 'INC-43:1:alice')!;
    const message = got.json as { blocks: { type: string; text?: { text: string }; fields?: { text: string }[] }[] };
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(message.blocks[1].text?.text).toContain('*p99 &gt; 2s &amp; &lt;rising&gt;*');
    expect(message.blocks[1].fields?.map((f) => f.text.split('\n')[0])).toEqual(['*Severity*', '*For*']);
  });

  it('an unset variable is a permanent failure naming it', async () => {
    const error = await deliver(notification(), { kind: 'slack', webhookUrlEnv: 'WEB_SLACK_WEBHOOK_URL' }, { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect((error as Error).message).toContain('WEB_SLACK_WEBHOOK_URL');
  });

  it("Slack's 404 no_service is permanent, its 429 rate limit transient; the URL stays out of messages", async () => {
    const contact = { kind: 'slack', webhookUrlEnv: 'PAYMENTS_SLACK_WEBHOOK_URL' } as const;
    slack.failNext(1, 404);
    const gone = await deliver(notification(), contact, { env }).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(PermanentDeliveryError);
    expect((gone as Error).message).not.toContain('secret-token');
    slack.failNext(1, 429);
    await expect(deliver(notification(), contact, { env })).rejects.toBeInstanceOf(TransientDeliveryError);
  });
});
