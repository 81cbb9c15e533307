/**
 * Every Temporal call Marshal's clients make goes through here: a deadline so callers hear "unavailable"
 * instead of waiting forever, and one translation of workflow refusals into domain errors.
 */
import { isGrpcServiceError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Refusal } from '../workflows/incident-state';
import { EngineUnavailableError, RefusedError } from './errors';
import type { EngineWatch } from './engine-watch';

/** Calls to Temporal give up after this long. */
const CALL_DEADLINE_MS = 10_000;
/**
 * Alert senders time out after about 10 s and retry on 5xx; with the engine down, the client's own retries
 * would hold them past that. Intake calls give up as soon as the engine watch finds the engine's port
 * closed (and do not start while it is), so every sender hears 503 well within its timeout.
 */
export interface CallOptions {
  /** Give up (unavailable) while, or as soon as, this watch finds the engine down. */
  watch?: EngineWatch;
}

const unavailable = () => new EngineUnavailableError();

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

export async function withEngine<T>(client: Client, fn: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const { watch } = options;
  if (watch?.isDown) throw unavailable();
  try {
    const call = client.connection.withDeadline(Date.now() + CALL_DEADLINE_MS, fn);
    if (!watch) return await call;
    call.catch(() => undefined); // abandoned when the watch answers first
    return await Promise.race([call, watch.untilDown().then(() => Promise.reject(unavailable()))]);
  } catch (error) {
    if (error instanceof EngineUnavailableError) throw error;
    if (isEngineUnavailable(error)) throw unavailable();
    throw error;
  }
}

/**
 * Workflows refuse commands with an ApplicationFailure typed `Refused:<kind>` (see incident-state.ts):
 * with the kind and the field at fault. Anything else is not a refusal.
 */
export function refusalOf(error: unknown): RefusedError | undefined {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return undefined;
  const type = error.cause.type ?? '';
  if (!type.startsWith('Refused:')) return undefined;
  const kind = type.slice('Refused:'.length) as Refusal['kind'];
  const field = (error.cause.details?.[0] as string | null | undefined) ?? undefined;
  return new RefusedError({ kind, reason: error.cause.message, field });
}
