/** MARSHAL_TLS_CERT/KEY and MARSHAL_TRUST_PROXY as `npm start` reads them: refused at start when half-made. */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { listen, tlsFromEnv, trustProxyFromEnv } from '../../server/runtime/listen';
import { repoRoot } from '../support/paths';
import { httpsGet, selfSignedCertificate } from '../support/tls';

describe('MARSHAL_TLS_CERT and MARSHAL_TLS_KEY', () => {
  const made = selfSignedCertificate();

  it('serve plain HTTP when neither is set, and HTTPS with a readable, matching pair', async () => {
    expect(tlsFromEnv({})).toBeUndefined();
    const tls = tlsFromEnv({ MARSHAL_TLS_CERT: made.certPath, MARSHAL_TLS_KEY: made.keyPath });
    const server = await listen(
      express().get('/', (req, res) => void res.json({ secure: req.secure })),
      { port: 0, host: '127.0.0.1', tls },
    );
    try {
      const { port } = server.address() as { port: number };
      expect(await httpsGet(`https://127.0.0.1:${port}/`, made.cert)).toMatchObject({ status: 200, body: '{"secure":true}' });
    } finally {
      server.close();
    }
  });

  it('refuse half a pair, an unreadable file and a key of another certificate, saying what to do', () => {
    expect(() => tlsFromEnv({ MARSHAL_TLS_CERT: made.certPath })).toThrow('MARSHAL_TLS_CERT is set but MARSHAL_TLS_KEY is not; set both');
    expect(() => tlsFromEnv({ MARSHAL_TLS_KEY: made.keyPath })).toThrow('MARSHAL_TLS_KEY is set but MARSHAL_TLS_CERT is not');
    expect(() => tlsFromEnv({ MARSHAL_TLS_CERT: '/nonexistent/cert.pem', MARSHAL_TLS_KEY: made.keyPath })).toThrow('MARSHAL_TLS_CERT=/nonexistent/cert.pem cannot be read (ENOENT)');
    const other = selfSignedCertificate();
    expect(() => tlsFromEnv({ MARSHAL_TLS_CERT: made.certPath, MARSHAL_TLS_KEY: other.keyPath })).toThrow(/do not make a usable pair/);
    const garbage = join(other.certPath, '..', 'garbage.pem');
    writeFileSync(garbage, 'not a certificate\0');
    expect(() => tlsFromEnv({ MARSHAL_TLS_CERT: garbage, MARSHAL_TLS_KEY: other.keyPath })).toThrow(/do not make a usable pair/);
  });

  it('npm start refuses half a pair before starting anything', async () => {
    const failure = await promisify(execFile)(process.execPath, [require.resolve('tsx/cli'), join(repoRoot, 'server', 'runtime', 'main.ts')], {
      cwd: repoRoot,
      env: { ...process.env, MARSHAL_TLS_CERT: made.certPath, MARSHAL_TLS_KEY: '', MARSHAL_POLICY_DIR: join(repoRoot, 'config') },
      timeout: 30_000,
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failure).toMatchObject({ code: 1 });
    expect((failure as { stderr: string }).stderr).toContain('marshal: could not start: MARSHAL_TLS_CERT is set but MARSHAL_TLS_KEY is not');
  });
});

describe('MARSHAL_TRUST_PROXY', () => {
  it('believes no proxy unless told, and takes true, a hop count or addresses', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    expect(trustProxyFromEnv({ MARSHAL_TRUST_PROXY: 'false' })).toBe(false);
    expect(trustProxyFromEnv({ MARSHAL_TRUST_PROXY: 'true' })).toBe(true);
    expect(trustProxyFromEnv({ MARSHAL_TRUST_PROXY: '1' })).toBe(1);
    expect(trustProxyFromEnv({ MARSHAL_TRUST_PROXY: 'loopback, 10.0.0.0/8' })).toBe('loopback, 10.0.0.0/8');
  });

  it('refuses what express would not understand', () => {
    expect(() => trustProxyFromEnv({ MARSHAL_TRUST_PROXY: 'the load balancer' })).toThrow(/MARSHAL_TRUST_PROXY=the load balancer is not understood/);
  });
});
