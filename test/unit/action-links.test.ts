import { describe, expect, it } from 'vitest';
import { ActionLinkRefusedError, LINK_PURPOSES, LINK_TTL_MS, signActionLink, verifyActionLink, type LinkPurpose } from '../../common/action-links';

const SECRET = 'a-link-secret-of-at-least-thirty-two-characters';
const NOW = Date.parse('2026-11-30T03:00:00Z');
const FOR_ALICE = { purpose: 'acknowledge' as const, personId: 'alice', incidentId: 'abc123' };

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const payloadOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
/** The token with its payload replaced but the original signature kept: what a forger without the secret can make. */
const withPayload = (token: string, change: (payload: Record<string, unknown>) => void) => {
  const payload = payloadOf(token);
  change(payload);
  return `${b64(JSON.stringify(payload))}.${token.split('.')[1]}`;
};

async function refusal(token: unknown, purpose: LinkPurpose = 'acknowledge', now = NOW, secret = SECRET) {
  try {
    await verifyActionLink(secret, token, purpose, now);
  } catch (error) {
    expect(error).toBeInstanceOf(ActionLinkRefusedError);
    return error as ActionLinkRefusedError;
  }
  throw new Error('the link was accepted');
}

describe('signed action links', () => {
  it('a link verifies as what it was signed for: purpose, person, incident, expiry, a random nonce', async () => {
    const token = await signActionLink(SECRET, FOR_ALICE, { now: NOW });
    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const link = await verifyActionLink(SECRET, token, 'acknowledge', NOW + 1000);
    expect(link).toMatchObject({ purpose: 'acknowledge', personId: 'alice', incidentId: 'abc123', expiresAt: NOW + LINK_TTL_MS });
    expect(link.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const again = await verifyActionLink(SECRET, await signActionLink(SECRET, FOR_ALICE, { now: NOW }), 'acknowledge', NOW);
    expect(again.nonce).not.toBe(link.nonce);
  });

  it('changing any field of the payload breaks the signature', async () => {
    const token = await signActionLink(SECRET, FOR_ALICE, { now: NOW });
    const changes: ((payload: Record<string, unknown>) => void)[] = [
      (p) => (p.u = 'mallory'),
      (p) => (p.i = 'other1'),
      (p) => (p.e = (p.e as number) + 3600),
      (p) => (p.n = 'AAAAAAAAAAAAAAAAAAAAAA'),
      (p) => (p.p = 'resolve'),
    ];
    for (const change of changes) {
      const forged = withPayload(token, change);
      expect(forged).not.toBe(token);
      expect((await refusal(forged)).reason).toBe('signature');
    }
  });

  it('changing the signature, or signing with another secret, is refused', async () => {
    const token = await signActionLink(SECRET, FOR_ALICE, { now: NOW });
    const [payload, signature] = token.split('.');
    const flipped = `${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expect((await refusal(flipped)).reason).toBe('signature');
    const otherMarshal = await signActionLink('another-marshal-with-another-secret-entirely', FOR_ALICE, { now: NOW });
    expect((await refusal(otherMarshal)).reason).toBe('signature');
  });

  it('an expired link is refused, and the refusal still names the incident it was for', async () => {
    const token = await signActionLink(SECRET, FOR_ALICE, { now: NOW, ttlMs: 60_000 });
    await expect(verifyActionLink(SECRET, token, 'acknowledge', NOW + 59_000)).resolves.toMatchObject({ personId: 'alice' });
    const expired = await refusal(token, 'acknowledge', NOW + 60_000);
    expect(expired.reason).toBe('expired');
    expect(expired.message).toContain('expired');
    expect(expired.link?.incidentId).toBe('abc123');
  });

  it('a genuine link for another purpose is refused: an acknowledge link does nothing else', async () => {
    const other = await signActionLink(SECRET, { ...FOR_ALICE, purpose: 'resolve' as LinkPurpose }, { now: NOW });
    const refused = await refusal(other, 'acknowledge');
    expect(refused.reason).toBe('purpose');
    const acknowledge = await signActionLink(SECRET, FOR_ALICE, { now: NOW });
    expect((await refusal(acknowledge, 'resolve' as LinkPurpose)).reason).toBe('purpose');
  });

  it('one purpose per link: acknowledge, update and accept-handoff links each do only their own, every way round', async () => {
    expect([...LINK_PURPOSES]).toEqual(['acknowledge', 'update', 'accept-handoff']);
    for (const signedFor of LINK_PURPOSES) {
      const token = await signActionLink(SECRET, { ...FOR_ALICE, purpose: signedFor }, { now: NOW });
      await expect(verifyActionLink(SECRET, token, signedFor, NOW)).resolves.toMatchObject({ purpose: signedFor, personId: 'alice' });
      for (const usedFor of LINK_PURPOSES.filter((purpose) => purpose !== signedFor)) {
        const refused = await refusal(token, usedFor);
        expect(refused.reason, `${signedFor} link used for ${usedFor}`).toBe('purpose');
        expect(refused.message).toBe(`This link is for "${signedFor}", not "${usedFor}".`);
        expect(refused.link?.incidentId).toBe('abc123');
      }
      // Relabelling the purpose in the payload breaks the signature: an update link cannot be turned into an acknowledge link.
      for (const other of LINK_PURPOSES.filter((purpose) => purpose !== signedFor)) {
        expect(
          (
            await refusal(
              withPayload(token, (p) => (p.p = other)),
              other,
            )
          ).reason,
        ).toBe('signature');
      }
    }
  });

  it('hostile tokens are refused as malformed, never thrown as anything else', async () => {
    const hostile: unknown[] = [undefined, null, 42, ['a', 'b'], { t: 'x' }, '', '.', 'abc', 'a.b.c', 'x'.repeat(100_000), `${'a'.repeat(10)}\u0000.${'b'.repeat(43)}`, '\ud800.abc', 'é.é'];
    for (const token of hostile) expect((await refusal(token)).reason).toBe('malformed');
  });

  it('a genuine signature over a payload this code never writes is still refused', async () => {
    // Signed with the real key but holding junk: the shape is checked after the signature.
    const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const derived = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode('marshal action links v1'));
    const signingKey = await crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const sign = async (payload: string) => `${payload}.${Buffer.from(await crypto.subtle.sign('HMAC', signingKey, new TextEncoder().encode(`marshal-link.${payload}`))).toString('base64url')}`;
    const good = payloadOf(await signActionLink(SECRET, FOR_ALICE, { now: NOW }));
    // The test's own signing matches the module's: an unchanged payload verifies.
    await expect(verifyActionLink(SECRET, await sign(b64(JSON.stringify(good))), 'acknowledge', NOW)).resolves.toMatchObject({ personId: 'alice' });
    const junk = [
      b64('not json'),
      b64('null'),
      b64(JSON.stringify({ ...good, i: '../../x' })),
      b64(JSON.stringify({ ...good, u: 'a\u0000b' })),
      b64(JSON.stringify({ ...good, e: 'soon' })),
      b64(JSON.stringify({ ...good, n: 'short' })),
    ];
    for (const payload of junk) expect((await refusal(await sign(payload))).reason).toBe('malformed');
  });
});
