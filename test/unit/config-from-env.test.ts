/**
 * The worker cache from the environment: the default bounds a worker's memory (server/runtime/worker.ts says
 * why), a number raises or lowers it, and anything else stops the start with the variable named.
 */
import { describe, expect, it } from 'vitest';
import { configFromEnv } from '../../server/runtime/stack';
import { DEFAULT_WORKER_CACHE } from '../../server/runtime/worker';

const env = (extra: Record<string, string> = {}) => ({ MARSHAL_POLICY_DIR: 'config', ...extra });

describe('MARSHAL_WORKER_CACHE', () => {
  it('defaults to a bounded cache, not the SDK default that grows with the heap', () => {
    expect(configFromEnv(env()).workerCache).toBe(DEFAULT_WORKER_CACHE);
    expect(DEFAULT_WORKER_CACHE).toBe(1_000);
  });

  it('takes a whole number', () => {
    expect(configFromEnv(env({ MARSHAL_WORKER_CACHE: '4000' })).workerCache).toBe(4000);
  });

  it.each(['0', '-5', '2.5', 'lots', '1e400', '12\u0000'])('refuses %j, naming the variable', (value) => {
    expect(() => configFromEnv(env({ MARSHAL_WORKER_CACHE: value }))).toThrow(/MARSHAL_WORKER_CACHE must be a positive whole number/);
  });
});
