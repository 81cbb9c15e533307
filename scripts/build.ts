/**
 * `npm start` / `npm run worker` run this first (prestart, preworker): compile the process's TypeScript to
 * plain JavaScript in dist/ (esbuild, one file each, no bundling, so every `__dirname` keeps its place) and
 * bundle the workflows once for the worker. Each part is redone only when its sources changed since it was
 * made (server/runtime/build-output.ts decides), so an unchanged checkout starts without building anything.
 */
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  buildStampPath,
  bundlerLogger,
  distDir,
  javascriptIsCurrent,
  prebuiltWorkflowBundlePath,
  projectRoot,
  sourceFolders,
  workflowBundleIsCurrent,
  workflowBundleOptions,
} from '../server/runtime/build-output';

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return typescriptFiles(path);
    return entry.endsWith('.ts') && !entry.endsWith('.d.ts') ? [path] : [];
  });
}

async function compileJavaScript() {
  const started = Date.now();
  // Files removed from the sources must not linger in dist/ and be loaded.
  for (const folder of [...sourceFolders, 'config']) rmSync(join(distDir, folder), { recursive: true, force: true });
  const entryPoints = sourceFolders.flatMap((folder) => typescriptFiles(join(projectRoot, folder)));
  // The same transform tsx applies at run time, done once: CommonJS for Node 20, sources mapped for stack traces.
  // Loaded only when there is something to build: a current dist/ should cost `npm start` next to nothing.
  const { build } = await import('esbuild');
  await build({ entryPoints, outdir: distDir, outbase: projectRoot, format: 'cjs', platform: 'node', target: 'node20', sourcemap: 'linked', logLevel: 'warning' });
  // Files read by path at run time, found from dist/ as from the sources (store/migrate.ts, policy/io/load.ts).
  cpSync(join(projectRoot, 'store', 'migrations'), join(distDir, 'store', 'migrations'), { recursive: true });
  cpSync(join(projectRoot, 'config', 'schema'), join(distDir, 'config', 'schema'), { recursive: true });
  writeFileSync(buildStampPath, `${new Date().toISOString()}\n`);
  console.log(`marshal: compiled ${entryPoints.length} files to ${relative(process.cwd(), distDir) || '.'}/ in ${Date.now() - started} ms`);
}

async function bundleWorkflows() {
  const started = Date.now();
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode({ ...workflowBundleOptions, logger: bundlerLogger });
  // Written under another name and renamed, so a worker never reads half a bundle.
  writeFileSync(`${prebuiltWorkflowBundlePath}.tmp`, code);
  renameSync(`${prebuiltWorkflowBundlePath}.tmp`, prebuiltWorkflowBundlePath);
  console.log(`marshal: bundled the workflows in ${Date.now() - started} ms`);
}

async function main() {
  mkdirSync(distDir, { recursive: true });
  const force = process.argv.includes('--force');
  if (force || !javascriptIsCurrent()) await compileJavaScript();
  if (force || !workflowBundleIsCurrent()) await bundleWorkflows();
}

main().catch((error: Error) => {
  console.error(`marshal: build failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
