import { createServer, type Server } from 'node:http';
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loopbackOnly, saveScreenshot, startServerAndBrowser } from '#tests/support/browser.ts';
import { apiClient, type StartedServer } from '#tests/support/server.ts';

// The embeds on a third party's page, in real Chromium: a real Candor server on one loopback
// port, and a tiny "customer site" on another that pastes the one-line script tag or the iframe.
// Two origins, as in real life: the banner reads the status origin cross-origin.

const token = 'embed-lane-bootstrap-token-0123456789';
const incidentTitle = 'Checkout payments failing';

let server: StartedServer | undefined;
let host: Server | undefined;
let hostUrl = '';
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** Every non-loopback request the context attempted (each one is aborted). */
let offLoopback: string[] = [];
/** Every origin the host page's requests went to. */
const origins = new Set<string>();
/** Console errors and CSP violations on any host page. */
const problems: string[] = [];
let incidentId = '';
let componentId = '';

function base(): string {
  if (!server) throw new Error('The server did not start');
  return server.url;
}

const api = apiClient(base, token);

/** The customer's pages. The plain one has a CSP that allows the status origin and no more. */
function hostPages(status: string): Record<string, { html: string; csp?: string }> {
  const page = (title: string, head: string, body: string) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>${head}</head><body><main><h1>${title}</h1><p>Welcome to our shop.</p></main>${body}</body></html>`;
  const hostile = `<style>
    div, span, p, a, section, [role] { display: none !important; }
    button { font-size: 80px !important; padding: 40px !important; }
    * { color: #f0f !important; background: #0f0 !important; font-family: serif !important;
        line-height: 5 !important; letter-spacing: 6px !important; }
    candor-status { display: none !important; opacity: 0 !important; }
    html { font-size: 40px; }
    main, h1 { display: block !important; }
    body { display: grid !important; gap: 30px !important; }
    #own { position: fixed; left: 0; bottom: 0; width: 100vw; height: 200px; z-index: 999999; }
  </style>`;
  return {
    '/': {
      html: page('Shop', '', `<script src="${status}/embed.js" async></script>`),
      csp: `default-src 'none'; script-src ${status}; connect-src ${status}; frame-src 'none'`,
    },
    '/hostile': {
      html: page(
        'Hostile shop',
        hostile,
        `<button id="own" type="button">Own button</button><script src="${status}/embed.js" data-position="bottom-left" async></script>`,
      ),
    },
    '/frame': {
      html: page(
        'Framed status',
        '',
        `<iframe src="${status}/embed/status?theme=light" title="Service status" width="320" height="36" style="border:0"></iframe>`,
      ),
    },
  };
}

async function startHost(status: string): Promise<{ server: Server; url: string }> {
  const pages = hostPages(status);
  const created = createServer((req, res) => {
    const found = pages[new URL(req.url ?? '/', 'http://host').pathname];
    if (!found) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      ...(found.csp ? { 'content-security-policy': found.csp } : {}),
    });
    res.end(found.html);
  });
  await new Promise<void>((resolve) => created.listen(0, '127.0.0.1', resolve));
  const address = created.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { server: created, url: `http://127.0.0.1:${port}` };
}

/** The banner box inside the shadow root (Playwright's locators pierce open shadow roots). */
function banner(): Locator {
  return page.locator('candor-status .b');
}

/** Loads a host page and waits until the embed has read the summary and rendered. */
async function load(path: string): Promise<void> {
  const summary = page.waitForResponse((r) => r.url().endsWith('/api/v2/summary.json'));
  await page.goto(`${hostUrl}${path}`);
  await summary;
  // The render follows the response's JSON parsing: one more task.
  await page.waitForFunction(() => document.querySelector('candor-status')?.shadowRoot);
  await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 50)));
}

let startupError: unknown;

