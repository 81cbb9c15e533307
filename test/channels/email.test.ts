import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSmtpTransports, deliver, messageIdFor, PermanentDeliveryError, smtpSettingsFromPolicy, TransientDeliveryError } from '../../activities/channels';
import type { SmtpSettings } from '../../activities/channels';
import { notification } from './fixtures';
import { startSmtpServer, type SmtpTestServer } from './receivers';

describe('email over a real SMTP server', () => {
  let smtp: SmtpTestServer;
  let settings: SmtpSettings;
  beforeAll(async () => {
    smtp = await startSmtpServer({ rejectRecipients: ['nobody@example.com'] });
    settings = { host: smtp.host, port: smtp.port, from: 'marshal@example.com' };
  });
  afterAll(async () => {
    closeSmtpTransports();
    await smtp.close();
  });

  it('sends subject, recipient, a key-derived Message-ID and the idempotency header', async () => {
    const n = notification({ key: 'INC-42:7:bob', recipient: { personId: 'bob', name: 'Bob Okafor' } });
    const result = await deliver(n, { kind: 'email', address: 'bob@example.com' }, { smtp: settings });
    expect(result).toEqual({ channel: 'email', target: 'bob@example.com', outcome: 'delivered', messageId: messageIdFor('INC-42:7:bob') });
    expect(result.messageId).toMatch(/^<[0-9a-f]{32}@marshal>$/);

    const [mail] = await smtp.waitFor(1);
    expect(mail.envelopeTo).toEqual(['bob@example.com']);
    expect(mail.envelopeFrom).toBe('marshal@example.com');
    expect(mail.headers.to).toBe('bob@example.com');
    expect(mail.subject).toBe('[SEV1] Checkout returns 500s — You are paged: acknowledge within 5 minutes');
    expect(mail.messageId).toBe(result.messageId);
    expect(mail.headers['x-marshal-idempotency-key']).toBe('INC-42:7:bob');
    expect(mail.text).toContain('Error rate on checkout-api is 12%.');
    expect(mail.text).toContain('http://127.0.0.1:8080/incidents/INC-42');
    expect(mail.html).toContain('<a href="http://127.0.0.1:8080/incidents/INC-42">Open incident</a>');
  });

  it('a retried delivery carries the same Message-ID; another key gets another', async () => {
    const n = notification({ key: 'INC-42:8:bob' });
    const contact = { kind: 'email', address: 'bob@example.com' } as const;
    const first = await deliver(n, contact, { smtp: settings });
    const retry = await deliver(n, contact, { smtp: settings });
    const other = await deliver(notification({ key: 'INC-42:9:bob' }), contact, { smtp: settings });
    expect(retry.messageId).toBe(first.messageId);
    expect(other.messageId).not.toBe(first.messageId);
    const ids = smtp.received.map((m) => m.messageId);
    expect(ids.filter((id) => id === first.messageId)).toHaveLength(2);
    // What a mailbox that dedupes on Message-ID shows: one message per key.
    expect(new Set(ids).size).toBe(ids.length - 1);
  });

  it('keeps a newline in a title out of the headers', async () => {
    await deliver(notification({ key: 'INC-44:1:bob', incidentTitle: 'Two\nlines\r\nBcc: eve@example.com' }), { kind: 'email', address: 'bob@example.com' }, { smtp: settings });
    const mail = smtp.received.find((m) => m.headers['x-marshal-idempotency-key'] === 'INC-44:1:bob')!;
    expect(mail.subject).toBe('[SEV1] Two lines Bcc: eve@example.com — You are paged: acknowledge within 5 minutes');
    expect(mail.headers.bcc).toBeUndefined();
    expect(mail.envelopeTo).toEqual(['bob@example.com']);
  });

  it('a refused recipient (550) is permanent, a 451 transient, no SMTP settings permanent', async () => {
    await expect(deliver(notification(), { kind: 'email', address: 'nobody@example.com' }, { smtp: settings })).rejects.toMatchObject({
      name: 'PermanentDeliveryError',
      status: 550,
    });
    smtp.failNext(1);
    await expect(deliver(notification(), { kind: 'email', address: 'bob@example.com' }, { smtp: settings })).rejects.toBeInstanceOf(TransientDeliveryError);
    await expect(deliver(notification(), { kind: 'email', address: 'bob@example.com' }, {})).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});

describe('SMTP with authentication', () => {
  it('logs in with the resolved credentials; wrong ones fail permanently', async () => {
    const smtp = await startSmtpServer({ auth: { user: 'marshal', pass: 'hunter2' } });
    try {
      const base = { host: smtp.host, port: smtp.port, from: 'marshal@example.com', user: 'marshal' };
      const contact = { kind: 'email', address: 'carol@example.com' } as const;
      await deliver(notification(), contact, { smtp: { ...base, password: 'hunter2' } });
      expect(smtp.received).toHaveLength(1);
      await expect(deliver(notification(), contact, { smtp: { ...base, password: 'wrong' } })).rejects.toBeInstanceOf(PermanentDeliveryError);
    } finally {
      closeSmtpTransports();
      await smtp.close();
    }
  });
});

describe('SMTP settings', () => {
  const smtp = { host: 'localhost', port: 2525, from: 'marshal@example.com', userEnv: 'T_SMTP_USER', passwordEnv: 'T_SMTP_PASSWORD' };

  it('sends without login to a local relay when neither credential variable is set; refuses half a login', () => {
    expect(smtpSettingsFromPolicy(smtp, {})).toMatchObject({ user: undefined, password: undefined });
    expect(smtpSettingsFromPolicy(smtp, { T_SMTP_USER: 'u', T_SMTP_PASSWORD: 'p' })).toMatchObject({ user: 'u', password: 'p' });
    expect(() => smtpSettingsFromPolicy(smtp, { T_SMTP_USER: 'u' })).toThrow(/both T_SMTP_USER and T_SMTP_PASSWORD/);
  });

  it('honours the TLS setting against a real server that offers no STARTTLS', async () => {
    const server = await startSmtpServer();
    try {
      const base = { host: server.host, port: server.port, from: 'marshal@example.com' };
      const contact = { kind: 'email', address: 'dana@example.com' } as const;
      await deliver(notification(), contact, { smtp: { ...base, tls: 'none' } });
      expect(server.received).toHaveLength(1);
      // Required STARTTLS against a server that cannot: refused, nothing sent in the clear.
      await expect(deliver(notification(), contact, { smtp: { ...base, tls: 'starttls' } })).rejects.toThrow();
      expect(server.received).toHaveLength(1);
    } finally {
      closeSmtpTransports();
      await server.close();
    }
  });
});
