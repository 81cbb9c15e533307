/**
 * What can go wrong when Marshal asks the engine for something, in the domain's words. The engine-client
 * layer throws these; each edge (HTTP, console, CLI) decides once how to answer them.
 */
import type { Refusal } from '../workflows/incident-state';

/** The domain said no: unknown reference (not-found), bad value (invalid) or not now (conflict). */
export class RefusedError extends Error {
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
    this.name = 'RefusedError';
  }
}

export const refused = (kind: Refusal['kind'], reason: string, field?: string) => new RefusedError({ kind, reason, ...(field ? { field } : {}) });

/** Temporal cannot be reached right now: the caller should retry shortly. */
export class EngineUnavailableError extends Error {
  constructor() {
    super('the Temporal engine is unreachable; retry shortly');
    this.name = 'EngineUnavailableError';
  }
}
