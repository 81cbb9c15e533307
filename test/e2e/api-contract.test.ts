/**
 * The HTTP contract's edges over real HTTP: bad input names the field, auth is required, sizes are
 * limited, no stack trace ever leaks, and an unreachable engine answers 503 so senders retry.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020';
import { startDevServer } from '../../server/runtime/dev-server';
import { apiClient, startTestStack, useTestStack } from '../support/stack';

const file = useTestStack();

const noStackTrace = (body: unknown) => expect(JSON.stringify(body)).not.toMatch(/\bat .+\.(ts|js):\d+/);

describe('HTTP contract', () => {
  it('answers 400 naming the field for malformed declarations', async () => {
    const cases: [unknown, string][] = [
      [{ severity: 'SEV1' }, 'title'],
      [{ title: 'x' }, 'severity'],
      [{ title: '   ', severity: 'SEV1' }, 'title'],
      [{ title: 'x', severity: 'SEV9' }, 'severity'],
      [{ title: 'x', severity: 'SEV1', service: 'no-such-service' }, 'service'],
      [{ title: 'x', severity: 'SEV1', team: 'no-such-team' }, 'team'],
      [{ title: 'x', severity: 'SEV1', colour: 'red' }, 'colour'],
      [{ title: 42, severity: 'SEV1' }, 'title'],
    ];
    for (const [body, field] of cases) {
      const answer = await file.api.post('/api/v1/incidents', body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.field, JSON.stringify(body)).toBe(field);
      expect(answer.body.error.message).toBeTruthy();
    }
  });

  it('answers 400 for bodies that are not JSON objects, and 413 for oversized ones', async () => {
    const broken = await file.api.send('POST', '/api/v1/incidents', '{"title": ', { 'Content-Type': 'application/json' });
    expect(broken.status).toBe(400);
    expect(broken.body.error.code).toBe('invalid_json');
    noStackTrace(broken.body);
    const array = await file.api.post('/api/v1/incidents', [1, 2]);
    expect(array.status).toBe(400);
    const huge = await file.api.post('/api/v1/incidents', { title: 'x', severity: 'SEV1', summary: 'y'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
  });

  it('requires the bearer token everywhere but health', async () => {
    const anonymous = apiClient(file.stack.url, undefined);
    expect((await anonymous.get('/api/v1/incidents')).status).toBe(401);
    expect((await apiClient(file.stack.url, 'wrong').get('/api/v1/incidents')).status).toBe(401);
    expect((await anonymous.post('/api/v1/incidents', { title: 'x', severity: 'SEV1' })).status).toBe(401);
    expect((await anonymous.get('/metrics')).status).toBe(401);
    expect((await anonymous.get('/healthz')).body).toMatchObject({ status: 'ok', temporal: 'reachable' });
  });

  it('answers 404 for unknown incidents and action items, 400 for bad list filters', async () => {
    expect((await file.api.get('/api/v1/incidents/zzzzzzzzzz')).status).toBe(404);
    expect((await file.api.get('/api/v1/incidents/NOT..VALID')).status).toBe(404);
    expect((await file.api.post('/api/v1/incidents/zzzzzzzzzz/acknowledge', {})).status).toBe(404);
    const { body } = await file.api.post('/api/v1/incidents', { title: 'Cache misses', severity: 'SEV4' });
    const missing = await file.api.post(`/api/v1/incidents/${body.id}/action-items/AI-9/complete`, {});
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toMatch(/no action item AI-9/);
    const badStatus = await file.api.get('/api/v1/incidents?status=sleeping');
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.field).toBe('status');
    expect((await file.api.get('/api/v1/incidents?limit=0')).body.error.field).toBe('limit');
  });

  it('counts requests and declarations in Prometheus format', async () => {
    await file.api.post('/api/v1/incidents', { title: 'Metrics', severity: 'SEV3' });
    const metrics = await file.api.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/marshal_incidents_declared_total\{severity="SEV3"\} [1-9]/);
    expect(metrics.body).toMatch(/marshal_http_requests_total\{route="\/api\/v1\/incidents\/",method="POST",status="201"\} [1-9]/);
    expect(metrics.body).toMatch(/marshal_http_request_duration_seconds_bucket/);
  });

  it('publishes an OpenAPI 3.1 document whose schemas are the ones requests are checked against', async () => {
    const doc = (await file.api.get('/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.paths['/api/v1/incidents'].post.requestBody.content['application/json'].schema.$ref).toBe('#/components/schemas/Declaration');
    expect(doc.components.schemas.Declaration.required).toEqual(['title', 'severity']);
    // Every schema in the document compiles, so clients can validate with it.
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('date-time', true);
    for (const schema of Object.values(doc.components.schemas)) expect(() => ajv.compile(schema as object)).not.toThrow();
  });
});

describe('engine unavailable', () => {
  it('answers 503 with Retry-After when Temporal is down, and health says so', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'marshal-down-'));
    const server = await startDevServer({ dataDir, headless: true });
    const lonely = await startTestStack({ temporal: { address: server.address, namespace: 'default' }, noWorker: true });
    try {
      const client = apiClient(lonely.url, lonely.token);
      await server.stop();
      const declared = await client.post('/api/v1/incidents', { title: 'Nobody home', severity: 'SEV1' });
      expect(declared.status).toBe(503);
      expect(declared.headers.get('retry-after')).toBe('5');
      expect(declared.body.error.code).toBe('engine_unavailable');
      noStackTrace(declared.body);
      expect((await client.get('/api/v1/incidents')).status).toBe(503);
      expect((await client.get('/healthz')).status).toBe(503);
    } finally {
      await lonely.stop();
    }
  });
});
