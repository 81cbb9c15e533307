/** Which channels reach each person, judged against the environment: the start-up and /healthz report. */
import { describe, expect, it } from 'vitest';
import { loadPolicyDir } from '../../policy/io/load';
import { channelReport, channelReportLines, contactsOf, outsideContacts } from '../../policy/contacts';
import type { Policy } from '../../policy/types';
import { configCopy, examplePolicy } from './helpers';

const shipped = examplePolicy();

describe('contacts', () => {
  it('puts the console inbox first for everyone, listed or not, once', () => {
    expect(contactsOf({ contacts: [{ kind: 'email', address: 'a@example.com' }] })).toEqual([{ kind: 'inbox' }, { kind: 'email', address: 'a@example.com' }]);
    expect(contactsOf({ contacts: [{ kind: 'email', address: 'a@example.com' }, { kind: 'inbox' }] })).toEqual([{ kind: 'inbox' }, { kind: 'email', address: 'a@example.com' }]);
    expect(contactsOf({ contacts: [] })).toEqual([{ kind: 'inbox' }]);
    expect(outsideContacts({ contacts: [{ kind: 'inbox' }] })).toEqual([]);
  });

  it('accepts an inbox contact in a team file and refuses anything else with it, at its line', () => {
    const good = loadPolicyDir(configCopy({ 'teams/web.yaml': (text) => text.replace(/contacts: \[/, 'contacts: [{ kind: inbox }, ') }));
    expect(good.ok).toBe(true);
    const bad = loadPolicyDir(configCopy({ 'teams/web.yaml': (text) => text.replace(/contacts: \[/, "contacts: [{ kind: inbox, address: 'x@example.com' }, ") }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ file: expect.stringContaining('teams/web.yaml'), line: expect.any(Number) });
  });
});

describe('the channel report', () => {
  it('with the shipped policy and nothing set up, names every broken channel and why; the inbox still reaches everyone', () => {
    const report = channelReport(shipped, { env: {}, inbox: true, smtpUnreachable: 'connect ECONNREFUSED 127.0.0.1:2525' });
    expect(report.unreachable).toEqual([]);
    expect(report.people).toBe(Object.keys(shipped.people).length);
    // Wendy's webhook is unsigned and needs nothing from the environment: nothing known says it fails.
    expect(report.degraded.map((entry) => entry.person)).toEqual(
      Object.keys(shipped.people)
        .filter((id) => id !== 'wendy')
        .sort(),
    );
    expect(report.fine).toBe(1);
    const alice = report.degraded.find((entry) => entry.person === 'alice')!;
    expect(alice.working).toEqual(['inbox']);
    expect(alice.broken).toEqual([
      { channel: 'slack', target: 'PAYMENTS_SLACK_WEBHOOK_URL', why: 'environment variable PAYMENTS_SLACK_WEBHOOK_URL (the webhook URL) is not set' },
      { channel: 'email', target: 'alice@example.com', why: 'the SMTP server localhost:2525 does not answer: connect ECONNREFUSED 127.0.0.1:2525' },
    ]);
    const bob = report.degraded.find((entry) => entry.person === 'bob')!;
    expect(bob.broken.map((broken) => [broken.channel, broken.why])).toContainEqual(['webhook', 'environment variable PAGER_SIGNING_SECRET (its signing secret) is not set']);
    const lines = channelReportLines(report);
    expect(lines.some((line) => line.message.startsWith('email: the SMTP server localhost:2525 does not answer') && line.message.includes('alice'))).toBe(true);
    expect(lines.at(-1)).toMatchObject({ level: 'info', message: expect.stringContaining('every person can be paged') });
  });

  it('counts a person as fine when every listed channel can work', () => {
    const report = channelReport(shipped, { env: { PAYMENTS_SLACK_WEBHOOK_URL: 'https://hooks.example/x', PAGER_SIGNING_SECRET: 's' }, inbox: true });
    expect(report.degraded.filter((entry) => entry.person === 'alice' || entry.person === 'bob')).toEqual([]);
    expect(report.fine).toBeGreaterThanOrEqual(2);
  });

  it('says email cannot work without an smtp section, or with half a login', () => {
    const noSmtp = { ...shipped, integrations: { ...shipped.integrations, smtp: undefined } } as Policy;
    const carol = channelReport(noSmtp, { env: {}, inbox: true }).degraded.find((entry) => entry.person === 'carol')!;
    expect(carol.broken).toEqual([{ channel: 'email', target: 'carol@example.com', why: 'no SMTP server is configured (smtp in config/integrations.yaml)' }]);
    const half = channelReport(shipped, { env: { MARSHAL_SMTP_USER: 'u' }, inbox: true }).degraded.find((entry) => entry.person === 'carol')!;
    expect(half.broken[0].why).toBe('only one of MARSHAL_SMTP_USER and MARSHAL_SMTP_PASSWORD is set: set both to log in, or neither');
  });

  it('reports people nothing reaches where the inbox cannot be written, and a person with no contacts at all', () => {
    const report = channelReport(shipped, { env: {}, inbox: false, smtpUnreachable: 'connect ECONNREFUSED 127.0.0.1:2525' });
    expect(report.unreachable.map((entry) => entry.person)).toContain('carol');
    expect(report.unreachable.find((entry) => entry.person === 'carol')!.broken.map((broken) => broken.channel)).toEqual(['inbox', 'email']);
    expect(channelReportLines(report)[0]).toMatchObject({ level: 'warn', message: expect.stringMatching(/cannot be reached by any channel/) });

    const alone = { ...shipped, people: { zed: { id: 'zed', name: 'Zed', timezone: 'UTC', contacts: [], team: 'web' } } };
    const zed = channelReport(alone, { env: {}, inbox: true });
    expect(zed.degraded).toEqual([
      { person: 'zed', team: 'web', working: ['inbox'], broken: [{ channel: 'inbox', target: 'contacts', why: 'no contact channel is listed: only the console inbox reaches them' }] },
    ]);
  });
});
