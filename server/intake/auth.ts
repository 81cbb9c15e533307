/**
 * Integration authentication, per config/integrations.yaml. Signatures: Marshal's HMAC-SHA256 over
 * `<timestamp>.<raw body>` with a five-minute replay window, or Grafana's webhook HMAC signature. Credentials:
 * a bearer token (for PagerDuty-style events also the routing key) or HTTP basic user and password (Grafana's
 * webhook option). Every signature an integration configures is required; of its credentials, one must match.
 * Secrets are read from the environment variable the policy names; every comparison is constant-time.
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
  /** Any request header by name: Grafana's signature headers are configurable. */
  header?: (name: string) => string | undefined;
}

/** Grafana's default header for its webhook HMAC signature (grafana/alerting http/hmac.go). */
export const GRAFANA_SIGNATURE_HEADER = 'X-Grafana-Alerting-Signature';

/**
 * What Grafana puts in its signature header: lowercase hex HMAC-SHA256 of the body, or of
 * `<timestamp>:<body>` when the contact point names a timestamp header (grafana/alerting http/hmac.go).
 */
export function grafanaSignature(secret: string, body: Buffer | string, timestamp?: string): string {
  const hmac = createHmac('sha256', secret);
  if (timestamp !== undefined) hmac.update(`${timestamp}:`);
  return hmac.update(body).digest('hex');
}

type Env = NodeJS.ProcessEnv;
const unset = (name: string, variable: string): AuthResult => ({ ok: false, reason: `integration ${name} is not configured: ${variable} is not set on the server` });
const withinWindow = (timestamp: string, nowSeconds: number) => Math.abs(nowSeconds - Number(timestamp)) <= REPLAY_WINDOW_SECONDS;

function marshalSignature(name: string, secretEnv: string, credentials: RequestCredentials, body: Buffer, env: Env, nowSeconds: number): AuthResult {
  const secret = env[secretEnv];
  if (!secret) return unset(name, secretEnv);
  const { signature, timestamp } = credentials;
  if (!signature || !timestamp) return { ok: false, reason: `sign the request: ${SIGNATURE_HEADER}: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> and ${TIMESTAMP_HEADER}: <unix seconds>` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${TIMESTAMP_HEADER} must be unix seconds` };
  if (!withinWindow(timestamp, nowSeconds)) return { ok: false, reason: `${TIMESTAMP_HEADER} is outside the ${REPLAY_WINDOW_SECONDS / 60}-minute replay window; sign with the current time` };
  if (!sameSecret(signature, signBody(secret, timestamp, body))) return { ok: false, reason: 'the signature does not match the body' };
  return { ok: true };
}

function grafanaHmac(name: string, config: NonNullable<IntakeIntegration['grafanaHmac']>, credentials: RequestCredentials, body: Buffer, env: Env, nowSeconds: number): AuthResult {
  const secret = env[config.secretEnv];
  if (!secret) return unset(name, config.secretEnv);
  const header = config.header ?? GRAFANA_SIGNATURE_HEADER;
  const signature = credentials.header?.(header);
  if (!signature) return { ok: false, reason: `sign the request as Grafana's webhook "HMAC signature" setting does: ${header}: <hex HMAC-SHA256>` };
  let timestamp: string | undefined;
  if (config.timestampHeader) {
    timestamp = credentials.header?.(config.timestampHeader);
    if (!timestamp || !/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: `${config.timestampHeader} must carry the unix seconds Grafana signed with` };
    if (!withinWindow(timestamp, nowSeconds)) return { ok: false, reason: `${config.timestampHeader} is outside the ${REPLAY_WINDOW_SECONDS / 60}-minute replay window` };
  }
  if (!sameSecret(signature.trim(), grafanaSignature(secret, body, timestamp))) return { ok: false, reason: 'the signature does not match the body' };
  return { ok: true };
}

/** User and password of an `Authorization: Basic …` header, or undefined. */
function basicCredentials(authorization: string | undefined): { user: string; password: string } | undefined {
  const encoded = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/** The credentials an integration accepts (token, basic auth): one must match. */
function credential(name: string, integration: IntakeIntegration, credentials: RequestCredentials, env: Env): AuthResult {
  const { tokenEnv, basicAuth } = integration;
  if (tokenEnv) {
    const token = env[tokenEnv];
    if (!token) return unset(name, tokenEnv);
    const bearer = /^Bearer (.+)$/.exec(credentials.authorization ?? '')?.[1];
    if (bearer !== undefined && sameSecret(bearer, token)) return { ok: true };
    if (credentials.routingKey !== undefined && sameSecret(credentials.routingKey, token)) return { ok: true };
  }
  if (basicAuth) {
    const user = env[basicAuth.userEnv];
    const password = env[basicAuth.passwordEnv];
    if (!user) return unset(name, basicAuth.userEnv);
    if (!password) return unset(name, basicAuth.passwordEnv);
    const given = basicCredentials(credentials.authorization);
    // Both compared every time, so the answer's timing does not tell a right user from a wrong one.
    const userMatches = sameSecret(given?.user, user);
    const passwordMatches = sameSecret(given?.password, password);
    if (given && userMatches && passwordMatches) return { ok: true };
  }
  if (credentials.routingKey !== undefined) return { ok: false, reason: 'unknown routing_key' };
  const accepted = [tokenEnv ? 'Authorization: Bearer <the integration token>' : undefined, basicAuth ? 'Authorization: Basic <user:password>' : undefined].filter(Boolean);
  return { ok: false, reason: `send ${accepted.join(' or ')}` };
}

export function authenticate(
  name: string,
  integration: IntakeIntegration,
  credentials: RequestCredentials,
  body: Buffer,
  env: NodeJS.ProcessEnv = process.env,
  nowSeconds = Date.now() / 1000,
): AuthResult {
  const checks: (() => AuthResult)[] = [];
  if (integration.hmacSecretEnv) checks.push(() => marshalSignature(name, integration.hmacSecretEnv!, credentials, body, env, nowSeconds));
  if (integration.grafanaHmac) checks.push(() => grafanaHmac(name, integration.grafanaHmac!, credentials, body, env, nowSeconds));
  if (integration.tokenEnv || integration.basicAuth) checks.push(() => credential(name, integration, credentials, env));
  if (checks.length === 0) return { ok: false, reason: `integration ${name} declares no authentication` };
  for (const check of checks) {
    const result = check();
    if (!result.ok) return result;
  }
  return { ok: true };
}
