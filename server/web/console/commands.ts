/**
 * Console forms → the same commands and declarations the API accepts, checked against the same JSON
 * Schemas (server/api/schemas.ts), so a form cannot send what the API would refuse as malformed.
 */
import type { Request, Response } from 'express';
import type { Policy } from '../../../policy/types';
import { PHASES, type Command, type Declaration } from '../../../workflows/incident-state';
import { HttpError, refusalError } from '../../api/errors';
import { resolveDeclaration } from '../../../usecases/declaration';
import { validateBody, type SchemaName } from '../../api/schemas';
import { detailsEdit } from '../../api/incident-routes';
import type { ListFilters } from '../../../engine/incidents';

type Form = Record<string, unknown>;

export const NOTICES = {
  declared: 'Incident declared. The owning team is being paged.',
  acknowledged: 'Acknowledged: paging has stopped.',
  updated: 'Status update posted.',
  published: 'Published to the public status page.',
  severity: 'Severity changed.',
  triaged: 'Recorded: no responder needed. Paging has stopped.',
  'handoff-accepted': 'You accepted the commander handoff.',
  role: 'Role assigned.',
  edited: 'Details edited.',
  team: 'Incident reassigned.',
  resolved: 'Incident resolved.',
  'item-added': 'Action item added.',
  'item-completed': 'Action item completed.',
  'item-waived': 'Action item waived.',
  postmortem: 'Postmortem published.',
} as const;
export type ActionName = keyof typeof NOTICES;

/** Trimmed text, or undefined when empty (so "required" errors name the field). */
export function text(form: Form, name: string): string | undefined {
  const value = form[name];
  if (typeof value !== 'string') return undefined;
  const trimmed = value.replace(/\r\n/g, '\n').trim();
  return trimmed.length ? trimmed : undefined;
}

const FIELD_LABELS: Record<string, string> = {
  message: 'Update',
  reason: 'Reason',
  person: 'Person',
  summary: 'Resolution summary',
  title: 'Title',
  owner: 'Owner',
  markdown: 'Postmortem',
  severity: 'Severity',
  team: 'Team',
  role: 'Role',
  status: 'Status',
  from: 'From',
  to: 'Until',
  replaces: 'Instead of',
  impactStartedAt: 'Impact began',
  notes: 'Handoff notes',
};

/** 400 naming the form's field (by its label) unless `body` matches the API's schema. */
export function check(schema: SchemaName, body: Form) {
  let failure: unknown;
  validateBody(schema)({ body } as Request, {} as Response, (error?: unknown) => {
    failure = error;
  });
  if (failure instanceof HttpError) {
    const label = failure.field ? FIELD_LABELS[failure.field] : undefined;
    throw label ? new HttpError(failure.status, failure.code, failure.message.replace(`"${failure.field}"`, label), failure.field) : failure;
  }
  if (failure) throw failure;
}

export const defined = (body: Form): Form => Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined));

