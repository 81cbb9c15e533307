/**
 * How the HTTP server meets its clients: plain HTTP, or HTTPS with a certificate of its own (PagerDuty's
 * maintained clients refuse http:// base URLs), and which reverse proxies' X-Forwarded-* headers it
 * believes. Both come from the environment and are checked at start, so a half-made setup never serves.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { createSecureContext } from 'node:tls';
import express from 'express';

export interface TlsFiles {
  cert: Buffer;
  key: Buffer;
}

/** Express's `trust proxy`: false (believe no header), a hop count, or addresses and subnets of the proxies. */
export type TrustProxy = boolean | number | string;

function readPem(variable: string, path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new Error(`${variable}=${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); give the path of a PEM file Marshal may read`);
  }
}

/** MARSHAL_TLS_CERT and MARSHAL_TLS_KEY (PEM file paths): both or neither. */
export function tlsFromEnv(env: NodeJS.ProcessEnv): TlsFiles | undefined {
  const certPath = env.MARSHAL_TLS_CERT || undefined;
  const keyPath = env.MARSHAL_TLS_KEY || undefined;
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) {
    const [set, unset] = certPath ? ['MARSHAL_TLS_CERT', 'MARSHAL_TLS_KEY'] : ['MARSHAL_TLS_KEY', 'MARSHAL_TLS_CERT'];
    throw new Error(`${set} is set but ${unset} is not; set both (PEM file paths) to serve HTTPS, or neither to serve plain HTTP`);
  }
  const files = { cert: readPem('MARSHAL_TLS_CERT', certPath), key: readPem('MARSHAL_TLS_KEY', keyPath) };
  try {
    // Fails now on a bad PEM or a key that does not belong to the certificate, not at the first client.
    createSecureContext(files);
  } catch (error) {
    throw new Error(`MARSHAL_TLS_CERT=${certPath} and MARSHAL_TLS_KEY=${keyPath} do not make a usable pair: ${(error as Error).message}`);
  }
  return files;
}

/**
 * MARSHAL_TRUST_PROXY: unset or "false" believes no X-Forwarded-* header (a client could claim any
 * address); "true" believes every hop; a number trusts that many hops; otherwise addresses, subnets or
 * express's names (loopback, linklocal, uniquelocal), comma-separated.
 */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv): TrustProxy {
  const text = (env.MARSHAL_TRUST_PROXY ?? '').trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  const value: TrustProxy = /^\d+$/.test(text) ? Number(text) : text;
  try {
    // Express compiles the setting when it is set, so this is the same check the app will make.
    express().set('trust proxy', value);
  } catch (error) {
    throw new Error(`MARSHAL_TRUST_PROXY=${text} is not understood (${(error as Error).message}); use true, a hop count, or addresses and subnets such as "loopback, 10.0.0.0/8"`);
  }
  return value;
}

/** Listen on host:port with HTTPS when given a certificate, HTTP otherwise. */
export function listen(handler: RequestListener, options: { port: number; host: string; tls?: TlsFiles }): Promise<Server> {
  const server: Server = options.tls ? createHttpsServer({ cert: options.tls.cert, key: options.tls.key }, handler) : createHttpServer(handler);
  return new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolveListen(server);
    });
  });
}
