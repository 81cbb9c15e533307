import type { Refusal } from '../../workflows/incident-state';
import { EngineUnavailableError, RefusedError } from '../../engine/errors';
import { StoreUnavailableError } from '../../store/errors';
import { EngineOverloadedError } from '../../engine/admission';
import { ActionLinkRefusedError, type LinkRefusal } from '../../common/action-links';

/** An error a caller may see: a status, a stable code, a message that says what to do, and the field at fault. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) } };
  }
}

/** A refusal from the domain (a use case or the incident's lifecycle), answered once, here. */
export function refusalError(refusal: Refusal): HttpError {
  const status = refusal.kind === 'not-found' ? 404 : refusal.kind === 'invalid' ? 400 : 409;
  return new HttpError(status, refusal.kind === 'not-found' ? 'not_found' : refusal.kind, refusal.reason, refusal.field);
}

/** A refused action link: damaged is a bad request, not genuine or not theirs is forbidden, spent or expired is gone. */
const LINK_ANSWERS: Record<LinkRefusal, [number, string]> = {
  malformed: [400, 'link_malformed'],
  signature: [403, 'link_not_genuine'],
  purpose: [403, 'link_wrong_purpose'],
  person: [403, 'link_person_unknown'],
  expired: [410, 'link_expired'],
  used: [410, 'link_used'],
};

const CODES: Record<number, string> = { 400: 'invalid', 413: 'too_large', 415: 'unsupported' };

/**
 * The HttpError a failure stands for, or undefined for a bug (answered 500 and logged). The engine-client
 * layer's domain errors get their status here and nowhere else. Body parsers
 * (JSON, forms, raw intake bodies) throw http-errors marked `expose` for what the client did wrong:
 * bad JSON, a body over the limit, an unknown Content-Encoding or charset, a corrupt gzip stream.
 */
export function asHttpError(error: unknown): HttpError | undefined {
  if (error instanceof HttpError) return error;
  if (error instanceof RefusedError) return refusalError(error.refusal);
  if (error instanceof EngineUnavailableError) return new HttpError(503, 'engine_unavailable', error.message);
  if (error instanceof StoreUnavailableError) return new HttpError(503, 'store_unavailable', error.message);
  if (error instanceof EngineOverloadedError) return new HttpError(503, 'overloaded', error.message);
  if (error instanceof ActionLinkRefusedError) return new HttpError(...LINK_ANSWERS[error.reason], error.message);
  // A path with broken percent-encoding (e.g. /incidents/%E0%A4%A) cannot name anything.
  if (error instanceof URIError) return new HttpError(400, 'invalid', 'the URL path is not valid percent-encoded UTF-8');
  const { type, status, expose } = (error ?? {}) as { type?: string; status?: number; expose?: boolean };
  if (type === 'entity.parse.failed') return new HttpError(400, 'invalid_json', `the body is not valid JSON: ${(error as Error).message}`);
  if (expose && typeof status === 'number' && status >= 400 && status < 500) {
    const hint = type === 'encoding.unsupported' ? '; send identity, gzip, deflate or br' : '';
    return new HttpError(status, CODES[status] ?? 'invalid', `${(error as Error).message}${hint}`);
  }
  return undefined;
}
