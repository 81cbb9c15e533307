/**
 * Every Temporal call the server makes goes through here: a deadline so callers hear 503 instead of
 * waiting forever, and one translation of workflow refusals into HTTP answers.
 */
import { isGrpcServiceError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { HttpError } from '../http/errors';

/** Calls to Temporal give up after this long. */
const CALL_DEADLINE_MS = 10_000;
/**
 * Alert senders time out after about 10 s and retry on 5xx; with the engine down, the client's own retries
 * would hold them past that. Intake gives up sooner, so the sender hears 503 and retries in time.
 */
export const INTAKE_DEADLINE_MS = 1_000;

/** gRPC codes that mean "the engine is not there right now": retry later. */
const UNAVAILABLE_CODES = new Set([1 /* CANCELLED: our own deadline ran out */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */, 8 /* RESOURCE_EXHAUSTED */]);

export function isEngineUnavailable(error: unknown): boolean {
  for (let cause: unknown = error; cause; cause = (cause as { cause?: unknown }).cause) {
    if (isGrpcServiceError(cause) && UNAVAILABLE_CODES.has(cause.code)) return true;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
    if (/ECONNREFUSED|UNAVAILABLE|DEADLINE_EXCEEDED|Connection (refused|dropped)|Failed to connect/i.test(String((cause as Error).message ?? ''))) return true;
  }
  return false;
}

export async function withEngine<T>(client: Client, fn: () => Promise<T>, deadlineMs = CALL_DEADLINE_MS): Promise<T> {
  try {
    return await client.connection.withDeadline(Date.now() + deadlineMs, fn);
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if (isEngineUnavailable(error)) throw new HttpError(503, 'engine_unavailable', 'the Temporal engine is unreachable; retry shortly');
    throw error;
  }
}

/**
 * Workflows refuse commands with an ApplicationFailure typed `Refused:<kind>` (see incident-state.ts):
 * not-found → 404, invalid → 400, conflict → 409. Anything else is not a refusal.
 */
export function refusalToHttp(error: unknown): HttpError | undefined {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const type = error.cause.type ?? '';
  if (!type.startsWith('Refused:')) return undefined;
  const kind = type.slice('Refused:'.length);
  const field = (error.cause.details?.[0] as string | null | undefined) ?? undefined;
  if (kind === 'not-found') return new HttpError(404, 'not_found', error.cause.message, field);
  if (kind === 'invalid') return new HttpError(400, 'invalid', error.cause.message, field);
  return new HttpError(409, 'conflict', error.cause.message, field);
}
