import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loopbackOnly,
  resultsDir,
  saveScreenshot,
  startServerAndBrowser,
} from '#tests/support/browser.ts';
import { apiClient, createUserWithCli, type StartedServer } from '#tests/support/server.ts';

// The comms lead's whole story in the console, in Chromium against a real server: declare a
// SEV-2 from a template with a preview, see the overdue warning when the promise passes, post
// updates, resolve, apologise, publish a postmortem with two action items and close one, and at
// each step check what the public page, the feed and the outbox show. Screenshots land in
// test-results/console-*.png (kept by CI as artifacts).

const token = 'browser-story-bootstrap-token-0123456789';
const title = `Card payments failing ${Date.now().toString(36)}`;
let server: StartedServer | undefined;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
let password = '';
let component = { id: '', name: '' };
let startupError: unknown;
const offLoopback: string[][] = [];
const screenshots: string[] = [];
const timings: Record<string, number> = {};

const base = () => {
  if (!server) throw new Error('The server did not start');
  return server.url;
};
const api = apiClient(base, token);

beforeAll(async () => {
  try {
    ({ server, browser } = await startServerAndBrowser({ BOOTSTRAP_TOKEN: token }));
    password = createUserWithCli(server, 'comms@example.com', 'editor');
    const components = (await api('GET', '/api/v1/components')).json as {
      id: string;
      name: string;
      audience: string;
    }[];
    const found = components.find((c) => c.audience === 'public');
    if (!found) throw new Error('no public component in the demo content');
    component = found;
    const subscribed = await api('POST', '/api/v1/subscribers', {
      email: 'customer@example.com',
      confirmed: true,
    });
    if (subscribed.status !== 201 && subscribed.status !== 200) {
      throw new Error(`subscriber: ${subscribed.text}`);
    }
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    offLoopback.push(await loopbackOnly(context));
    page = await context.newPage();
  } catch (error) {
    startupError = error;
  }
}, 60_000);

afterAll(async () => {
  if (Object.keys(timings).length > 0) {
    writeFileSync(
      join(resultsDir, 'console-story.json'),
      `${JSON.stringify({ timings, screenshots }, null, 2)}\n`,
    );
  }
  await context?.close();
  await browser?.close();
  await server?.stop();
});

// biome-ignore lint/performance/useDomNodeTextContent: a browser test asserts the rendered text
const seen = (locator: Locator) => locator.innerText();
const shot = async (name: string) =>
  screenshots.push(await saveScreenshot(page, `console-${name}`));
const publicText = async (path: string) => (await fetch(`${base()}${path}`)).text();

/** Clicks a submit button and waits for the page it leads to to load. */
async function submit(button: Locator) {
  await Promise.all([page.waitForEvent('load'), button.click()]);
}

/** The outbox as the console shows it: the text of the row for this incident's emails. */
async function outboxText(): Promise<string> {
  const outbox = await context.newPage();
  await outbox.goto(`${base()}/admin/outbox`);
  const text = await seen(outbox.locator('main'));
  await outbox.close();
  return text;
}

