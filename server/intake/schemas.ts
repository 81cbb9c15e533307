/**
 * The payloads alert senders emit, as JSON Schemas: Prometheus Alertmanager's webhook (version "4"),
 * Grafana's unified-alerting webhook contact point (version "1"), PagerDuty's Events API v2, and
 * Marshal's generic shape (which a Datadog webhook template can produce). Unknown extra fields are
 * allowed — senders add fields between versions — but what Marshal reads must have the right shape.
 */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength }) as const;
const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const time = { type: 'string', format: 'date-time' } as const;

const prometheusAlert = {
  type: 'object',
  required: ['status', 'labels', 'startsAt'],
  properties: {
    status: { enum: ['firing', 'resolved'] },
    labels: stringMap,
    annotations: stringMap,
    startsAt: time,
    endsAt: time,
    generatorURL: { type: 'string' },
    fingerprint: text(128),
  },
} as const;

const grafanaAlert = {
  ...prometheusAlert,
  properties: {
    ...prometheusAlert.properties,
    silenceURL: { type: 'string' },
    dashboardURL: { type: 'string' },
    panelURL: { type: 'string' },
    values: { type: ['object', 'null'] },
    valueString: { type: 'string' },
  },
} as const;

const prometheusMessage = (version: string, alert: object) => ({
  type: 'object',
  required: ['version', 'groupKey', 'status', 'alerts'],
  properties: {
    version: { const: version },
    groupKey: { type: 'string' },
    truncatedAlerts: { type: 'integer', minimum: 0 },
    status: { enum: ['firing', 'resolved'] },
    receiver: { type: 'string' },
    groupLabels: stringMap,
    commonLabels: stringMap,
    commonAnnotations: stringMap,
    externalURL: { type: 'string' },
    alerts: { type: 'array', maxItems: 10_000, items: alert },
  },
});

export const intakeSchemas = {
  AlertmanagerWebhook: {
    description: 'Prometheus Alertmanager webhook_config payload, version "4".',
    ...prometheusMessage('4', prometheusAlert),
  },
  GrafanaWebhook: {
    description: 'Grafana unified alerting webhook contact point payload, version "1".',
    ...prometheusMessage('1', grafanaAlert),
    properties: {
      ...prometheusMessage('1', grafanaAlert).properties,
      orgId: { type: 'integer' },
      title: { type: 'string' },
      state: { type: 'string' },
      message: { type: 'string' },
    },
  },
  PagerDutyEvent: {
    description: 'PagerDuty Events API v2 event (POST /v2/enqueue).',
    type: 'object',
    required: ['routing_key', 'event_action'],
    properties: {
      routing_key: text(255),
      event_action: { enum: ['trigger', 'acknowledge', 'resolve'] },
      dedup_key: text(255),
      payload: {
        type: 'object',
        required: ['summary', 'source', 'severity'],
        properties: {
          summary: text(1024),
          source: text(255),
          severity: { enum: ['critical', 'error', 'warning', 'info'] },
          timestamp: time,
          component: { type: 'string' },
          group: { type: 'string' },
          class: { type: 'string' },
          custom_details: {},
        },
      },
      client: { type: 'string' },
      client_url: { type: 'string' },
      links: { type: 'array', items: { type: 'object', required: ['href'], properties: { href: { type: 'string' }, text: { type: 'string' } } } },
      images: { type: 'array', items: { type: 'object', required: ['src'], properties: { src: { type: 'string' }, href: { type: 'string' }, alt: { type: 'string' } } } },
    },
    allOf: [
      { if: { properties: { event_action: { const: 'trigger' } } }, then: { required: ['payload'] } },
      { if: { properties: { event_action: { enum: ['acknowledge', 'resolve'] } } }, then: { required: ['dedup_key'] } },
    ],
  },
  PagerDutyChangeEvent: {
    description: 'PagerDuty Events API v2 change event (POST /v2/change/enqueue): a deploy, a config push.',
    type: 'object',
    required: ['routing_key', 'payload'],
    properties: {
      routing_key: text(255),
      payload: {
        type: 'object',
        required: ['summary'],
        properties: {
          summary: text(1024),
          source: { type: 'string', maxLength: 255 },
          timestamp: time,
          custom_details: { type: 'object' },
        },
      },
      links: {
        type: 'array',
        maxItems: 20,
        items: { type: 'object', required: ['href'], properties: { href: { type: 'string', minLength: 1, maxLength: 2048 }, text: { type: 'string', maxLength: 1024 } } },
      },
    },
  },
  GenericAlert: {
    description:
      "Marshal's generic alert. `key` is the alert's identity (a Datadog template uses $ALERT_CYCLE_KEY); `status` is firing or resolved, or a Datadog $ALERT_TRANSITION (Triggered, Re-Triggered, Renotify, Warn, No Data → firing; Recovered → resolved).",
    type: 'object',
    required: ['key', 'status', 'title'],
    properties: {
      key: text(255),
      status: { type: 'string', minLength: 1, maxLength: 40, description: 'firing | resolved, or a Datadog transition (any case)' },
      title: text(1024),
      description: { type: 'string', maxLength: 20_000 },
      severity: { type: 'string', maxLength: 100 },
      service: { type: 'string', maxLength: 100 },
      source: { type: 'string', maxLength: 100 },
      labels: stringMap,
      url: { type: 'string', maxLength: 2048 },
      startsAt: time,
    },
  },
} as const;

export type IntakeSchemaName = keyof typeof intakeSchemas;

const ajv = new Ajv2020({ allErrors: false, strict: false });
addFormats(ajv);
const validators = Object.fromEntries(Object.entries(intakeSchemas).map(([name, schema]) => [name, ajv.compile(schema)])) as Record<IntakeSchemaName, ReturnType<typeof ajv.compile>>;

/** A problem with a body, in words that name the field (dotted, as the sender's docs spell it). */
export interface ShapeProblem {
  field?: string;
  message: string;
}

function describe(error: ErrorObject): ShapeProblem {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  if (error.keyword === 'required') {
    const field = path ? `${path}.${error.params.missingProperty}` : String(error.params.missingProperty);
    return { field, message: `${field} is missing` };
  }
  const field = path || undefined;
  if (error.keyword === 'enum') return { field, message: `${field} must be one of ${(error.params.allowedValues as unknown[]).join(', ')}` };
  if (error.keyword === 'const') return { field, message: `${field} must be ${JSON.stringify(error.params.allowedValue)}` };
  return { field, message: `${field ?? 'the body'} ${error.message}` };
}

export function checkShape(name: IntakeSchemaName, body: unknown): ShapeProblem | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return { message: 'the body must be a JSON object' };
  const validate = validators[name];
  if (validate(body)) return undefined;
  // if/then failures are reported after the real cause (the missing field); prefer that one.
  const errors = (validate.errors ?? []).filter((error) => error.keyword !== 'if');
  return describe(errors[0] ?? validate.errors![0]);
}
