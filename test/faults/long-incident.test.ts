/**
 * The long incident at full size: 19,500 alert deliveries and 500 status updates of 5,000 characters,
 * 20,000 events in all. It still answers, pages and closes; its state stays under the budget and no payload
 * Temporal is given comes near its 2 MB limit.
 */
import { it } from 'vitest';
import { STATE_BUDGET_BYTES } from '../../workflows/incident-state';
import { driveLongIncident } from '../support/long-incident';
import { startTestStack } from '../support/stack';
import { verdict } from './support';

it('a 20,000-event incident still answers, pages and closes', async () => {
  const stack = await startTestStack();
  try {
    const figures = await driveLongIncident(stack, { alerts: 19_500, updates: 500, updateLength: 5_000 });
    verdict('20,000-event incident', { ...figures, budget: STATE_BUDGET_BYTES }, [
      ['20,000 events recorded', figures.events >= 20_000],
      ['the whole timeline pages through', figures.timelinePaged >= figures.events],
      ['state under the budget', figures.stateBytes < STATE_BUDGET_BYTES],
      ['every payload under the budget', figures.largestPayloadBytes < STATE_BUDGET_BYTES],
      ['it pages after the flood', figures.pagedAfterFlood],
      ['it closes', figures.closed],
    ]);
  } finally {
    await stack.stop();
  }
}, 900_000);
