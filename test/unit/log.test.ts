import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { loggable } from '../../server/runtime/log';

describe('log fields of the SDK', () => {
  it('logs a failed attempt’s error as its type, message and cause instead of {}', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ECONNREFUSED' });
    const failure = ApplicationFailure.create({ message: 'no channel of bob took the notification: email bob@example.com: connect ECONNREFUSED 127.0.0.1:25', type: 'DeliveryFailed', cause: refused });
    const fields = loggable({ error: failure, durationMs: 12 });
    expect(JSON.parse(JSON.stringify(fields))).toEqual({
      durationMs: 12,
      error: {
        type: 'DeliveryFailed',
        message: 'no channel of bob took the notification: email bob@example.com: connect ECONNREFUSED 127.0.0.1:25',
        nonRetryable: false,
        cause: { type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:25', code: 'ECONNREFUSED' },
      },
    });
  });

  it('bounds a huge error text and a cause chain that loops', () => {
    const looping = new Error('x'.repeat(100_000));
    (looping as { cause?: unknown }).cause = looping;
    const fields = loggable({ error: looping }) as { error: { message: string; cause: { cause: { cause: { cause?: unknown } } } } };
    expect(fields.error.message).toHaveLength(2_000);
    expect(fields.error.cause.cause.cause.cause).toBeUndefined();
  });
});
