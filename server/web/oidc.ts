/**
 * Console sign-in through the company's OpenID Connect provider: authorization code with PKCE, state and
 * nonce, by openid-client (a certified relying party). The provider says who the browser belongs to; the
 * configured claim (email by default) must name exactly one person in policy, who then acts in the console.
 */
import * as oidc from 'openid-client';
import type { Policy, PersonRecord } from '../../policy/types';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The ID-token claim matched against people's `email` in policy. */
  claim: string;
}

/** From MARSHAL_OIDC_*; undefined when no provider is configured (the admin token signs in instead). */
export function oidcFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env.MARSHAL_OIDC_ISSUER?.trim();
  if (!issuer) return undefined;
  const clientId = env.MARSHAL_OIDC_CLIENT_ID?.trim();
  if (!clientId) throw new Error('MARSHAL_OIDC_ISSUER is set but MARSHAL_OIDC_CLIENT_ID is not');
  return { issuer, clientId, clientSecret: env.MARSHAL_OIDC_CLIENT_SECRET ?? '', claim: env.MARSHAL_OIDC_CLAIM?.trim() || 'email' };
}

/** Why a sign-in was refused, in words for the person at the browser (no provider internals). */
export class SignInRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly who?: string,
    /** What the library said, for the log only. */
    readonly reason?: unknown,
  ) {
    super(message);
  }
}

export class OidcSignIn {
  private configuration?: Promise<oidc.Configuration>;

  constructor(private readonly settings: OidcSettings) {}

  /** Discovery on first use, so Marshal starts even while the IdP is down; a failure is retried next time. */
  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(new URL(this.settings.issuer), this.settings.clientId, this.settings.clientSecret || undefined, undefined, {
        // Plain http only for an issuer on this machine (development and tests); anything else needs https.
        execute: isLoopbackHttp(this.settings.issuer) ? [oidc.allowInsecureRequests] : [],
      })
      .catch((error: unknown) => {
        this.configuration = undefined;
        throw error;
      });
    return this.configuration;
  }

  /** Where to send the browser, and the secrets the callback must see again. */
  async start(redirectUri: string): Promise<{ url: string; flow: { verifier: string; state: string; nonce: string } }> {
    const config = await this.config();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.settings.claim === 'email' ? 'openid email' : 'openid email profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, flow: { verifier, state, nonce } };
  }

  /** Exchange the code (checking state, nonce, PKCE and the ID token) and find the person in policy. */
  async finish(currentUrl: URL, redirectUri: string, flow: { verifier: string; state: string; nonce: string }, policy: Policy): Promise<PersonRecord> {
    const config = await this.config();
    let claims: Record<string, unknown> | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(
        config,
        currentUrl,
        { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true },
        { redirect_uri: redirectUri },
      );
      const idToken = tokens.claims();
      claims = idToken;
      // Providers that follow the core spec strictly put profile claims (email too) only in UserInfo when an
      // access token is issued; ask there, for the same subject, when the ID token does not carry the claim.
      if (idToken && idToken[this.settings.claim] === undefined) claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idToken.sub)), sub: idToken.sub };
    } catch (error) {
      // Forged or replayed callbacks, denied consent and IdP errors all end here; the detail stays out of the page.
      throw new SignInRefused(
        400,
        'The sign-in could not be completed: the answer from your identity provider was refused (expired, replayed or not for this browser). Please sign in again.',
        undefined,
        error,
      );
    }
    const value = claims?.[this.settings.claim];
    if (typeof value !== 'string' || !value) throw new SignInRefused(403, `Your identity provider did not say your ${this.settings.claim}, which Marshal needs to know who you are.`);
    if (this.settings.claim === 'email' && claims?.email_verified === false) {
      throw new SignInRefused(403, `Your identity provider has not verified the email ${value}, so Marshal cannot rely on it.`, value);
    }
    const wanted = value.toLowerCase();
    const person = Object.values(policy.people).find((candidate) => candidate.email?.toLowerCase() === wanted);
    if (!person) {
      throw new SignInRefused(
        403,
        `You signed in as ${value}, but no person in Marshal's policy has that ${this.settings.claim}. Only people on a team can use the console: ask your team's policy owners to add "email: ${value}" to your entry in config/teams/<team>.yaml.`,
        value,
      );
    }
    return person;
  }
}

function isLoopbackHttp(issuer: string): boolean {
  try {
    const url = new URL(issuer);
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  } catch {
    return false;
  }
}
