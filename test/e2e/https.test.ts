/**
 * Marshal serving HTTPS itself (MARSHAL_TLS_CERT/KEY), and believing X-Forwarded-For/-Proto only from
 * proxies it was told to trust (MARSHAL_TRUST_PROXY): the whole stack, real TLS, real requests.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsFromEnv } from '../../server/runtime/listen';
import { startTestStack, type TestStack } from '../support/stack';
import { httpsGet, selfSignedCertificate } from '../support/tls';
import { until } from '../support/wait';

/** A logger whose request lines the test can read. */
function capturedLogger() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), requests: () => lines.filter((line) => line.msg === 'request') };
}

const spoofed = { 'X-Forwarded-For': '203.0.113.9', 'X-Forwarded-Proto': 'https' };
const stacks: TestStack[] = [];
afterAll(async () => {
  for (const stack of stacks) await stack.stop();
});

describe('HTTPS with a certificate of its own', () => {
  it('serves the API over https://, and by default believes no X-Forwarded-For a client sends', async () => {
    const made = selfSignedCertificate();
    const log = capturedLogger();
    const stack = await startTestStack({ tls: tlsFromEnv({ MARSHAL_TLS_CERT: made.certPath, MARSHAL_TLS_KEY: made.keyPath }), logger: log.logger });
    stacks.push(stack);
    expect(stack.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const answer = await httpsGet(`${stack.url}/api/v1/incidents?status=all`, made.cert, { Authorization: `Bearer ${stack.token}`, ...spoofed });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toHaveProperty('incidents');
    // Plain HTTP on the same port is not served.
    await expect(fetch(`${stack.url.replace('https:', 'http:')}/healthz`)).rejects.toThrow();
    // Nor is a client that does not trust the certificate.
    await expect(httpsGet(`${stack.url}/healthz`, selfSignedCertificate().cert)).rejects.toThrow(/self.signed|certificate/i);

    const line = await until('the request log line', () => log.requests().find((entry) => entry.route === '/api/v1/incidents/'), 10_000, 50);
    expect(line.client).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
    // The session cookie is Secure because the connection is, not because a header said so.
    const login = await httpsGet(`${stack.url}/console/login`, made.cert);
    expect(String(login.headers['set-cookie'])).toContain('; Secure');
  });
});

describe('behind a reverse proxy', () => {
  it('believes X-Forwarded-For and -Proto from a trusted proxy, and not otherwise', async () => {
    const trusting = capturedLogger();
    const behindProxy = await startTestStack({ trustProxy: 'loopback', logger: trusting.logger });
    const direct = capturedLogger();
    const facingClients = await startTestStack({ logger: direct.logger });
    stacks.push(behindProxy, facingClients);

    for (const stack of [behindProxy, facingClients]) await fetch(`${stack.url}/healthz`, { headers: spoofed });
    const clientOf = async (log: ReturnType<typeof capturedLogger>) => (await until('the request log line', () => log.requests().find((entry) => entry.path === '/healthz'), 10_000, 50)).client;
    expect(await clientOf(trusting)).toBe('203.0.113.9');
    expect(await clientOf(direct)).toMatch(/^(::ffff:)?127\.0\.0\.1$/);

    const cookie = async (stack: TestStack) => String((await fetch(`${stack.url}/console/login`, { headers: spoofed })).headers.get('set-cookie'));
    expect(await cookie(behindProxy)).toContain('; Secure');
    expect(await cookie(facingClients)).not.toContain('; Secure');
  });
});
