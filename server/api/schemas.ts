/**
 * JSON Schemas of request bodies. ajv checks requests against them and /openapi.json publishes them, so
 * the documentation cannot drift from what the server accepts.
 */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { NextFunction, Request, Response } from 'express';
import { ROLES, UPDATE_STATUSES } from '../../workflows/incident-state';
import { HttpError } from './errors';

const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength, pattern: '\\S' }) as const;
const person = { ...text(200), description: 'A person, by their id in policy or their name.' } as const;
const by = { ...person, description: 'Who acts; defaults to the authenticated caller.' } as const;
/** Roles and action items go only to people in policy (usecases/command-references.ts); the schema bounds the text. */
const member = { ...text(200), description: "A person's id in policy (a team member); anyone else is refused with 400." } as const;

/** A status update's message at most: also the bound of every form that writes one (the update link's too). */
export const STATUS_UPDATE_MESSAGE_MAX = 5000;

const body = (properties: Record<string, object>, required: string[], description: string) => ({
  type: 'object',
  description,
  additionalProperties: false,
  required,
  properties,
});

export const schemas = {
  Declaration: body(
    {
      title: text(200),
      severity: { ...text(32), description: 'A severity name from config/severities.yaml, e.g. SEV1.' },
      service: text(100),
      team: text(100),
      summary: text(5000),
      reporter: person,
    },
    ['title', 'severity'],
    'Declare an incident.',
  ),
  Acknowledge: body({ by }, [], 'Take the incident: paging stops.'),
  StatusUpdate: body(
    { status: { enum: [...UPDATE_STATUSES] }, message: text(STATUS_UPDATE_MESSAGE_MAX), public: { type: 'boolean', default: false }, by },
    ['status', 'message'],
    'Post a status update; public ones are for customers.',
  ),
  SeverityChange: body(
    {
      severity: text(32),
      reason: text(2000),
      responderNeeded: { type: 'boolean', description: 'false records the triage outcome "no responder needed".' },
      by,
    },
    ['severity', 'reason'],
    'Raise or lower the severity, with the reason.',
  ),
  RoleAssignment: body(
    { role: { enum: [...ROLES] }, person: member, notes: { ...text(2000), description: 'Handoff notes for the person taking the role; they are sent to them.' }, by },
    ['role', 'person'],
    'Assign a role; the person is told. Replacing the commander is a handoff the incoming commander must accept.',
  ),
  HandoffAcceptance: body({ by }, [], 'The incoming commander accepts the handoff (only they may: anyone else gets 403).'),
  DetailsEdit: body(
    {
      title: text(200),
      summary: text(5000),
      impactStartedAt: { type: 'string', format: 'date-time', description: 'When the impact began: not in the future, at most 30 days before the declaration.' },
      by,
    },
    [],
    'Edit the title, summary or impact start (at least one); the timeline records old and new.',
  ),
  TeamReassignment: body({ team: text(100), reason: text(2000), by }, ['team', 'reason'], 'Hand the incident to another team.'),
  Resolution: body({ summary: text(5000), by }, ['summary'], 'Resolve the incident.'),
  ActionItem: body({ title: text(500), owner: member, dueAt: { type: 'string', format: 'date-time' }, by }, ['title', 'owner'], 'Add an action item.'),
  ActionItemCompletion: body({ by }, [], 'Complete an action item.'),
  ActionItemWaiver: body({ reason: text(2000), by }, ['reason'], 'Waive an action item, with the reason.'),
  Override: body(
    {
      person: { ...person, description: 'Who covers: a person id from policy.' },
      replaces: { ...person, description: 'Whose time they take; without it they hold the rotation for the window.' },
      rotation: { enum: ['primary', 'secondary'] },
      from: { type: 'string', format: 'date-time' },
      to: { type: 'string', format: 'date-time' },
      reason: text(2000),
      by,
    },
    ['person', 'from', 'to', 'reason'],
    'A time-boxed on-call override or swap; it ends by itself at "to".',
  ),
  PostmortemPublication: body({ markdown: text(200_000), by }, ['markdown'], 'Publish the (edited) postmortem.'),
} as const;

export type SchemaName = keyof typeof schemas;

const ajv = new Ajv2020({ allErrors: false, useDefaults: true, strict: true, coerceTypes: false });
addFormats(ajv);
const validators = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [name, ajv.compile(schema)]));

/** Turn ajv's first error into a message about one named field. */
function explain(error: ErrorObject): HttpError {
  const path = error.instancePath.slice(1).replace(/\//g, '.');
  switch (error.keyword) {
    case 'required':
      return new HttpError(400, 'invalid', `"${error.params.missingProperty}" is required`, error.params.missingProperty);
    case 'additionalProperties':
      return new HttpError(400, 'invalid', `"${error.params.additionalProperty}" is not a known field`, error.params.additionalProperty);
    case 'type':
      return path ? new HttpError(400, 'invalid', `"${path}" must be a ${error.params.type}`, path) : new HttpError(400, 'invalid', 'the body must be a JSON object');
    case 'pattern':
    case 'minLength':
      return new HttpError(400, 'invalid', `"${path}" must not be empty`, path);
    case 'maxLength':
      return new HttpError(400, 'invalid', `"${path}" is longer than ${error.params.limit} characters`, path);
    case 'enum':
      return new HttpError(400, 'invalid', `"${path}" must be one of ${error.params.allowedValues.join(', ')}`, path);
    case 'format':
      return new HttpError(400, 'invalid', `"${path}" must be a ${error.params.format} such as 2026-12-01T17:00:00Z`, path);
    default:
      return new HttpError(400, 'invalid', `"${path}" ${error.message}`, path || undefined);
  }
}

/** Express middleware: 400 naming the field unless the body matches the schema. */
export function validateBody(name: SchemaName) {
  const validate = validators[name];
  return (req: Request, _res: Response, next: NextFunction) => {
    if (req.body === undefined) req.body = {};
    if (!validate(req.body)) return next(explain(validate.errors![0]));
    next();
  };
}
