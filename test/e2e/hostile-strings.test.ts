/**
 * Hostile strings (lone UTF-16 surrogates, NUL, control characters, huge texts) through every command and
 * query. The HTTP edge refuses them with 400 naming the field; and as a second wall, the same strings sent
 * straight to the workflow (as a bug in an entry point would) fail that one call, never the worker: paging
 * goes on for every other incident.
 */
import { RefusedError } from '../../engine/errors';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../workflows/incident-state';
import { consoleClient } from '../web/console-client';
import { fixture, policyDirWith, runId } from '../intake/support';
import { apiClient, useTestStack } from '../support/stack';

process.env.TEST_HOSTILE_AM_TOKEN = 'hostile-am-token';
const file = useTestStack({ policy: { kind: 'directory', dir: policyDirWith('  alertmanager: { tokenEnv: TEST_HOSTILE_AM_TOKEN }\n') } });

const LONE_HIGH = 'P\ud800Q';
const LONE_LOW = 'x\udc00';
const NUL = 'a\u0000b';

async function declare(title = 'Hostile strings target') {
  const answer = await file.api.post('/api/v1/incidents', { title, severity: 'SEV3', service: 'checkout-api' });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

/** The worker is alive: a fresh incident can be declared, read and acknowledged. */
async function workerStillServes() {
  const id = await declare('Canary after hostile input');
  const ack = await file.api.post(`/api/v1/incidents/${id}/acknowledge`, { by: 'canary' });
  expect(ack.status).toBe(200);
  expect(ack.body.acknowledgedBy).toBe('canary');
  const health = await file.api.get('/healthz');
  expect(health.body.worker).toBe('running');
}

/** Every JSON route that takes text, with the body that reaches its text fields. */
const routes = (id: string): [string, Record<string, unknown>][] => [
  ['/api/v1/incidents', { title: 'ok', severity: 'SEV3', summary: 'x' }],
  [`/api/v1/incidents/${id}/acknowledge`, { by: 'x' }],
  [`/api/v1/incidents/${id}/updates`, { status: 'investigating', message: 'x' }],
  [`/api/v1/incidents/${id}/severity`, { severity: 'SEV2', reason: 'x' }],
  [`/api/v1/incidents/${id}/roles`, { role: 'scribe', person: 'x' }],
  [`/api/v1/incidents/${id}/details`, { title: 'x' }],
  [`/api/v1/incidents/${id}/team`, { team: 'payments', reason: 'x' }],
  [`/api/v1/incidents/${id}/resolve`, { summary: 'x' }],
  [`/api/v1/incidents/${id}/action-items`, { title: 'x', owner: 'x' }],
  [`/api/v1/incidents/${id}/action-items/AI-1/waive`, { reason: 'x' }],
  [`/api/v1/incidents/${id}/postmortem`, { markdown: 'x' }],
  ['/api/v1/oncall/payments/overrides', { person: 'alice', from: new Date().toISOString(), to: new Date(Date.now() + 3600_000).toISOString(), reason: 'x' }],
];

describe('hostile strings', () => {
  it('are refused at the HTTP edge with 400 naming the field, on every route that takes text', async () => {
    const id = await declare();
    for (const [path, body] of routes(id)) {
      const textField = Object.keys(body).find((key) => body[key] === 'x')!;
      for (const bad of [LONE_HIGH, LONE_LOW, NUL]) {
        const answer = await file.api.post(path, { ...body, [textField]: bad });
        expect(answer.status, `${path} ${textField}=${JSON.stringify(bad)}`).toBe(400);
        expect(answer.body.error.field).toBe(textField);
      }
    }
    // Keys count too, and nesting is named by its path.
    const nested = await file.api.post('/api/v1/incidents', { title: 'ok', severity: 'SEV3', [LONE_HIGH]: 1 });
    expect(nested.status).toBe(400);
    // Nothing was recorded on the incident by any refused call.
    const state = await file.stack.incidents.get(id);
    expect(state.timeline.filter((event) => event.by !== 'marshal').map((event) => event.type)).toEqual(['declared']);
    await workerStillServes();
  });

  it('refuses NUL and control characters in query strings at once, not after a timeout', async () => {
    for (const query of ['team=a%00b', 'severity=SEV1%0A', 'service=%1B%5B31m', 'status=%ED%A0%80']) {
      const started = Date.now();
      const answer = await file.api.get(`/api/v1/incidents?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.field).toBe(query.split('=')[0]);
      expect(Date.now() - started).toBeLessThan(5000);
    }
    expect((await file.api.get('/api/v1/oncall/payments?at=2026-01-01T00:00:00Z%00')).status).toBe(400);
  });

  it('answers 415 or 400 for bad encodings, before authentication, with no stack trace', async () => {
    const anonymous = apiClient(file.stack.url, undefined);
    const bogus = await anonymous.send('POST', '/api/v1/incidents', '{}', { 'Content-Type': 'application/json', 'Content-Encoding': 'bogus' });
    expect(bogus.status).toBe(415);
    expect(JSON.stringify(bogus.body)).not.toMatch(/\bat .+\.(ts|js):\d+/);
    const corrupt = await anonymous.send('POST', '/api/v1/incidents', 'not gzip at all', { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
    expect(corrupt.status).toBe(400);
    const charset = await anonymous.send('POST', '/api/v1/incidents', '{}', { 'Content-Type': 'application/json; charset=klingon' });
    expect(charset.status).toBe(415);
    // A well-formed gzip body is read as usual.
    const zipped = await fetch(`${file.stack.url}/api/v1/incidents`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${file.stack.token}`, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      body: gzipSync(JSON.stringify({ title: 'Gzipped declaration', severity: 'SEV4' })),
    });
    expect(zipped.status).toBe(201);
  });

  it('are refused by the console with a readable page; its body-parser errors are 413 and 415, not 500', async () => {
    const browser = consoleClient(file.stack.url);
    const { csrf } = await browser.signIn(file.stack.token);
    const id = await declare();
    const nul = await browser.post(`/console/incidents/${id}/updates`, { _csrf: csrf, status: 'investigating', message: 'a\u0000b' });
    expect(nul.status).toBe(400);
    expect(nul.html).toContain('NUL');
    const cookie = [...browser.jar.entries()].map(([name, value]) => `${name}=${value}`).join('; ');
    const form = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${file.stack.url}/console/incidents/${id}/updates`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
        body,
      });
    expect((await form(`_csrf=${csrf}&message=${'y'.repeat(2 * 1024 * 1024)}`)).status).toBe(413);
    expect((await form(`_csrf=${csrf}`, { 'Content-Encoding': 'bogus' })).status).toBe(415);
  });

  it('are refused by alert intake with 400 naming the field, and nothing is opened', async () => {
    const alert = fixture('alertmanager-firing-group', { RUN: runId() });
    alert.alerts[0].labels.alertname = LONE_HIGH;
    const answer = await apiClient(file.stack.url, 'hostile-am-token').post('/api/v1/webhooks/alertmanager', alert);
    expect(answer.status).toBe(400);
    expect(answer.body.error.field).toBe('alerts.0.labels.alertname');
  });

  it('fail one call, never the worker, when they reach the workflow', async () => {
    const id = await declare();
    for (const bad of [LONE_HIGH, LONE_LOW]) {
      const commands: Command[] = [
        { type: 'assign-role', by: 'ops', role: 'commander', person: bad },
        { type: 'assign-role', by: 'ops', role: 'commander', person: bad },
        { type: 'post-status-update', by: bad, status: 'investigating', message: bad },
        { type: 'change-severity', by: 'ops', severity: bad, reason: bad },
        { type: 'reassign-team', by: 'ops', team: bad, reason: bad },
        { type: 'complete-action-item', by: 'ops', itemId: bad },
        { type: 'waive-action-item', by: 'ops', itemId: bad, reason: bad },
        { type: 'add-action-item', by: bad, title: bad, owner: bad, dueAt: bad },
      ];
      for (const command of commands) {
        // Each either records (strings repaired) or is refused; neither may take the worker down.
        await file.stack.incidents.command(id, command).catch((error) => expect(error).toBeInstanceOf(RefusedError));
      }
    }
    const state = await file.stack.incidents.get(id);
    expect(state.id).toBe(id);
    await workerStillServes();
  });
});
