/**
 * The failure converter of every Marshal worker, in workflows and activities alike. A failure's message
 * often quotes what a caller sent ("P\ud800Q is already commander"); protobuf strings must be UTF-8, and a
 * lone surrogate in one made the SDK's core reject the whole workflow activation and shut the worker down,
 * stopping all paging. Repairing every string of a failure keeps such a failure to the one call it belongs
 * to. Entry points refuse such text first; this is the second wall.
 */
import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure } from '@temporalio/common';
import { wellFormed } from '../common/text';

function repairStrings<T>(value: T): T {
  if (typeof value === 'string') return wellFormed(value) as T;
  if (!value || typeof value !== 'object' || value instanceof Uint8Array) return value;
  if (Array.isArray(value)) return value.map(repairStrings) as T;
  const repaired: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) repaired[key] = repairStrings(child);
  return repaired as T;
}

class WellFormedFailureConverter extends DefaultFailureConverter {
  override errorToFailure(error: unknown, payloadConverter: PayloadConverter): ProtoFailure {
    return repairStrings(super.errorToFailure(error, payloadConverter));
  }
}

export const failureConverter = new WellFormedFailureConverter();
