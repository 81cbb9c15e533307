/**
 * The ahead-of-time build `npm start` and `npm run worker` run (`scripts/build.ts`, into `dist/`): plain
 * JavaScript instead of TypeScript compiled by tsx at every start, and the workflow bundle made once instead
 * of by webpack at every worker start. Whether each is still current with the sources is decided here, once,
 * for the build (rebuild or not) and the worker (use the prebuilt bundle or bundle at start).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository: the nearest folder up with package.json (`server/runtime` in TypeScript, `dist/server/runtime` built). */
export const projectRoot = findProjectRoot(__dirname);
export const distDir = join(projectRoot, 'dist');
/** Written last by a build, so its time says when the JavaScript in dist/ was made. */
export const buildStampPath = join(distDir, '.built');
export const prebuiltWorkflowBundlePath = join(distDir, 'workflow-bundle.js');

/** Bundles are always made from the TypeScript sources (webpack compiles them), from dist/ as from a checkout. */
export const workflowsPath = join(projectRoot, 'workflows', 'index.ts');
/** Repairs text in failures so a caller's string can never fail a whole activation (see the module). */
export const failureConverterPath = join(projectRoot, 'workflows', 'failure-converter.ts');
/**
 * Workflow modules loaded once and shared by every workflow in the worker, and stack-traces.ts, which sets up the
 * shared context (see it). The worker runs all workflows in one reused V8 context, where each workflow would
 * otherwise load its own copy of every module it imports (their functions, constants and activity proxies, in
 * every cached incident). Marshal's workflow modules keep no
 * state of their own (an incident's state lives in its workflow function), so sharing them is safe; the SDK
 * freezes shared modules, so one that tried to keep state would throw rather than leak between incidents.
 */
export const preloadModules = [workflowsPath, join(projectRoot, 'workflows', 'stack-traces.ts')];
/** For bundleWorkflowCode outside the worker (the build, the tests, the benchmarks, replays): webpack's errors only. */
export const bundlerLogger = { log() {}, info() {}, warn() {}, error: console.error, debug() {}, trace() {} };
/** What every workflow bundle is built from: the worker's own, the tests' shared one and the benchmarks'. */
export const workflowBundleOptions = { workflowsPath, failureConverterPath, preloadModules };
/** The same with stack traces (workflows/stack-traces.ts, preloaded above, turns them off): for `npm run replay`. */
export const workflowBundleWithStackTraces = { ...workflowBundleOptions, preloadModules: [workflowsPath] };

/** Folders of the code the process runs; each is compiled to dist/<folder>. */
export const sourceFolders = ['activities', 'common', 'engine', 'policy', 'server', 'store', 'usecases', 'workflows'] as const;
/** What the workflow bundle is made from: workflows/ and what they import (pure policy, text rules, activity types), the SDK's version and the bundle options above. */
const workflowBundleInputs = ['workflows', 'policy', 'common', 'activities', 'package-lock.json', 'server/runtime/build-output.ts'];
/** What the compiled JavaScript is made from, besides the sources: the copied files and the packages. */
const javascriptInputs = [...sourceFolders, 'config/schema', 'package.json', 'package-lock.json'];

function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

/** The latest modification time (ms) of any file under these paths (relative to the project root). */
function newestChange(paths: readonly string[]): number {
  let newest = 0;
  const visit = (path: string) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) {
      for (const entry of readdirSync(path)) if (entry !== 'node_modules') visit(join(path, entry));
    } else newest = Math.max(newest, stat.mtimeMs);
  };
  for (const path of paths) visit(join(projectRoot, path));
  return newest;
}

/** True when `output` exists and was written after the last change to any of `inputs`. */
function isCurrent(output: string, inputs: readonly string[]): boolean {
  const stat = statSync(output, { throwIfNoEntry: false });
  return stat !== undefined && stat.mtimeMs > newestChange(inputs);
}

export const javascriptIsCurrent = () => isCurrent(buildStampPath, javascriptInputs);
export const workflowBundleIsCurrent = () => isCurrent(prebuiltWorkflowBundlePath, workflowBundleInputs);

/** The prebuilt workflow bundle when it is current; otherwise undefined, and the worker bundles workflows/ at start. */
export function currentPrebuiltWorkflowBundle(): string | undefined {
  return workflowBundleIsCurrent() ? prebuiltWorkflowBundlePath : undefined;
}
