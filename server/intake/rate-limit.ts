/**
 * Per-integration token buckets. Over its rate an integration hears 503 with Retry-After — senders
 * retry 5xx, while Alertmanager drops 4xx — so nothing is lost, only delayed. The buckets live in this
 * process: with several Marshal processes each enforces its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  /** Take one token; answers the seconds to wait when there is none. */
  take(name: string, limit: { perSecond: number; burst?: number } | undefined, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!limit) return { ok: true };
    const burst = limit.burst ?? Math.max(1, Math.ceil(limit.perSecond));
    const bucket = this.buckets.get(name) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * limit.perSecond);
    bucket.at = now;
    this.buckets.set(name, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond)) };
  }
}
