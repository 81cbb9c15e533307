/**
 * A real Chromium for the browser tests, with nothing to install by hand: the system's (CHROMIUM_PATH, or
 * Debian's /usr/bin/chromium) where there is one, else the one the npm package @sparticuz/chromium carries
 * inside it (unpacked to /tmp on first use). MARSHAL_TEST_BROWSER=bundled uses the package's even where
 * a system one exists, to check that route.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './paths';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { startTestStack, type TestStack } from './stack';

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

/**
 * A test file's stack and browser, started before its tests and stopped after, and `shot`, which saves the
 * whole page and what the window shows (the part a person sees first on a phone) under ARTIFACTS.
 */
export function useBrowserStack(
  prefix = '',
  overrides: Parameters<typeof startTestStack>[0] = {},
  policyEdit?: Parameters<typeof startTestStack>[1],
): { readonly stack: TestStack; readonly browser: Browser; shot(page: Page, name: string): Promise<void> } {
  const context = {} as { stack: TestStack; browser: Browser };
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    [context.stack, context.browser] = await Promise.all([startTestStack(overrides, policyEdit), launchChromium()]);
  });
  afterAll(async () => {
    await context.browser?.close();
    await context.stack?.stop();
  });
  return {
    get stack() {
      return context.stack;
    },
    get browser() {
      return context.browser;
    },
    async shot(page, name) {
      await page.screenshot({ path: join(ARTIFACTS, `${prefix}${name}.png`), fullPage: true });
      await page.screenshot({ path: join(ARTIFACTS, `${prefix}${name}-screen.png`) });
    },
  };
}
