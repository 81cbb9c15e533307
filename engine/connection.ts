/**
 * How Marshal reaches a Temporal cluster that it did not start: TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE,
 * with mTLS (Temporal Cloud or self-hosted) or an API key (Temporal Cloud).
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '@temporalio/client';

export interface TemporalTarget {
  address: string;
  namespace: string;
  tls?: ConnectionOptions['tls'];
  apiKey?: string;
}

export function externalTarget(env: NodeJS.ProcessEnv = process.env): TemporalTarget | undefined {
  const address = env.TEMPORAL_ADDRESS;
  if (!address) return undefined;
  const certPath = env.TEMPORAL_TLS_CERT_PATH;
  const keyPath = env.TEMPORAL_TLS_KEY_PATH;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new Error('TEMPORAL_TLS_CERT_PATH and TEMPORAL_TLS_KEY_PATH must be set together (the client certificate and its key).');
  }
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  const tls: ConnectionOptions['tls'] =
    certPath && keyPath
      ? { clientCertPair: { crt: readFileSync(certPath), key: readFileSync(keyPath) }, serverNameOverride: env.TEMPORAL_TLS_SERVER_NAME || undefined }
      : apiKey || env.TEMPORAL_TLS === 'true'
        ? true
        : undefined;
  return { address, namespace: env.TEMPORAL_NAMESPACE || 'default', tls, apiKey };
}
