import { fileURLToPath } from 'node:url';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Content, loadContent } from '#services/content/load-content.ts';
import { loopbackOnly, saveScreenshot, startServerAndBrowser } from '#tests/support/browser.ts';
import { apiClient, type StartedServer } from '#tests/support/server.ts';

// The public status page in real Chromium against a real server (node src/server.ts, its own
// file database, the demo catalogue from content/). The pages are server-rendered and must work
// without JavaScript, on a phone and on a desktop.

const token = 'browser-lane-bootstrap-token-0123456789';
const contentDir = fileURLToPath(new URL('../../content/', import.meta.url));
const phone = { width: 390, height: 844 };
const desktop = { width: 1280, height: 900 };

let server: StartedServer | undefined;
let browser: Browser | undefined;
let content: Content;
/** A page with JavaScript disabled, as many readers of a status page in trouble have it. */
let quiet: Page;
/** A page with JavaScript on, where injected script would have its chance to run. */
let live: Page;
/** Per context, every non-loopback request it attempted (each one is aborted). */
const offLoopback: string[][] = [];
/** Sub-resources (styles, logo, icons) answered with >= 400 during the current test. */
const failedLoads: string[] = [];
/** Dialogs (alert, confirm) any page opened. */
const dialogs: string[] = [];

function base(): string {
  if (!server) throw new Error('The server did not start');
  return server.url;
}

const api = apiClient(base, token);

/**
 * A page in its own context, on the loopback only. Contexts and pages are made once and reused:
 * on a busy machine a new renderer costs seconds, a same-origin navigation does not.
 */
