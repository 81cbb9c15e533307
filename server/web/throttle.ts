/**
 * Failed sign-ins per client address, so a token or an IdP account cannot be guessed at speed. Only
 * failures count; once an address has FAILURES within WINDOW it is refused (429) until the oldest failure
 * leaves the window — correct attempts too, which is the point. In memory: a restart forgives, which is
 * fine for a brake on guessing.
 */
export const THROTTLE = { failures: 10, windowMs: 10 * 60_000 };
const MAX_ADDRESSES = 10_000;

export class SignInThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly limit = THROTTLE) {}

  /** Seconds to wait before this address may try again; 0 when it may try now. */
  retryAfter(address: string, now = Date.now()): number {
    const recent = this.recent(address, now);
    if (recent.length < this.limit.failures) return 0;
    return Math.max(1, Math.ceil((recent[0] + this.limit.windowMs - now) / 1000));
  }

  fail(address: string, now = Date.now()): void {
    // A flood from many addresses must not grow memory without bound: forget the oldest-seen address.
    if (!this.failures.has(address) && this.failures.size >= MAX_ADDRESSES) this.failures.delete(this.failures.keys().next().value!);
    this.failures.set(address, [...this.recent(address, now), now].slice(-this.limit.failures));
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.limit.windowMs);
  }
}
