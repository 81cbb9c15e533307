/** kill -9 the only worker during escalation chains; a new worker continues every chain; nothing lost, nothing twice. */
import { it } from 'vitest';
import { escalationUnderWorkerLoss } from './escalation';

it('a worker SIGKILLed mid-escalation is replaced and every chain goes on', async () => {
  await escalationUnderWorkerLoss({ name: 'worker kill -9 mid-escalation, replaced', incidents: 5, workers: 1, replace: true });
}, 180_000);