async function openPage(chromium: Browser, javaScriptEnabled: boolean): Promise<Page> {
  const context = await chromium.newContext({
    viewport: desktop,
    javaScriptEnabled,
    colorScheme: 'light',
  });
  offLoopback.push(await loopbackOnly(context));
  const page = await context.newPage();
  page.on('response', (response) => {
    if (response.status() >= 400 && response.request().resourceType() !== 'document') {
      failedLoads.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return page;
}

/** Public group and component names from content/components.yaml (as shown when all is well). */
function publicNames() {
  const { groups, components } = content.catalogue;
  const shown = (c: { audience: string; only_show_if_degraded: boolean }) =>
    c.audience === 'public' && !c.only_show_if_degraded;
  const publicGroups = groups.filter((group) => group.audience === 'public');
  return {
    groups: publicGroups.map((group) => group.name),
    components: [
      ...publicGroups.flatMap((group) => group.components.filter(shown)),
      ...components.filter(shown),
    ].map((component) => component.name),
    internal: [
      ...groups.filter((group) => group.audience === 'internal').map((group) => group.name),
      ...groups.flatMap((group) => group.components).filter((c) => c.audience === 'internal'),
      ...components.filter((c) => c.audience === 'internal'),
    ].map((entry) => (typeof entry === 'string' ? entry : entry.name)),
  };
}

/** The text as people see it (layout applied, hidden parts left out), not the DOM's. */
function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a browser test asserts the rendered text
  return locator.innerText();
}

async function bannerText(page: Page): Promise<string> {
  return (await seen(page.getByRole('region', { name: 'Overall status' }))).trim();
}

/** Why the server or Chromium could not start; every test then fails with it, none skips. */
let startupError: unknown;

beforeAll(async () => {
  try {
    const loading = loadContent(contentDir);
    loading.catch(() => {}); // awaited below; a failure surfaces there
    const started = await startServerAndBrowser({ BOOTSTRAP_TOKEN: token });
    ({ server, browser } = started);
    content = await loading;
    const chromium = started.browser;
    [quiet, live] = await Promise.all([openPage(chromium, false), openPage(chromium, true)]);
  } catch (error) {
    startupError = error;
  }
});

beforeEach(() => {
  if (startupError) throw startupError;
  failedLoads.length = 0;
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the public status page in Chromium', () => {
  const incident = {
    id: '',
    title: 'Elevated error rates on the REST API',
    update: 'We are investigating elevated error rates on the REST API.',
  };

  for (const [label, viewport] of [
    ['phone', phone],
    ['desktop', desktop],
  ] as const) {
    it(`renders / without JavaScript on a ${label} (${viewport.width}×${viewport.height})`, async () => {
      const page = quiet;
      await page.setViewportSize(viewport);
      const response = await page.goto(`${base()}/`);
      expect(response?.status()).toBe(200);
      const structure = await page.evaluate(() => ({
        title: document.title,
        lang: document.documentElement.lang,
        mains: document.querySelectorAll('main').length,
        h1s: document.querySelectorAll('h1').length,
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      expect(structure.title).toContain('Status');
      expect(structure.lang).toBe('en');
      expect(structure.mains).toBe(1);
      expect(structure.h1s).toBe(1);
      // Nothing sideways to scroll, on a phone above all.
      expect(structure.scrollWidth).toBeLessThanOrEqual(structure.clientWidth);

      expect(await bannerText(page)).toContain('All Systems Operational');
      expect(await page.getByRole('region', { name: 'Active incidents' }).count()).toBe(0);

      const names = publicNames();
      expect(names.groups).toContain('Core platform');
      expect(names.components).toContain('REST API');
      expect(names.internal).toEqual(expect.arrayContaining(['Operations', 'Deploy pipeline']));
      const main = await seen(page.locator('main'));
      for (const name of [...names.groups, ...names.components]) expect(main).toContain(name);
      const whole = await page.content();
      for (const name of names.internal) expect(whole).not.toContain(name);

      // A component row says its status in words.
      const core = page.getByRole('list', { name: 'Core platform components' });
      const restApi = core.getByRole('listitem').filter({ hasText: 'REST API' });
      expect(await seen(restApi)).toContain('Operational');

      await saveScreenshot(page, `status-operational-${label}`);
      expect(failedLoads).toEqual([]);
    });
  }

  it('shows a declared incident on /, in words, and its timeline on /incidents/:id', async () => {
    const listed = await api('GET', '/api/v1/components');
    expect(listed.status).toBe(200);
    const restApi = (listed.json as { id: string; name: string }[]).find(
      (c) => c.name === 'REST API',
    );
    if (!restApi) throw new Error('REST API is not among the components');
    const declared = await api('POST', '/api/v1/incidents', {
      title: incident.title,
      status: 'investigating',
      severity: 'sev2',
      body: `${incident.update} Requests may fail with **HTTP 503**.\n\n<script>window.candorInjected = true; document.title = 'injected'</script>`,
      components: { [restApi.id]: 'partial_outage' },
    });
    expect(declared.status, declared.text).toBe(201);
    incident.id = declared.json.id;

    const page = live;
    await page.setViewportSize(desktop);
    await page.goto(`${base()}/`);
    expect(await bannerText(page)).toContain('Partial System Outage');
    const active = page.getByRole('region', { name: 'Active incidents' });
    expect(await seen(active)).toContain(incident.title);
    const core = page.getByRole('list', { name: 'Core platform components' });
    // The status is told in words, not by colour alone.
    const row = core.getByRole('listitem').filter({ hasText: 'REST API' });
    expect(await seen(row)).toContain('Partial outage');
    const other = core.getByRole('listitem').filter({ hasText: 'Authentication' });
    expect(await seen(other)).toContain('Operational');
    await saveScreenshot(page, 'status-incident-desktop');

    await active.getByRole('link', { name: incident.title }).click();
    await page.waitForURL(`${base()}/incidents/${incident.id}`);
    expect(await page.title()).toContain(incident.title);
    expect(await seen(page.getByRole('heading', { level: 1 }))).toBe(incident.title);
    const entries = page.locator('ol.timeline').getByRole('listitem');
    expect(await entries.count()).toBe(1);
    const first = entries.first();
    const text = await seen(first);
    expect(text).toContain('Investigating');
    expect(text).toContain(incident.update);
    const datetime = await first.locator('time[datetime]').first().getAttribute('datetime');
    expect(datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
    expect(Math.abs(Date.parse(datetime ?? '') - Date.now())).toBeLessThan(5 * 60_000);

    // Markdown is rendered; a raw <script> is dropped: not in the DOM, not shown, not run.
    expect(await seen(first.locator('strong'))).toBe('HTTP 503');
    expect(await page.locator('main script').count()).toBe(0);
    expect(await page.content()).not.toContain('candorInjected');
    expect(await page.evaluate(() => 'candorInjected' in window)).toBe(false);
    expect(await page.title()).not.toContain('injected');
    expect(dialogs).toEqual([]);
    await saveScreenshot(page, 'incident-investigating-desktop');
    expect(failedLoads).toEqual([]);
  });

  it('returns to operational once resolved and lists the incident in this month’s history', async () => {
    expect(incident.id, 'the incident from the previous test').not.toBe('');
    const resolved = await api('POST', `/api/v1/incidents/${incident.id}/updates`, {
      status: 'resolved',
      body: 'Error rates are back to normal. **Resolved.**',
    });
    expect(resolved.status, resolved.text).toBe(201);

    const page = quiet;
    await page.setViewportSize(desktop);
    await page.goto(`${base()}/`);
    expect(await bannerText(page)).toContain('All Systems Operational');
    expect(await page.getByRole('region', { name: 'Active incidents' }).count()).toBe(0);
    const core = page.getByRole('list', { name: 'Core platform components' });
    const row = core.getByRole('listitem').filter({ hasText: 'REST API' });
    expect(await seen(row)).toContain('Operational');

    await page.goto(`${base()}/history`);
    // History groups incidents by month in the site's time zone.
    const month = new Intl.DateTimeFormat('en-US', {
      month: 'long',
      year: 'numeric',
      timeZone: content.site.time_zone,
    }).format(new Date());
    const section = page.getByRole('region', { name: month });
    expect(await section.count()).toBe(1);
    const link = section.getByRole('link', { name: incident.title });
    expect(await link.getAttribute('href')).toBe(`/incidents/${incident.id}`);
    expect(await seen(section)).toContain('Resolved');
    await saveScreenshot(page, 'history-desktop');

    await link.click();
    await page.waitForURL(`${base()}/incidents/${incident.id}`);
    const entries = page.locator('ol.timeline').getByRole('listitem');
    expect(await entries.count()).toBe(2);
    expect(await seen(entries.first())).toContain('Error rates are back to normal.');
    expect(failedLoads).toEqual([]);
  });

  it('answers unknown addresses with 404 and the not-found page', async () => {
    const page = quiet;
    await page.setViewportSize(phone);
    const response = await page.goto(`${base()}/nope`);
    expect(response?.status()).toBe(404);
    expect(await seen(page.getByRole('heading', { level: 1 }))).toBe('Page not found');
    expect(await page.title()).toContain('Not found');
    expect(await page.locator('main').count()).toBe(1);
    expect(
      await page.getByRole('link', { name: 'See the current status' }).getAttribute('href'),
    ).toBe('/');

    const unknownIncident = await page.goto(`${base()}/incidents/no-such-incident`);
    expect(unknownIncident?.status()).toBe(404);
    expect(await seen(page.getByRole('heading', { level: 1 }))).toBe('Page not found');
    expect(failedLoads).toEqual([]);
  });

  it('kept every request on the loopback interface', () => {
    expect(offLoopback.flat()).toEqual([]);
  });
});
