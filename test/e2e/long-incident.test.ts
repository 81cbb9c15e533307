/**
 * An incident that goes on: 1,500 alert deliveries and 450 status updates of 5,000 characters (2.25 MB of
 * text, past the 2 MB that stopped incidents for good before the state was bounded). It must still answer,
 * page and close, with its state under the budget. The fault suite runs the same at 20,000 events.
 */
import { expect, it } from 'vitest';
import { STATE_BUDGET_BYTES } from '../../workflows/incident-state';
import { driveLongIncident } from '../support/long-incident';
import { useTestStack } from '../support/stack';

const file = useTestStack();

it('keeps answering, paging and closing with its state under the budget', async () => {
  const figures = await driveLongIncident(file.stack, { alerts: 1_500, updates: 450, updateLength: 5_000 });
  console.log(`long incident: ${JSON.stringify(figures)}`);
  expect(figures.events).toBeGreaterThanOrEqual(1_950);
  // Paging the timeline reaches every event, the archived ones included.
  expect(figures.timelinePaged).toBeGreaterThanOrEqual(figures.events);
  expect(figures.stateBytes).toBeLessThan(STATE_BUDGET_BYTES);
  expect(figures.largestPayloadBytes).toBeLessThan(STATE_BUDGET_BYTES + 8 * 1024);
  expect(figures.pagedAfterFlood).toBe(true);
  expect(figures.closed).toBe(true);
}, 600_000);
