/**
 * Which changes a run takes, with one marker for a new run instead of one per change. Every `patched()` a
 * new run calls costs the engine a marker event and a search-attribute write (the SDK records the change
 * in TemporalChangeVersion) in its first task; a declaration asked five. A run started since `generation`
 * has that one marker and takes every change; a history from before has none of it and asks each change's
 * own patch, exactly as it did when it was recorded.
 *
 * Call at the top of the workflow function: there an existing run is always replaying its first task, so
 * the generation reads false for it and never switches a run that started under older code part way.
 *
 * Only changes made before the generation shipped may be asked through it: for a run of the generation
 * every change reads true, so a later change asked this way would switch runs under way. A later change
 * calls `patched()` itself until the next generation takes it in. And a build from before a generation
 * cannot replay the runs started under it (it finds none of its patches' markers): roll back only to a
 * build that knows the generation.
 */
import { patched } from '@temporalio/workflow';

export type Changes = (change: string) => boolean;

export function changesSince(generation: string): Changes {
  const current = patched(generation);
  return (change) => current || patched(change);
}