describe('a comms lead runs an incident from declaration to postmortem in the console', () => {
  it('declares, updates on the promised cadence, resolves, apologises and reviews', async () => {
    if (startupError) throw startupError;

    // Sign in as an editor.
    await page.goto(`${base()}/admin`);
    expect(page.url()).toBe(`${base()}/login?next=%2Fadmin`);
    await page.getByLabel('Email').fill('comms@example.com');
    await page.getByLabel('Password').fill(password);
    await submit(page.getByRole('button', { name: 'Sign in' }));
    expect(page.url()).toBe(`${base()}/admin`);
    await shot('0-dashboard');

    // Declare a SEV-2 from a template, preview it, publish it.
    await page.getByRole('link', { name: 'Declare incident' }).first().click();
    await page.waitForURL(`${base()}/admin/incidents/new`);
    await page.getByLabel('Title (customers read it)').fill(title);
    await page.getByRole('radio', { name: /SEV-2/ }).check();
    await page.getByLabel(`Status of ${component.name}`).selectOption('partial_outage');
    await page.getByLabel('Start the message from a template').selectOption('investigating');
    await submit(page.getByRole('button', { name: 'Fill the message from the template' }));
    const message = await page.getByLabel('First message (Markdown)').inputValue();
    expect(message).toContain(`We are investigating a problem affecting ${component.name}`);
    await submit(page.getByRole('button', { name: 'Preview' }));
    const preview = page.locator('section.preview');
    expect(await seen(preview)).toContain('On the public page');
    expect(await seen(preview)).toContain(`${title} — Investigating`);
    expect(await seen(preview)).toContain(
      `We are investigating a problem affecting ${component.name}`,
    );
    await shot('1-preview');
    const clicked = Date.now();
    await submit(page.getByRole('button', { name: 'Publish now' }));
    const id = new URL(page.url()).pathname.split('/')[3] as string;
    expect(id).toMatch(/^\w+$/);
    let publicPage = await publicText(`/incidents/${id}`);
    timings.publishToPublicPageMs = Date.now() - clicked;
    expect(publicPage).toContain(title);
    expect(publicPage).toContain(`We are investigating a problem affecting ${component.name}`);
    expect(await publicText('/history.atom')).toContain(title);
    expect(await seen(page.locator('#cadence'))).toContain('Next update promised for');
    expect(await outboxText()).toContain(title);
    await shot('2-declared');

    // The promise passes: the console says so. (Automation shortens it through the API, as it
    // may; the console's own minutes would make the test wait half an hour.)
    const soon = new Date(Date.now() + 1_500).toISOString();
    expect((await api('PATCH', `/api/v1/incidents/${id}`, { next_update_at: soon })).status).toBe(
      200,
    );
    await page.waitForTimeout(2_000);
    await page.goto(`${base()}/admin`);
    const card = page.locator(`[data-incident="${id}"]`);
    expect(await seen(card.locator('.overdue'))).toContain('Overdue');
    await shot('3-overdue');

    // Post an update from the "identified" template: the warning goes.
    await card.getByRole('link', { name: 'Post an update' }).click();
    await page.waitForLoadState('load');
    await page.getByLabel('Template').selectOption('identified');
    await submit(page.getByRole('button', { name: 'Fill the message from the template' }));
    expect(await page.getByLabel('Status', { exact: true }).inputValue()).toBe('identified');
    await submit(page.getByRole('button', { name: 'Publish update' }));
    expect(await seen(page.locator('#cadence'))).not.toContain('Overdue');
    expect(await publicText(`/incidents/${id}`)).toContain('We have found the cause');

    // Resolve, from the "resolved" template; the component comes back.
    await page.getByLabel('Template').selectOption('resolved');
    await submit(page.getByRole('button', { name: 'Fill the message from the template' }));
    await submit(page.getByRole('button', { name: 'Publish update' }));
    publicPage = await publicText(`/incidents/${id}`);
    expect(publicPage).toContain('This incident is resolved');
    expect((await api('GET', `/api/v1/components/${component.id}`)).json.status).toBe(
      'operational',
    );

    // The apology, as a follow-up on the resolved incident.
    await page.getByLabel('Template').selectOption('apology');
    await submit(page.getByRole('button', { name: 'Fill the message from the template' }));
    await submit(page.getByRole('button', { name: 'Publish update' }));
    expect(await publicText(`/incidents/${id}`)).toContain('We are sorry.');
    const outbox = await outboxText();
    expect(outbox).toContain(title);
    await shot('4-resolved-and-apologised');

    // The postmortem, from the outline; published, its public part shows and the internal does not.
    await page.getByRole('link', { name: /the postmortem/ }).click();
    await page.waitForLoadState('load');
    const outline = await page.getByLabel('Public part (Markdown)').inputValue();
    expect(outline).toContain('## Timeline');
    expect(outline).toContain('Investigating: We are investigating a problem');
    await page
      .getByLabel('Public part (Markdown)')
      .fill(
        `## Summary\n\nA configuration change broke card payments. We are sorry.\n\n${outline}`,
      );
    await page.getByLabel('Internal part (Markdown)').fill('Root cause: flag flip on pay-7.');
    await page.getByLabel('Published').check();
    await submit(page.getByRole('button', { name: 'Save' }));
    publicPage = await publicText(`/incidents/${id}`);
    expect(publicPage).toContain('A configuration change broke card payments');
    expect(publicPage).not.toContain('pay-7');
    expect(await publicText('/history.atom')).toContain('Postmortem');
    expect(await publicText('/history')).toContain('Read the postmortem');
    await shot('5-postmortem');

    // Two action items; one closed with how it was verified.
    await page.goto(`${base()}/admin/incidents/${id}#action-items`);
    for (const [what, owner] of [
      ['Review config changes before payday', 'Payments team'],
      ['Alert on card failure rate', 'SRE'],
    ]) {
      await page.getByLabel('What will be done').fill(what as string);
      await page.getByLabel('Owner').fill(owner as string);
      await page.getByLabel('Priority').selectOption('high');
      await submit(page.getByRole('button', { name: 'Add', exact: true }));
    }
    await page.getByLabel('Status of Alert on card failure rate').selectOption('done');
    await page
      .getByLabel('Verification of Alert on card failure rate')
      .fill('Alert fired in the game day');
    await submit(
      page.locator('tr').filter({ hasText: 'Alert on card failure rate' }).getByRole('button'),
    );
    const items = (await api('GET', `/api/v1/incidents/${id}/action-items`)).json as {
      title: string;
      status: string;
    }[];
    expect(items.map((i) => [i.title, i.status]).sort()).toEqual([
      ['Alert on card failure rate', 'done'],
      ['Review config changes before payday', 'open'],
    ]);
    await page.goto(`${base()}/internal/incidents/${id}`);
    const internal = await seen(page.locator('main'));
    expect(internal).toContain('Alert fired in the game day');
    expect(internal).toContain('pay-7');
    await shot('6-internal-with-action-items');

    expect(offLoopback.flat()).toEqual([]);
  }, 120_000);
});
