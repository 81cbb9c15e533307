/** Two workers on one task queue; one is SIGKILLed mid-run; the other carries every incident on. */
import { it } from 'vitest';
import { escalationUnderWorkerLoss } from './escalation';

it('the surviving worker of two carries every incident on', async () => {
  await escalationUnderWorkerLoss({ name: 'two workers, one kill -9', incidents: 10, workers: 2, replace: false });
}, 180_000);
