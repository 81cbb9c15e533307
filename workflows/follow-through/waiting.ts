/**
 * How follow-through waits: until a time, or until something changes first. Each call is one workflow
 * `condition` (with a timer when it has a deadline), so moving a duty between files changes no command.
 */
import { condition } from '@temporalio/workflow';

/** Wait until `at` (epoch ms) or until `changed()`; true if it changed first. Always starts a timer, of at least 1 ms. */
export function untilTimeOrChange(at: number, changed: () => boolean): Promise<boolean> {
  return condition(changed, Math.max(at - Date.now(), 1));
}

/** Wait until `changed()`, with no deadline. */
export function untilChange(changed: () => boolean): Promise<void> {
  return condition(changed);
}

/**
 * A deadline ladder (postmortems, action items): steps in time order, each sent once unless the work is
 * done first. A step already due is sent at once, with no timer; a step to skip (sent by an earlier run,
 * or meaningless now) is passed over. A step whose `send` answers false could not be delivered (its
 * recipient is gone) and stops the climb. Answers how it ended: `done` first, `stopped`, or `climbed` to the top.
 */
export async function climbDeadlineLadder(steps: { at: number; skip?: boolean; send: () => Promise<boolean | void> }[], done: () => boolean): Promise<'done' | 'stopped' | 'climbed'> {
  for (const step of steps) {
    if (step.skip) continue;
    if (step.at > Date.now() && (await condition(done, step.at - Date.now()))) return 'done';
    if (done()) return 'done';
    if ((await step.send()) === false) return 'stopped';
  }
  return 'climbed';
}
