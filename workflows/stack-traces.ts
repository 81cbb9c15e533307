/**
 * Workflow code runs without stack traces. For the `__stack_trace` query (the Temporal UI's "Stack Trace"
 * tab), the SDK's promise hook records a stack trace for every promise a workflow creates, each frame
 * formatted through the bundle's source map. With no frames to capture, replaying an incident's history costs
 * the worker 0.71 of the CPU it did (README, Benchmarks, "Sixth pass").
 *
 * What it costs: an error thrown in workflow code carries its message without the frames (the failed workflow
 * task, in the worker's log and the Temporal UI, says what went wrong but not where), and the stack trace
 * query answers empty. To see where, save the workflow's history (`temporal workflow show --workflow-id <id>
 * --output json`) and replay it with stack traces: `npm run replay -- <history.json>`.
 *
 * Set once, as the bundle loads (server/runtime/build-output.ts preloads this module): the worker runs every
 * workflow in one shared V8 context, so this holds for all of them. Nothing in a workflow's commands depends
 * on it.
 */
Error.stackTraceLimit = 0;
