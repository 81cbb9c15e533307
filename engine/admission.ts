/**
 * Admission control ahead of Temporal: at most `limit` engine writes in flight; a caller waits at most
 * `maxWaitMs` for a slot and is otherwise told at once that Marshal is overloaded (503 with Retry-After at
 * the edge), instead of joining a queue that holds it until the engine's 10 s deadline.
 */
export class EngineOverloadedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('Marshal is at capacity; retry shortly');
    this.name = 'EngineOverloadedError';
  }
}

export interface AdmissionOptions {
  /** Engine writes in flight at once. */
  limit: number;
  /** How long a caller may wait for a slot before hearing "overloaded". */
  maxWaitMs: number;
}

// Half a second of waiting at most, so that with the request's own handling a refused caller hears 503 within a second.
export const DEFAULT_ADMISSION: AdmissionOptions = { limit: 64, maxWaitMs: 500 };

export class Admission {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly options: AdmissionOptions = DEFAULT_ADMISSION) {}

  get load(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }

  /** Run `work` once a slot is free, or throw EngineOverloadedError if none frees up in time. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await work();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.inFlight < this.options.limit) {
      this.inFlight += 1;
      return Promise.resolve();
    }
    return new Promise<void>((admitted, refused) => {
      const take = () => {
        clearTimeout(timer);
        this.inFlight += 1;
        admitted();
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        refused(new EngineOverloadedError(1));
      }, this.options.maxWaitMs);
      this.waiting.push(take);
    });
  }

  private release(): void {
    this.inFlight -= 1;
    this.waiting.shift()?.();
  }
}
