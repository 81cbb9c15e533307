/**
 * Signed action links: the one-click Acknowledge in a page, "Post an update" in a reminder, "Accept handoff"
 * in a commander handoff. A link is the credential for one action by
 * one person on one incident, so it carries exactly that (purpose, person, incident), an expiry and a
 * random nonce (its identity for single use), signed with HMAC-SHA256 under a key derived from the
 * server's link secret. The activity that sends pages signs; the server that answers the link verifies.
 * Web Crypto (global in Node 20) keeps this module free of Node imports, as common/ must be.
 *
 * Token: `<base64url(JSON payload)>.<base64url(signature)>`. The signature is checked before anything in
 * the payload is believed; a link whose signature holds but whose purpose or expiry does not is refused
 * with what it names, so the refusal can say which incident it was for.
 */

/**
 * What a link may do. One purpose per link: an acknowledge link is good for nothing else, an update link
 * (in a status-update reminder) only posts an update, an accept-handoff link only accepts a commander handoff.
 */
export const LINK_PURPOSES = ['acknowledge', 'update', 'accept-handoff'] as const;
export type LinkPurpose = (typeof LINK_PURPOSES)[number];

export interface ActionLink {
  purpose: LinkPurpose;
  personId: string;
  incidentId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
  /** Random, 128 bits: which link this is, for single use. */
  nonce: string;
}

/** Why a link is refused: the last two are for whoever answers it to say (the store knows use, the policy people). */
export type LinkRefusal = 'malformed' | 'signature' | 'purpose' | 'expired' | 'used' | 'person';

/** A day: long enough for a page read the next morning, short enough that old mail is no key. */
export const LINK_TTL_MS = 24 * 3_600_000;

/** Longer than any real token (a person id and an incident id are short); refused before any work. */
const MAX_TOKEN_LENGTH = 1_000;
const TOKEN = /^([A-Za-z0-9_-]{1,900})\.([A-Za-z0-9_-]{43})$/;
const NONCE = /^[A-Za-z0-9_-]{22}$/;
const INCIDENT_ID = /^[0-9a-z]{1,40}$/;
const PERSON_ID = /^[^\u0000-\u001f\u007f]{1,200}$/u;

/** A link refused, for whoever answers it (server/api/errors.ts chooses the HTTP status). */
export class ActionLinkRefusedError extends Error {
  constructor(
    readonly reason: LinkRefusal,
    message: string,
    /** What the link named, when its signature held (so the refusal can name the incident). */
    readonly link?: ActionLink,
  ) {
    super(message);
    this.name = 'ActionLinkRefusedError';
  }
}

const encoder = new TextEncoder();
type SigningKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const keys = new Map<string, Promise<SigningKey>>();

/** The signing key: HMAC(secret, label), so the link secret itself signs nothing and could serve other purposes too. */
function keyFor(secret: string): Promise<SigningKey> {
  let key = keys.get(secret);
  if (!key) {
    key = (async () => {
      const master = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
      const derived = await crypto.subtle.sign('HMAC', master, encoder.encode('marshal action links v1'));
      return crypto.subtle.importKey('raw', derived, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    })();
    keys.set(secret, key);
  }
  return key;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

const signed = (payload: string) => encoder.encode(`marshal-link.${payload}`);

/** A signed link for `personId` to do `purpose` on `incidentId`, good until `now + ttlMs`. */
export async function signActionLink(secret: string, link: { purpose: LinkPurpose; personId: string; incidentId: string }, options: { now?: number; ttlMs?: number } = {}): Promise<string> {
  const nonce = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  const expires = Math.floor(((options.now ?? Date.now()) + (options.ttlMs ?? LINK_TTL_MS)) / 1000);
  const payload = toBase64Url(encoder.encode(JSON.stringify({ p: link.purpose, u: link.personId, i: link.incidentId, e: expires, n: nonce })));
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', await keyFor(secret), signed(payload)));
  return `${payload}.${toBase64Url(signature)}`;
}

/**
 * The link `token` stands for, if it is genuine, for `purpose`, and not expired; otherwise throws
 * ActionLinkRefusedError saying why. Whether it was already used is the store's to say (store/action-links.ts).
 */
export async function verifyActionLink(secret: string, token: unknown, purpose: LinkPurpose, now: number = Date.now()): Promise<ActionLink> {
  const match = typeof token === 'string' && token.length <= MAX_TOKEN_LENGTH ? TOKEN.exec(token) : null;
  if (!match) throw new ActionLinkRefusedError('malformed', 'This link is incomplete or damaged. Open it again from the page you received, without changing it.');
  const [, payload, signature] = match;
  // crypto.subtle.verify compares in constant time.
  const genuine = await crypto.subtle.verify('HMAC', await keyFor(secret), fromBase64Url(signature), signed(payload));
  if (!genuine) throw new ActionLinkRefusedError('signature', 'This link was not signed by this Marshal, or it was changed after it was sent.');
  const link = parsePayload(payload);
  if (!link) throw new ActionLinkRefusedError('malformed', 'This link is damaged.');
  if (link.purpose !== purpose) throw new ActionLinkRefusedError('purpose', `This link is for "${link.purpose}", not "${purpose}".`, link);
  if (link.expiresAt <= now) {
    throw new ActionLinkRefusedError('expired', `This link expired at ${new Date(link.expiresAt).toISOString()}. Open the incident in the console instead.`, link);
  }
  return link;
}

/** The payload, checked field by field: a genuine signature over a shape this code never writes is still refused. */
function parsePayload(payload: string): ActionLink | undefined {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(payload)));
  } catch {
    return undefined;
  }
  const { p, u, i, e, n } = (value ?? {}) as Record<string, unknown>;
  if (typeof p !== 'string' || typeof u !== 'string' || typeof i !== 'string' || typeof n !== 'string' || typeof e !== 'number') return undefined;
  if (!PERSON_ID.test(u) || !u.isWellFormed() || !INCIDENT_ID.test(i) || !NONCE.test(n) || !Number.isInteger(e) || e <= 0) return undefined;
  return { purpose: p as LinkPurpose, personId: u, incidentId: i, expiresAt: e * 1000, nonce: n };
}
