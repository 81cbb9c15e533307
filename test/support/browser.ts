/**
 * A real Chromium for the browser tests, with nothing to install by hand: the system's (CHROMIUM_PATH, or
 * Debian's /usr/bin/chromium) where there is one, else the one the npm package @sparticuz/chromium carries
 * inside it (unpacked to /tmp on first use). MARSHAL_TEST_BROWSER=bundled uses the package's even where
 * a system one exists, to check that route.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { chromium, type Browser } from 'playwright-core';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export async function launchChromium(): Promise<Browser> {
  const system = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (process.env.MARSHAL_TEST_BROWSER !== 'bundled' && existsSync(system)) {
    return chromium.launch({ executablePath: system, headless: true, args: FLAGS });
  }
  const bundled = (await import('@sparticuz/chromium')).default;
  // Its flags are made for one-shot serverless use; one process for everything would end the browser
  // with the first closed context.
  const args = bundled.args.filter((flag: string) => flag !== '--single-process');
  return chromium.launch({ executablePath: await bundled.executablePath(), headless: true, args: [...args, ...FLAGS] });
}

/** Where browser tests save screenshots (ignored by git), and the two sizes every page is looked at. */
export const ARTIFACTS = join(repoRoot, 'test', 'artifacts', 'browser');
export const VIEWPORTS = [
  { name: 'laptop', viewport: { width: 1366, height: 900 }, isMobile: false },
  { name: 'phone', viewport: { width: 390, height: 844 }, isMobile: true },
] as const;
