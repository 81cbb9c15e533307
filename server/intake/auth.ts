/**
 * Integration authentication, per config/integrations.yaml: an HMAC-SHA256 signature over
 * `<timestamp>.<raw body>` with a five-minute replay window, or a bearer token (for PagerDuty-style
 * events also the routing key). Secrets are read from the environment variable the policy names; every
 * comparison is constant-time.
 */
import { createHmac } from 'node:crypto';
import { sameSecret } from '../api/secrets';
import type { IntakeIntegration } from '../../policy/types';

export const SIGNATURE_HEADER = 'x-marshal-signature';
export const TIMESTAMP_HEADER = 'x-marshal-timestamp';
/** A signed request older or newer than this is refused: a captured request cannot be replayed later. */
export const REPLAY_WINDOW_SECONDS = 300;

export type AuthResult = { ok: true } | { ok: false; reason: string };

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what a sender puts in X-Marshal-Signature. */
export function signBody(secret: string, timestamp: string | number, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface RequestCredentials {
  authorization?: string;
  signature?: string;
  timestamp?: string;
  /** Events only: the body's routing_key. */
  routingKey?: string;
}

export function authenticate(
  name: string,
  integration: IntakeIntegration,
  credentials: RequestCredentials,
  body: Buffer,
  env: NodeJS.ProcessEnv = process.env,
  nowSeconds = Date.now() / 1000,
): AuthResult {
  if (integration.hmacSecretEnv) {
    const secret = env[integration.hmacSecretEnv];
    if (!secret) return { ok: false, reason: `integration ${name} is not configured: ${integration.hmacSecretEnv} is not set on the server` };
    const { signature, timestamp } = credentials;
    if (!signature || !timestamp) return { ok: false, reason: `sign the request: ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> and ${TIMESTAMP_HEADER}: <unix seconds>` };
    if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be unix seconds` };
    if (Math.abs(nowSeconds - Number(timestamp)) > REPLAY_WINDOW_SECONDS) {
      return { ok: false, reason: `${TIMESTAMP_HEADER} is outside the ${REPLAY_WINDOW_SECONDS / 60}-minute replay window; sign with the current time` };
    }
    if (!sameSecret(signature, signBody(secret, timestamp, body))) return { ok: false, reason: 'the signature does not match the body' };
    return { ok: true };
  }
  if (integration.tokenEnv) {
    const token = env[integration.tokenEnv];
    if (!token) return { ok: false, reason: `integration ${name} is not configured: ${integration.tokenEnv} is not set on the server` };
    const bearer = /^Bearer (.+)$/.exec(credentials.authorization ?? '')?.[1];
    if (bearer !== undefined && sameSecret(bearer, token)) return { ok: true };
    if (credentials.routingKey !== undefined && sameSecret(credentials.routingKey, token)) return { ok: true };
    return { ok: false, reason: credentials.routingKey !== undefined ? 'unknown routing_key' : 'send Authorization: Bearer <the integration token>' };
  }
  return { ok: false, reason: `integration ${name} declares no authentication` };
}
