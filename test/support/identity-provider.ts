/**
 * A real, certified OpenID Connect provider (npm oidc-provider) on a local port for the sign-in tests, with
 * its development login form: any login name signs in as `<login>@example.com`, email verified. The port
 * is taken first so Marshal can be started pointing at the issuer; the client is registered afterwards,
 * once Marshal's callback URL is known.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Register Marshal as the client, with its callback URL. */
  register(marshalUrl: string): Promise<void>;
  close(): Promise<void>;
}

export async function startIdentityProvider(): Promise<TestIdentityProvider> {
  let handler: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.writeHead(503).end();
  const server: Server = createServer((req, res) => handler(req, res));
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'marshal-console';
  const clientSecret = 'a-test-client-secret-that-is-long-enough-for-hs256';
  return {
    issuer,
    clientId,
    clientSecret,
    async register(marshalUrl) {
      const { default: Provider } = await import('oidc-provider');
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            redirect_uris: [`${marshalUrl}/console/login/callback`],
            grant_types: ['authorization_code'],
            response_types: ['code'],
            token_endpoint_auth_method: 'client_secret_post',
          },
        ],
        pkce: { required: () => true },
        claims: { openid: ['sub'], email: ['email', 'email_verified'] },
        cookies: { keys: ['test-only-cookie-signing-key'] },
        findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub, email: `${sub}@example.com`, email_verified: true }) }),
      });
      handler = provider.callback();
    },
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
