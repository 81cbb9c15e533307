/**
 * The failure converter of every Marshal worker, in workflows and activities alike. A failure's message
 * often quotes what a caller sent ("P\ud800Q is already commander"); protobuf strings must be UTF-8, and a
 * lone surrogate in one made the SDK's core reject the whole workflow activation and shut the worker down,
 * stopping all paging. Repairing every string of a failure keeps such a failure to the one call it belongs
 * to. Entry points refuse such text first; this is the second wall.
 */
import { DefaultFailureConverter, type PayloadConverter, type ProtoFailure } from '@temporalio/common';
import { repairText } from '../common/text';

class WellFormedFailureConverter extends DefaultFailureConverter {
  override errorToFailure(error: unknown, payloadConverter: PayloadConverter): ProtoFailure {
    return repairText(super.errorToFailure(error, payloadConverter));
  }
}

export const failureConverter = new WellFormedFailureConverter();
