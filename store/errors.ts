/** The store cannot be reached (a PostgreSQL server stopped or restarting): callers answer "retry shortly". */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('the store (PostgreSQL) is unreachable; retry shortly', { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Connection failures, as opposed to a bad query (which is a bug and stays one). */
export function isConnectionFailure(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND)$/.test(code) || code.startsWith('08') || code === '57P01' || code === '57P03')) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error|Cannot use a pool after calling end/i.test(String((error as Error)?.message ?? ''));
}

/** Run a store call; a lost connection becomes StoreUnavailableError (503 at the edge), anything else stays a bug. */
export async function storeCall<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw isConnectionFailure(error) ? new StoreUnavailableError(error) : error;
  }
}

/** A timestamp column as an ISO string (drivers answer Date objects), or null. */
export const isoOrNull = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));
