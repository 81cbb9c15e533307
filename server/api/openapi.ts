/** OpenAPI 3.1 for the HTTP API, built from the same JSON Schemas that ajv checks requests against. */
import { schemas, type SchemaName } from './schemas';
import { intakeSchemas, type IntakeSchemaName } from '../intake/schemas';

interface Operation {
  method: 'get' | 'post' | 'delete';
  path: string;
  summary: string;
  body?: SchemaName | IntakeSchemaName;
  /** Status codes beyond 200 and the ones every protected route can answer (400, 401, 503). */
  answers?: Record<string, string>;
  public?: boolean;
  query?: string[];
}

const incident = '/api/v1/incidents/{id}';
const refused = { '404': 'No such incident', '409': 'The lifecycle forbids it now; the message says why' };

const operations: Operation[] = [
  {
    method: 'get',
    path: '/healthz',
    summary:
      "Health: whether Temporal is reachable and this process's workers run (`worker`: running, failed, …); `channels` names the people no channel reaches (`unreachable`) and those with channels that cannot work here (`degraded`: an unset variable, an SMTP server that does not answer), with why",
    public: true,
    answers: { '503': 'Temporal unreachable or a worker stopped: paging is not working' },
  },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics' },
  { method: 'get', path: '/status', summary: 'Public status page (HTML): components, current incidents with their public updates, 90 days of history', public: true },
  { method: 'get', path: '/api/v1/status', summary: 'Public status page as JSON; only public updates of public severities', public: true },
  { method: 'get', path: '/openapi.json', summary: 'This document' },
  {
    method: 'post',
    path: '/api/v1/incidents',
    summary: 'Declare an incident (Idempotency-Key header makes retries safe)',
    body: 'Declaration',
    answers: { '201': 'Declared', '200': 'Same Idempotency-Key: the incident declared before' },
  },
  {
    method: 'get',
    path: '/api/v1/incidents',
    summary: 'List incidents (Temporal visibility), or with `q` search titles, summaries and updates (the store; 503 store_unavailable while it is away)',
    query: ['status', 'team', 'severity', 'service', 'phase', 'limit', 'q'],
  },
  {
    method: 'get',
    path: incident,
    summary: 'An incident: its state, with the latest 1000 timeline events, 200 status updates and 500 notifications (timelineCount says how many events there are)',
    answers: { '404': 'No such incident' },
  },
  {
    method: 'get',
    path: `${incident}/timeline`,
    summary: 'The whole timeline, oldest first, a page at a time (`after` a sequence number, `limit` up to 1000); `next` links the following page',
    query: ['after', 'limit'],
    answers: { '400': 'after or limit is not a whole number in range', '404': 'No such incident' },
  },
  { method: 'post', path: `${incident}/acknowledge`, summary: 'Acknowledge', body: 'Acknowledge', answers: refused },
  { method: 'post', path: `${incident}/updates`, summary: 'Post a status update', body: 'StatusUpdate', answers: refused },
  { method: 'post', path: `${incident}/severity`, summary: 'Change severity with a reason', body: 'SeverityChange', answers: refused },
  {
    method: 'post',
    path: `${incident}/roles`,
    summary: 'Assign a role (commander, communications, scribe) to a person in policy, with optional handoff notes; the person is told',
    body: 'RoleAssignment',
    answers: refused,
  },
  {
    method: 'post',
    path: `${incident}/handoff/accept`,
    summary: 'The incoming commander accepts the handoff; until then they are reminded',
    body: 'HandoffAcceptance',
    answers: { '403': 'Only the incoming commander may accept', ...refused },
  },
  {
    method: 'post',
    path: `${incident}/details`,
    summary: 'Edit the title, summary or impact start; recorded on the timeline with old and new (400 naming impactStartedAt if it is in the future)',
    body: 'DetailsEdit',
    answers: refused,
  },
  { method: 'post', path: `${incident}/team`, summary: 'Reassign to another team', body: 'TeamReassignment', answers: refused },
  { method: 'post', path: `${incident}/resolve`, summary: 'Resolve', body: 'Resolution', answers: refused },
  { method: 'get', path: `${incident}/postmortem`, summary: 'Postmortem draft from the timeline, and the published one', answers: { '404': 'No such incident' } },
  { method: 'post', path: `${incident}/postmortem`, summary: 'Publish the postmortem', body: 'PostmortemPublication', answers: refused },
  { method: 'get', path: `${incident}/communications/draft`, summary: 'Draft customer message from the incident (publish it as a public status update)', answers: { '404': 'No such incident' } },
  { method: 'get', path: `${incident}/report`, summary: 'Closing report for stakeholders (Markdown)', answers: { '404': 'No such incident' } },
  { method: 'post', path: `${incident}/action-items`, summary: 'Add an action item', body: 'ActionItem', answers: { '201': 'Added', ...refused } },
  { method: 'post', path: `${incident}/action-items/{itemId}/complete`, summary: 'Complete an action item', body: 'ActionItemCompletion', answers: refused },
  { method: 'post', path: `${incident}/action-items/{itemId}/waive`, summary: 'Waive an action item with a reason', body: 'ActionItemWaiver', answers: refused },
  { method: 'get', path: '/api/v1/policies/current', summary: 'The active policy version' },
  ...intakeOperations(),
  { method: 'get', path: '/api/v1/policies/history', summary: 'Applied and rejected policy versions' },
  { method: 'post', path: '/api/v1/policies/reload', summary: 'Look for a new policy version now; applied, unchanged or rejected with file:line problems' },
  { method: 'get', path: '/api/v1/oncall/{team}', summary: 'Who is primary and secondary at an instant (query `at`, ISO 8601; default now)', query: ['at'], answers: { '404': 'No such team' } },
  { method: 'get', path: '/api/v1/oncall/{team}/overrides', summary: "The team's overrides: active, ended and removed (audit trail)", answers: { '404': 'No such team' } },
  {
    method: 'post',
    path: '/api/v1/oncall/{team}/overrides',
    summary: 'Add a time-boxed override or swap; it ends by itself at `to`',
    body: 'Override',
    answers: { '201': 'Added', '404': 'No such team' },
  },
  { method: 'get', path: '/api/v1/analytics', summary: 'The analytics reports' },
  {
    method: 'get',
    path: '/api/v1/analytics/{report}',
    summary: 'A report (response, paging, hygiene, severity, follow-through) as named tables; `format=csv&table=NAME` answers one table as CSV',
    query: ['team', 'severity', 'service', 'person', 'from', 'to', 'format', 'table'],
    answers: { '404': 'No such report', '503': 'The store is unreachable (store_unavailable); retry' },
  },
  { method: 'get', path: '/api/v1/action-items', summary: 'Action items across incidents, soonest due first', query: ['owner', 'team', 'state', 'overdue', 'limit'] },
  { method: 'post', path: '/api/v1/projection/rebuild', summary: 'Fill the store from Temporal and fold the projection again (admins)', answers: { '403': 'Not an admin' } },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Issue a personal token (yourself; admins: anyone) or a service token with scopes (admins); shown once',
    answers: { '201': 'Issued', '403': 'Not yours to issue' },
  },
  { method: 'get', path: '/api/v1/tokens', summary: 'Your tokens (admins: everyone’s, or `person`)', query: ['person'] },
  { method: 'delete', path: '/api/v1/tokens/{id}', summary: 'Revoke a token; its next use fails', answers: { '404': 'No such token of yours' } },
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'The audit trail, newest first (admins); `before` an entry id pages back (keyset)',
    query: ['actor', 'action', 'before', 'limit'],
    answers: { '403': 'Not an admin' },
  },
  {
    method: 'post',
    path: '/api/v1/sign-in-links',
    summary: 'Issue a person (`{person}`) a one-time console sign-in link, valid 24 h (admins; not where an identity provider signs people in); shown once',
    answers: { '201': 'Issued: `{person, url, expiresAt, issuedBy}`', '403': 'Not an admin', '409': 'An identity provider signs people in here' },
  },
  {
    method: 'post',
    path: '/api/v1/cli-login',
    summary:
      '`marshal login`: start a CLI login (`{host}`); answers a device code for the CLI and a user code for the person to approve at `verificationUriComplete` in the console within 10 minutes (unauthenticated, throttled per address)',
    public: true,
    answers: {
      '201': '`{deviceCode, userCode, verificationUri, verificationUriComplete, expiresIn, interval}`',
      '400': '`host` is not printable text',
      '429': 'Too many from this address; Retry-After',
    },
  },
  {
    method: 'post',
    path: '/api/v1/cli-login/token',
    summary: "The CLI's poll (`{deviceCode}`), every `interval` seconds: 202 while pending; once approved, 200 with a personal token of the approving person, once (unauthenticated, throttled)",
    public: true,
    answers: {
      '202': 'Not approved yet: ask again after `interval` seconds',
      '400': '`deviceCode` is malformed or unknown',
      '403': 'The person refused it',
      '410': 'Expired, or its token was already given',
      '429': 'Too many from this address; Retry-After',
    },
  },
  {
    method: 'delete',
    path: '/api/v1/oncall/{team}/overrides/{id}',
    summary: 'Remove an override (query `by`: who removes it)',
    query: ['by'],
    answers: { '404': 'No such override', '409': 'Already ended or removed' },
  },
];

