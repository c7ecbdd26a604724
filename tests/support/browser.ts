import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { type StartedServer, startServer } from './server.ts';

// The browser lane drives Debian's Chromium through playwright-core: no browser is downloaded.
// A missing Chromium is a failure, never a skip, so the lane cannot silently test nothing.

export const chromiumPath = '/usr/bin/chromium';

/** Where screenshots land: test-results/ at the repository root (git-ignored). */
export const resultsDir = fileURLToPath(new URL('../../test-results/', import.meta.url));

/** Launches headless Chromium from /usr/bin/chromium; throws when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `Chromium is missing at ${chromiumPath}: install it with apt-get install chromium (.ci/run does this)`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Keeps a context's traffic on the loopback interface: any request to another host is aborted
 * and its URL recorded in the returned list, so a test can assert that it stays empty.
 */
export async function loopbackOnly(context: BrowserContext): Promise<string[]> {
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    const local =
      url.protocol === 'data:' ||
      url.protocol === 'about:' ||
      url.hostname === '127.0.0.1' ||
      url.hostname === 'localhost';
    if (local) return route.continue();
    blocked.push(url.href);
    return route.abort('blockedbyclient');
  });
  return blocked;
}

/** Saves a full-page PNG as test-results/<name>.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true, type: 'png' });
  return path;
}

/**
 * Starts a Candor server and Chromium at once. If either fails, the other is stopped and the
 * error thrown, so a test file never leaves a process behind.
 */
export async function startServerAndBrowser(
  env: Record<string, string>,
): Promise<{ server: StartedServer; browser: Browser }> {
  const [started, launched] = await Promise.allSettled([startServer(env), launchBrowser()]);
  if (started.status === 'fulfilled' && launched.status === 'fulfilled') {
    return { server: started.value, browser: launched.value };
  }
  if (started.status === 'fulfilled') await started.value.stop();
  if (launched.status === 'fulfilled') await launched.value.close();
  throw started.status === 'rejected' ? started.reason : (launched as PromiseRejectedResult).reason;
}
