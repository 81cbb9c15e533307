import { describe, expect, it } from 'vitest';
import { SignInThrottle } from '../../server/web/throttle';

describe('sign-in throttle', () => {
  it('refuses an address after its failures fill the window, says for how long, and forgives as they age out', () => {
    const throttle = new SignInThrottle({ failures: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    for (let i = 0; i < 2; i += 1) throttle.fail('10.0.0.1', t0 + i * 1000);
    expect(throttle.retryAfter('10.0.0.1', t0 + 2000)).toBe(0);
    throttle.fail('10.0.0.1', t0 + 2000);
    expect(throttle.retryAfter('10.0.0.1', t0 + 2000)).toBe(58);
    // Another address is not affected; a hostile address string is just a key.
    expect(throttle.retryAfter(`\0${'x'.repeat(100_000)}`, t0)).toBe(0);
    expect(throttle.retryAfter('10.0.0.1', t0 + 60_001)).toBe(0);
  });
});