export function commandFromForm(action: string, form: Form, by: string): { command: Command; name: ActionName } {
  const item = /^action-items\/(AI-\d{1,6})\/(complete|waive)$/.exec(action);
  if (item) {
    if (item[2] === 'complete') return { command: { type: 'complete-action-item', by, itemId: item[1] }, name: 'item-completed' };
    const body = defined({ reason: text(form, 'reason') });
    check('ActionItemWaiver', body);
    return { command: { type: 'waive-action-item', by, itemId: item[1], reason: body.reason as string }, name: 'item-waived' };
  }
  switch (action) {
    case 'acknowledge':
      return { command: { type: 'acknowledge', by }, name: 'acknowledged' };
    case 'updates': {
      const body = defined({ status: text(form, 'status'), message: text(form, 'message'), public: text(form, 'public') === 'true' });
      check('StatusUpdate', body);
      return {
        command: { type: 'post-status-update', by, status: body.status as never, message: body.message as string, public: body.public as boolean },
        name: body.public ? 'published' : 'updated',
      };
    }
    case 'severity': {
      const noResponder = text(form, 'responderNeeded') === 'false';
      const body = defined({ severity: text(form, 'severity'), reason: text(form, 'reason'), ...(noResponder ? { responderNeeded: false } : {}) });
      check('SeverityChange', body);
      return {
        command: { type: 'change-severity', by, severity: body.severity as string, reason: body.reason as string, ...(noResponder ? { responderNeeded: false } : {}) },
        name: noResponder ? 'triaged' : 'severity',
      };
    }
    case 'roles': {
      const body = defined({ role: text(form, 'role'), person: text(form, 'person'), notes: text(form, 'notes') });
      check('RoleAssignment', body);
      return { command: { type: 'assign-role', by, role: body.role as never, person: body.person as string, ...(body.notes ? { notes: body.notes as string } : {}) }, name: 'role' };
    }
    case 'handoff/accept':
      return { command: { type: 'accept-handoff', by }, name: 'handoff-accepted' };
    case 'details': {
      // The console's datetime-local field has no zone: the console shows every time in UTC, so it is UTC.
      const impact = text(form, 'impactStartedAt');
      if (impact && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(impact))
        throw new HttpError(400, 'invalid', 'Impact began must be a UTC date and time such as 2026-12-01T17:00', 'impactStartedAt');
      const body = defined({ title: text(form, 'title'), summary: text(form, 'summary'), impactStartedAt: impact ? `${impact.length === 16 ? `${impact}:00` : impact}Z` : undefined });
      check('DetailsEdit', body);
      return { command: detailsEdit(body, by), name: 'edited' };
    }
    case 'team': {
      const body = defined({ team: text(form, 'team'), reason: text(form, 'reason') });
      check('TeamReassignment', body);
      return { command: { type: 'reassign-team', by, team: body.team as string, reason: body.reason as string }, name: 'team' };
    }
    case 'resolve': {
      const body = defined({ summary: text(form, 'summary') });
      check('Resolution', body);
      return { command: { type: 'resolve', by, summary: body.summary as string }, name: 'resolved' };
    }
    case 'action-items': {
      const due = text(form, 'due');
      if (due && !/^\d{4}-\d{2}-\d{2}$/.test(due)) throw new HttpError(400, 'invalid', 'Due date must be a date such as 2026-12-31', 'due');
      const body = defined({ title: text(form, 'title'), owner: text(form, 'owner'), dueAt: due ? `${due}T17:00:00Z` : undefined });
      check('ActionItem', body);
      return { command: { type: 'add-action-item', by, title: body.title as string, owner: body.owner as string, dueAt: body.dueAt as string | undefined }, name: 'item-added' };
    }
    case 'postmortem': {
      const body = defined({ markdown: text(form, 'markdown') });
      check('PostmortemPublication', body);
      return { command: { type: 'publish-postmortem', by, markdown: body.markdown as string }, name: 'postmortem' };
    }
    default:
      throw new HttpError(404, 'not_found', `the console has no action "${action}"`);
  }
}

/** A declaration from the console's form, with the same policy checks as POST /api/v1/incidents. */
export function declarationFromForm(form: Form, policy: Policy, reporter: string): { declaration: Omit<Declaration, 'id'>; key?: string } {
  const body = defined({ title: text(form, 'title'), severity: text(form, 'severity'), service: text(form, 'service'), team: text(form, 'team'), summary: text(form, 'summary') });
  check('Declaration', body);
  const resolved = resolveDeclaration(policy, { ...(body as { title: string; severity: string; service?: string; team?: string; summary?: string }), reporter });
  if (!resolved.ok) throw refusalError(resolved.refusal);
  const key = text(form, 'idempotencyKey');
  return {
    declaration: resolved.declaration,
    key: key && key.length <= 200 ? `console:${key}` : undefined,
  };
}

export function filtersFromQuery(query: Record<string, unknown>): ListFilters {
  const one = (name: string) => (typeof query[name] === 'string' && query[name] && (query[name] as string).length <= 100 ? (query[name] as string) : undefined);
  const status = one('status');
  const phase = one('phase');
  return {
    status: status && ['open', 'resolved', 'closed', 'all'].includes(status) ? (status as ListFilters['status']) : 'open',
    team: one('team'),
    severity: one('severity'),
    service: one('service'),
    phase: phase && (PHASES as readonly string[]).includes(phase) ? (phase as ListFilters['phase']) : undefined,
    limit: 200,
  };
}
