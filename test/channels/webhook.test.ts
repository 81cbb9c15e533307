import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, PermanentDeliveryError, signWebhook, TransientDeliveryError, verifyWebhookSignature, type ContactChannel } from '../../activities/channels';
import { notification } from './fixtures';
import { startWebhookReceiver, type WebhookReceiver } from './receivers';

const SECRET = 'test-signing-secret';
const env = { PAGER_SIGNING_SECRET: SECRET };

describe('verifyWebhookSignature', () => {
  const body = '{"hello":"world"}';
  const now = new Date('2026-03-02T10:00:00Z');
  const ts = Math.floor(now.getTime() / 1000);

  it('accepts a fresh signature over timestamp and body', () => {
    expect(verifyWebhookSignature(SECRET, ts, body, signWebhook(SECRET, ts, body), now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, String(ts), Buffer.from(body), signWebhook(SECRET, ts, body), now)).toBe(true);
  });

  it('refuses a tampered body, signature, secret or timestamp', () => {
    const signature = signWebhook(SECRET, ts, body);
    expect(verifyWebhookSignature(SECRET, ts, body.replace('world', 'there'), signature, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, body, signature.slice(0, -1) + (signature.endsWith('0') ? '1' : '0'), now)).toBe(false);
    expect(verifyWebhookSignature('another-secret', ts, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts + 1, body, signature, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts, body, undefined, now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, 'soon', body, signature, now)).toBe(false);
  });

  it('refuses a timestamp older than five minutes (a replay), or as far in the future', () => {
    const old = ts - 301;
    expect(verifyWebhookSignature(SECRET, old, body, signWebhook(SECRET, old, body), now)).toBe(false);
    expect(verifyWebhookSignature(SECRET, ts - 300, body, signWebhook(SECRET, ts - 300, body), now)).toBe(true);
    expect(verifyWebhookSignature(SECRET, ts + 301, body, signWebhook(SECRET, ts + 301, body), now)).toBe(false);
  });

  it('accepts any of several signatures, for secret rotation', () => {
    const header = `${signWebhook('old-secret', ts, body)}, ${signWebhook(SECRET, ts, body)}`;
    expect(verifyWebhookSignature(SECRET, ts, body, header, now)).toBe(true);
  });
});

describe('webhook delivery to a real receiver', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver({ secret: SECRET });
  });
  afterAll(() => receiver.close());
  const contact = (): ContactChannel => ({ kind: 'webhook', url: receiver.url, signingSecretEnv: 'PAGER_SIGNING_SECRET' });

  it('posts signed JSON with the idempotency key, and the receiver verifies it', async () => {
    const n = notification({ key: 'INC-42:1:alice' });
    const result = await deliver(n, contact(), { env });
    expect(result).toEqual({ channel: 'webhook', target: `127.0.0.1:${receiver.port}`, outcome: 'delivered', status: 200 });
    const [got] = await receiver.waitFor(1);
    expect(got.key).toBe('INC-42:1:alice');
    expect(got.headers['x-marshal-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(got.json).toMatchObject({
      version: 1,
      key: 'INC-42:1:alice',
      kind: 'page',
      incident: { id: 'INC-42', title: 'Checkout returns 500s', severity: 'SEV1', team: 'payments', service: 'checkout-api' },
      recipient: { personId: 'alice', name: 'Alice Moreau' },
    });
  });

  it('a retried delivery carries the same key and is counted once', async () => {
    const n = notification({ key: 'INC-42:2:alice' });
    await deliver(n, contact(), { env });
    await deliver(n, contact(), { env }); // as a Temporal retry after a lost response would
    const forKey = (outcome: string) => receiver.requests.filter((r) => r.key === n.key && r.outcome === outcome);
    expect(forKey('accepted')).toHaveLength(1);
    expect(forKey('duplicate')).toHaveLength(1);
    expect(receiver.received.filter((r) => r.key === n.key)).toHaveLength(1);
  });

  it('a failed attempt then a retry is delivered once', async () => {
    const n = notification({ key: 'INC-42:3:alice' });
    receiver.failNext(1, 503);
    await expect(deliver(n, contact(), { env })).rejects.toBeInstanceOf(TransientDeliveryError);
    await deliver(n, contact(), { env });
    expect(receiver.received.filter((r) => r.key === n.key)).toHaveLength(1);
  });

  it('an unsigned request is refused by the receiver, and that refusal is permanent', async () => {
    const error = await deliver(notification(), { kind: 'webhook', url: receiver.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PermanentDeliveryError);
    expect(error).toMatchObject({ status: 401, retryable: false, name: 'PermanentDeliveryError' });
    expect(receiver.requests.at(-1)?.outcome).toBe('rejected');
  });

  it('a named but unset signing secret fails permanently, naming the variable, without sending', async () => {
    const before = receiver.requests.length;
    await expect(deliver(notification(), contact(), { env: {} })).rejects.toThrow(/PAGER_SIGNING_SECRET/);
    await expect(deliver(notification(), contact(), { env: {} })).rejects.toBeInstanceOf(PermanentDeliveryError);
    expect(receiver.requests.length).toBe(before);
  });
});

describe('webhook failure classification', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());
  const attempt = (status: number) => {
    receiver.failNext(1, status);
    return deliver(notification(), { kind: 'webhook', url: receiver.url }).catch((e: unknown) => e);
  };

  it('400, 404 and redirects are permanent', async () => {
    for (const status of [400, 404, 302]) {
      const error = await attempt(status);
      expect(error, String(status)).toBeInstanceOf(PermanentDeliveryError);
      expect(error).toMatchObject({ status, channel: 'webhook' });
    }
  });

  it('503, 500, 408 and 429 are transient', async () => {
    for (const status of [503, 500, 408, 429]) {
      const error = await attempt(status);
      expect(error, String(status)).toBeInstanceOf(TransientDeliveryError);
      expect(error).toMatchObject({ status, retryable: true, name: 'TransientDeliveryError' });
    }
  });

  it('a refused connection is transient; a malformed URL is permanent; neither leaks the path', async () => {
    const closed = await startWebhookReceiver();
    await closed.close();
    const refused = await deliver(notification(), { kind: 'webhook', url: `${closed.url}?token=hush` }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TransientDeliveryError);
    expect((refused as Error).message).toContain('ECONNREFUSED');
    expect((refused as Error).message).not.toContain('hush');
    await expect(deliver(notification(), { kind: 'webhook', url: 'ftp://example.com/x' })).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