/** Alert intake authenticates per integration (bearer token, routing key or HMAC signature), not with the admin token. */
function intakeOperations(): Operation[] {
  const answers = {
    '202': 'Durably accepted',
    '400': "Malformed JSON or not the sender's shape; `field` names the culprit",
    '401': 'Bad integration credentials or signature; nothing recorded',
    '404': 'No such integration, or it is disabled',
    '413': 'Body over 512 KB',
    '503': 'Temporal unreachable or the integration over its rate; retry after Retry-After',
  };
  const webhook = (kind: string, body: IntakeSchemaName, summary: string): Operation[] => [
    { method: 'post', path: `/api/v1/webhooks/${kind}`, summary, body, public: true, answers },
    { method: 'post', path: `/api/v1/webhooks/${kind}/{integration}`, summary: `${summary} (a named integration of this kind)`, body, public: true, answers },
  ];
  return [
    ...webhook('alertmanager', 'AlertmanagerWebhook', 'Prometheus Alertmanager webhook (payload version 4)'),
    ...webhook('grafana', 'GrafanaWebhook', 'Grafana unified alerting webhook contact point'),
    ...webhook('generic', 'GenericAlert', 'Generic alert, e.g. from a Datadog webhook template'),
    { method: 'post', path: '/api/v1/webhooks/events', summary: 'PagerDuty Events API v2 event; answers {status, message, dedup_key}', body: 'PagerDutyEvent', public: true, answers },
    { method: 'post', path: '/v2/enqueue', summary: "PagerDuty Events API v2, at PagerDuty's own path", body: 'PagerDutyEvent', public: true, answers },
    {
      method: 'post',
      path: '/v2/change/enqueue',
      summary: 'PagerDuty change event (deploy, config push), recorded on open incidents of its service; answers 202 {status, message, service, incidents}',
      body: 'PagerDutyChangeEvent',
      public: true,
      answers,
    },
    { method: 'post', path: '/api/v1/webhooks/events/change', summary: 'PagerDuty change event, at Marshal’s path', body: 'PagerDutyChangeEvent', public: true, answers },
    { method: 'post', path: '/api/v1/heartbeats/{integration}', summary: 'Heartbeat ping of an integration that declares one', public: true, answers },
  ];
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: { type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' }, field: { type: 'string' } } },
  },
};

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of operations) {
    const parameters = [
      ...[...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...(op.query ?? []).map((name) => ({ name, in: 'query', required: false, schema: { type: 'string' } })),
      ...(op.path === '/api/v1/incidents' && op.method === 'post' ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }] : []),
    ];
    const responses: Record<string, unknown> = { '200': { description: 'OK' } };
    for (const [status, description] of Object.entries(op.answers ?? {})) responses[status] = { description };
    if (!op.public) {
      Object.assign(responses, {
        '400': { description: 'Malformed request; `field` names the culprit', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
        '401': { description: 'Missing, wrong, expired or revoked bearer token' },
        '403': { description: 'The caller may not do this (permissions from config/access.yaml), or `by` names someone else' },
        '503': { description: 'Temporal unreachable, or Marshal at capacity (overloaded, Retry-After: 1); retry' },
      });
    }
    paths[op.path] ??= {};
    paths[op.path][op.method] = {
      summary: op.summary,
      ...(op.public ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` } } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Marshal', version: '1', description: 'Incident lifecycle orchestrator: Discover → Act → Resolve → Reflect.' },
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ...schemas, ...intakeSchemas, Error: errorSchema },
    },
  };
}
