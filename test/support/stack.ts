/** Start Marshal in-process against the shared test dev server, and talk to it over real HTTP. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, vi } from 'vitest';
import { createLogger } from '../../server/runtime/log';
import { startStack, type Stack, type StackConfig } from '../../server/runtime/stack';
import { startWebhookReceiver, type WebhookReceiver } from '../channels/receivers';
import type { IncidentView } from '../../workflows/incident-view';
import { testPolicyDir, type TestPolicyOptions } from './policy';

import { repoRoot } from './paths';

export { repoRoot };

let stacks = 0;

export type TestStack = Stack & { inbox: WebhookReceiver };

/**
 * Marshal on the shared test dev server. Unless a test brings its own policy, people are reached through
 * `inbox`, a local webhook receiver, so pages from the incidents a test declares never leave the machine.
 */
export async function startTestStack(overrides: Partial<StackConfig> = {}, policyEdit?: TestPolicyOptions['edit']): Promise<TestStack> {
  const inbox = await startWebhookReceiver();
  const stack = await startStack({
    port: 0,
    host: '127.0.0.1',
    dataDir: mkdtempSync(join(tmpdir(), 'marshal-stack-')),
    policy: { kind: 'directory', dir: testPolicyDir({ webhookUrl: inbox.url, edit: policyEdit }) },
    token: 'test-token',
    temporal: { address: inject('temporalAddress'), namespace: 'default' },
    workflowBundle: { codePath: inject('workflowBundlePath') },
    storeTemplate: inject('storeTemplatePath'),
    logger: createLogger('silent'),
    // Test files run in parallel on one dev server: a queue of their own keeps each file's incidents on its
    // own worker, with its own policy and receivers.
    taskQueue: `marshal-test-${process.pid}-${(stacks += 1)}`,
    ...overrides,
  });
  return {
    ...stack,
    inbox,
    stop: async () => {
      await stack.stop();
      await inbox.close();
    },
  };
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for tests: JSON in and out, bearer token by default. */
export function apiClient(baseUrl: string, token: string | undefined) {
  const send = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (metrics, HTML): keep the text
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };
  return {
    get: <T = any>(path: string, headers?: Record<string, string>) => send<T>('GET', path, undefined, headers),
    post: <T = any>(path: string, body?: unknown, headers?: Record<string, string>) => send<T>('POST', path, body ?? {}, headers),
    send,
  };
}

/** Who the incident's first page (or overflow page) went to, once it has been sent. */
export function firstPaged(api: ReturnType<typeof apiClient>, incidentId: string): Promise<string> {
  return vi.waitFor(
    async () => {
      const view = (await api.get<IncidentView>(`/api/v1/incidents/${incidentId}`)).body;
      const page = view.pages.find((entry) => entry.kind === 'page' || entry.kind === 'overflow');
      expect(page).toBeDefined();
      return page!.to;
    },
    { timeout: 15_000, interval: 50 },
  );
}

/** One stack for a test file: started before its tests, stopped after. Read `.stack` and `.api` inside tests. */
export function useTestStack(overrides: Partial<StackConfig> = {}): { stack: TestStack; api: ReturnType<typeof apiClient> } {
  const context = {} as { stack: TestStack; api: ReturnType<typeof apiClient> };
  beforeAll(async () => {
    context.stack = await startTestStack(overrides);
    context.api = apiClient(context.stack.url, context.stack.token);
  });
  afterAll(async () => {
    await context.stack?.stop();
  });
  return context;
}
