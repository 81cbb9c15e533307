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