beforeAll(async () => {
  try {
    const started = await startServerAndBrowser({ BOOTSTRAP_TOKEN: token });
    ({ server, browser } = started);
    const hosted = await startHost(started.server.url);
    host = hosted.server;
    hostUrl = hosted.url;
    context = await started.browser.newContext({
      viewport: { width: 1024, height: 700 },
      colorScheme: 'light',
    });
    offLoopback = await loopbackOnly(context);
    // Fake timers that still flow: a test can jump a minute ahead to see the next poll.
    await context.clock.install();
    page = await context.newPage();
    page.on('request', (request) => origins.add(new URL(request.url()).origin));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (event) => {
        console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`);
      });
    });
  } catch (error) {
    startupError = error;
  }
});

beforeEach(() => {
  if (startupError) throw startupError;
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => {
    if (!host) return resolve();
    host.close(() => resolve());
    host.closeAllConnections();
  });
  await server?.stop();
});

describe('the embed script on a third-party page', () => {
  it('shows no banner while all is operational, then one at the next poll after an incident', async () => {
    await load('/');
    expect(await page.title()).toBe('Shop');
    // The live region is there, empty, ready to be announced into.
    const region = page.getByRole('status');
    expect(await region.count()).toBe(1);
    expect(await region.getAttribute('aria-live')).toBe('polite');
    expect((await region.textContent())?.trim()).toBe('');
    expect(await banner().count()).toBe(0);

    const listed = await api('GET', '/api/v1/components');
    const restApi = (listed.json as { id: string; name: string }[]).find(
      (c) => c.name === 'REST API',
    );
    if (!restApi) throw new Error('REST API is not among the components');
    componentId = restApi.id;
    const declared = await api('POST', '/api/v1/incidents', {
      title: incidentTitle,
      status: 'investigating',
      body: 'Card payments fail at checkout; we are investigating.',
      components: { [restApi.id]: 'partial_outage' },
    });
    expect(declared.status, declared.text).toBe(201);
    incidentId = declared.json.id;

    // No reload: the next poll, a minute later, brings it.
    const next = page.waitForResponse((r) => r.url().endsWith('/api/v2/summary.json'));
    await page.clock.runFor(61_000);
    await next;
    await banner().waitFor({ state: 'visible' });
    const text = (await banner().textContent()) ?? '';
    expect(text).toContain(incidentTitle);
    expect(text).toContain('Investigating');
    await saveScreenshot(page, 'embed-banner-light');
  });

  it('links to the incident on the status site, and the link works', async () => {
    const link = page.getByRole('status').getByRole('link', { name: incidentTitle });
    expect(await link.getAttribute('href')).toBe(`${base()}/incidents/${incidentId}`);
    expect(await link.getAttribute('rel')).toBe('noopener');
    const [opened] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await opened.waitForLoadState('domcontentloaded');
    expect(opened.url()).toBe(`${base()}/incidents/${incidentId}`);
    expect(await opened.getByRole('heading', { level: 1 }).textContent()).toContain(incidentTitle);
    await opened.close();
  });

  it('is accessible: no axe violations in light or dark, keyboard reachable, visible focus', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const results = await new AxeBuilder({ page }).include('candor-status').analyze();
      const violations = results.violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      );
      expect(violations, colorScheme).toEqual([]);
      // axe checked the banner itself, not an empty selection.
      expect(results.passes.some((p) => p.id === 'color-contrast')).toBe(true);
    }
    await saveScreenshot(page, 'embed-banner-dark');
    await page.emulateMedia({ colorScheme: 'light' });

    const close = page.getByRole('button', { name: 'Dismiss status notice' });
    expect(await close.count()).toBe(1);
    // From the top of a fresh page, the keyboard reaches the link, then the button.
    await load('/');
    await banner().waitFor({ state: 'visible' });
    const focusedNow = () =>
      page.evaluate(() => {
        const inner = document.querySelector('candor-status')?.shadowRoot?.activeElement;
        if (!inner) return null;
        const style = getComputedStyle(inner);
        return {
          tag: inner.tagName,
          outline: style.outlineStyle,
          width: style.outlineWidth,
          visible: inner.matches(':focus-visible'),
        };
      });
    await page.keyboard.press('Tab');
    expect(await focusedNow()).toEqual({ tag: 'A', outline: 'solid', width: '3px', visible: true });
    await page.keyboard.press('Tab');
    expect(await focusedNow()).toEqual({
      tag: 'BUTTON',
      outline: 'solid',
      width: '3px',
      visible: true,
    });
    await saveScreenshot(page, 'embed-banner-focus');

    // Motion only for those who have not asked for less.
    const animation = () => banner().evaluate((element) => getComputedStyle(element).animationName);
    expect(await animation()).not.toBe('none');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await animation()).toBe('none');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it('is dismissed with its button, stays dismissed after a reload, and comes back for a new update', async () => {
    await page.getByRole('button', { name: 'Dismiss status notice' }).click();
    expect(await banner().count()).toBe(0);
    await load('/');
    expect(await banner().count()).toBe(0);

    const updated = await api('POST', `/api/v1/incidents/${incidentId}/updates`, {
      status: 'identified',
      body: 'A certificate expired at our payment provider; we are renewing it.',
    });
    expect(updated.status, updated.text).toBe(201);
    await load('/');
    await banner().waitFor({ state: 'visible' });
    expect(await banner().textContent()).toContain('Identified');
  });

  it('announces maintenance starting within the hour, not one starting later', async () => {
    const minute = 60_000;
    const schedule = async (title: string, inMinutes: number) => {
      const start = Date.now() + inMinutes * minute;
      const created = await api('POST', '/api/v1/maintenances', {
        title,
        body: 'Planned work.',
        scheduled_for: new Date(start).toISOString(),
        scheduled_until: new Date(start + 60 * minute).toISOString(),
        components: [componentId],
      });
      expect(created.status, created.text).toBe(201);
    };
    await schedule('Database failover drill', 30);
    await schedule('Network upgrade next week', 3 * 24 * 60);
    await load('/');
    await banner().waitFor({ state: 'visible' });
    // The incident first; the maintenance counted, the later one not.
    expect(await banner().textContent()).toContain(
      `${incidentTitle}Incident · Identified · 1 more on the status page`,
    );
    await page.getByRole('button', { name: 'Dismiss status notice' }).click();
    await banner().waitFor({ state: 'visible' });
    const text = (await banner().textContent()) ?? '';
    expect(text).toMatch(/^Database failover drillMaintenance · Starts \d{1,2}:\d{2}/);
    expect(text).not.toContain('more on the status page');
    expect(text).not.toContain('Network upgrade');
  });

  it('polls every minute while the tab is visible, never while it is hidden', async () => {
    await load('/');
    let polls = 0;
    const count = (request: { url(): string }) => {
      if (request.url().endsWith('/api/v2/summary.json')) polls += 1;
    };
    page.on('request', count);
    try {
      const setHidden = (hidden: boolean) =>
        page.evaluate((value) => {
          Object.defineProperty(document, 'hidden', { value, configurable: true });
          document.dispatchEvent(new Event('visibilitychange'));
        }, hidden);
      await page.clock.runFor(60_500);
      await expect.poll(() => polls).toBe(1);
      await setHidden(true);
      await page.clock.runFor(5 * 60_000);
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      expect(polls).toBe(1);
      // Back in view, overdue: it polls at once, then every minute again.
      const back = page.waitForRequest((r) => r.url().endsWith('/api/v2/summary.json'));
      await setHidden(false);
      await page.clock.runFor(10);
      await back;
      expect(polls).toBe(2);
    } finally {
      page.off('request', count);
    }
  });

  it('holds its own against hostile host CSS and leaves the host page alone', async () => {
    await load('/hostile');
    const box = banner();
    await box.waitFor({ state: 'visible' });
    // Measured once its entrance animation has ended.
    await box.evaluate((element) => Promise.all(element.getAnimations().map((a) => a.finished)));
    const shape = await box.boundingBox();
    if (!shape) throw new Error('the banner has no box');
    // data-position="bottom-left": 16 px from the left and bottom edges, still small.
    expect(shape.x).toBeCloseTo(16, 0);
    expect(700 - (shape.y + shape.height)).toBeCloseTo(16, 0);
    expect(shape.width).toBeLessThanOrEqual(360);
    expect(shape.height).toBeLessThan(120);
    const looks = await page.evaluate(() => {
      const root = document.querySelector('candor-status')?.shadowRoot;
      const style = (selector: string) => {
        const element = root?.querySelector(selector);
        return element ? getComputedStyle(element) : null;
      };
      return {
        button: style('button')?.fontSize,
        link: style('a')?.display,
        linkColour: style('a')?.color,
        background: style('.b')?.backgroundColor,
        ownButton: getComputedStyle(document.getElementById('own') as Element).fontSize,
        documentStyles: document.querySelectorAll('style, link[rel=stylesheet]').length,
        // Out of the host's flow (no extra grid row or flex gap), sizeless, above everything.
        host: (() => {
          const element = document.querySelector('candor-status') as Element;
          const rect = element.getBoundingClientRect();
          const style = getComputedStyle(element);
          return `${style.position} ${style.zIndex} ${rect.width}x${rect.height}`;
        })(),
        onTop: (() => {
          const box = root?.querySelector('.b')?.getBoundingClientRect();
          if (!box) return false;
          const hit = document.elementFromPoint(box.x + 20, box.y + box.height / 2);
          return hit?.tagName === 'CANDOR-STATUS';
        })(),
      };
    });
    expect(looks).toEqual({
      button: '22px',
      link: 'inline',
      linkColour: 'rgb(29, 78, 216)',
      background: 'rgb(255, 255, 255)',
      // The host's own rules still apply to the host's own elements.
      ownButton: '80px',
      // The embed added no style sheet to the host document.
      documentStyles: 1,
      host: 'fixed 2147483647 0x0',
      onTop: true,
    });
    expect(await page.getByRole('button', { name: 'Dismiss status notice' }).isVisible()).toBe(
      true,
    );
    await saveScreenshot(page, 'embed-banner-hostile');
  });

  it('renders /embed/status in an iframe on another origin', async () => {
    await page.goto(`${hostUrl}/frame`);
    const frame = page.frameLocator('iframe[title="Service status"]');
    const link = frame.getByRole('link');
    await link.waitFor({ state: 'visible' });
    expect(await link.textContent()).toContain(incidentTitle);
    expect(await link.getAttribute('href')).toBe(`${base()}/incidents/${incidentId}`);
    expect(await link.getAttribute('target')).toBe('_blank');
    const results = await new AxeBuilder({ page }).analyze();
    expect(
      results.violations.map(
        (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
      ),
    ).toEqual([]);
    await saveScreenshot(page, 'embed-iframe');
  });

  it('went to the status origin only, broke no CSP and logged no error', () => {
    expect(offLoopback).toEqual([]);
    expect([...origins].sort()).toEqual([base(), hostUrl].sort());
    expect(problems).toEqual([]);
  });
});
