import { createHash, randomUUID } from 'node:crypto';
import { createClient } from '@libsql/client';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { idleMs } from '#services/people/sessions.ts';
import { loopbackOnly, saveScreenshot, startServerAndBrowser } from '#tests/support/browser.ts';
import { apiClient, createUserWithCli, type StartedServer } from '#tests/support/server.ts';

// Signing in, failing to, signing out and outliving a session, as a person does it: real
// Chromium filling the real form against a real server process with its own database.

const token = 'browser-sign-in-bootstrap-token-0123456789';
const email = 'viewer@example.com';
const cookieName = 'candor_session';
// Unique per run, so a match cannot come from the demo content or another test.
const marker = `Runner pool exhausted ${randomUUID().slice(0, 8)}`;
const note = `Internal note: shard ${randomUUID().slice(0, 8)} is hot`;

let server: StartedServer | undefined;
let browser: Browser | undefined;
let password = '';
let internalIncidentId = '';
/** Why the server, Chromium or the seeding failed; every test then fails with it, none skips. */
let startupError: unknown;
/** Each test gets its own context, so no cookie leaks from one test into the next. */
let context: BrowserContext;
let page: Page;
const offLoopback: string[][] = [];

function base(): string {
  if (!server) throw new Error('The server did not start');
  return server.url;
}

const api = apiClient(base, token);

beforeAll(async () => {
  try {
    const started = await startServerAndBrowser({ BOOTSTRAP_TOKEN: token });
    ({ server, browser } = started);
    password = createUserWithCli(started.server, email, 'viewer');
    const incident = await api('POST', '/api/v1/incidents', {
      title: marker,
      status: 'investigating',
      body: 'Only employees should read this.',
      audience: 'internal',
      severity: 'sev2',
    });
    if (incident.status !== 201) throw new Error(`incident: ${incident.text}`);
    internalIncidentId = incident.json.id;
    const update = await api('POST', `/api/v1/incidents/${internalIncidentId}/updates`, {
      status: 'investigating',
      body: note,
      audience: 'internal',
    });
    if (update.status !== 201) throw new Error(`note: ${update.text}`);
  } catch (error) {
    startupError = error;
  }
});

beforeEach(async () => {
  if (startupError) throw startupError;
  context = await (browser as Browser).newContext({ viewport: { width: 1280, height: 900 } });
  offLoopback.push(await loopbackOnly(context));
  page = await context.newPage();
});

afterEach(() => context?.close());

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The text as people see it (layout applied, hidden parts left out), not the DOM's. */
function seen(locator: Locator): Promise<string> {
  // biome-ignore lint/performance/useDomNodeTextContent: a browser test asserts the rendered text
  return locator.innerText();
}

/** The session cookie as the browser holds it, if any. */
async function sessionCookie() {
  return (await context.cookies(base())).find((cookie) => cookie.name === cookieName);
}

/** Fills and submits the sign-in form on the current /login page; returns the POST's status. */
async function submitLogin(withPassword: string): Promise<number> {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(withPassword);
  const posted = page.waitForResponse(
    (response) =>
      new URL(response.url()).pathname === '/login' && response.request().method() === 'POST',
  );
  await page.getByRole('button', { name: 'Sign in' }).click();
  const status = (await posted).status();
  await page.waitForLoadState('load');
  return status;
}

/** Opens /internal anonymously, is sent to /login, signs in and lands back on /internal. */
async function signInThroughInternal(): Promise<void> {
  await page.goto(`${base()}/internal`);
  expect(page.url()).toBe(`${base()}/login?next=%2Finternal`);
  expect(await submitLogin(password)).toBe(303);
  expect(page.url()).toBe(`${base()}/internal`);
  expect(await seen(page.getByRole('heading', { level: 1 }))).toBe('Internal status');
}

/** Sets a column of the browser's session row in the server's own database file. */
async function ageSession(column: 'expires_at' | 'last_seen_at', at: number): Promise<void> {
  const value = (await sessionCookie())?.value ?? '';
  // Only a SHA-256 of the cookie's secret is stored (db/schema/people.ts).
  const hash = createHash('sha256').update(value).digest('hex');
  const db = createClient({ url: `file:${server?.dataDir}/candor.db` });
  try {
    const result = await db.execute({
      sql: `UPDATE sessions SET ${column} = ? WHERE token_hash = ?`,
      args: [at, hash],
    });
    expect(result.rowsAffected, 'the browser’s session row').toBe(1);
  } finally {
    db.close();
  }
}

describe('signing in to the internal page in Chromium', () => {
  it('sends an anonymous visitor to /login and back to /internal, which shows internal data', async () => {
    await signInThroughInternal();
    const main = await seen(page.locator('main'));
    expect(main).toContain(`Signed in as ${email} (viewer)`);
    const card = page.locator('article').filter({ hasText: marker });
    expect(await seen(card)).toContain('Internal only');
    expect(await seen(card)).toContain('SEV2');

    // The cookie is out of reach of script and not sent on cross-site subrequests.
    const cookie = await sessionCookie();
    expect(cookie?.value).toMatch(/^[\w-]{43}$/);
    expect(cookie?.httpOnly).toBe(true);
    expect(cookie?.sameSite).toBe('Lax');
    await saveScreenshot(page, 'internal-signed-in');

    await card.getByRole('link', { name: marker }).click();
    await page.waitForURL(`${base()}/internal/incidents/${internalIncidentId}`);
    expect(await seen(page.locator('main'))).toContain(note);

    // Even with the cookie, public pages never show internal incidents.
    await page.goto(`${base()}/`);
    const publicPage = await page.content();
    expect(publicPage).not.toContain(marker);
    expect(publicPage).not.toContain(note);
    expect((await page.goto(`${base()}/incidents/${internalIncidentId}`))?.status()).toBe(404);
  });

  it('shows a readable error for a wrong password and sets no session cookie', async () => {
    await page.goto(`${base()}/login?next=%2Finternal`);
    expect(await submitLogin('not the right password at all')).toBe(401);
    expect(new URL(page.url()).pathname).toBe('/login');
    const alert = page.locator('form').getByRole('alert');
    expect(await seen(alert)).toBe('That email and password do not match an account.');
    // The email stays filled in, the password does not, and the fields point at the error.
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await page.getByLabel('Password').inputValue()).toBe('');
    expect(await page.getByLabel('Email').getAttribute('aria-describedby')).toBe('login-error');
    expect(await sessionCookie()).toBeUndefined();
    await page.goto(`${base()}/internal`);
    expect(page.url()).toBe(`${base()}/login?next=%2Finternal`);
  });

  it('signs out with the control on /internal, and the old cookie no longer opens it', async () => {
    await signInThroughInternal();
    const before = await sessionCookie();
    expect(before).toBeDefined();

    // Opening /logout changes nothing (a prefetch cannot sign anyone out); its button posts.
    await page.goto(`${base()}/logout`);
    expect(await sessionCookie(), 'a GET of /logout keeps the session').toBeDefined();
    await page.goto(`${base()}/internal`);
    // The control on /internal is itself a form that posts to /logout: one click.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${base()}/login`);
    expect(await seen(page.getByRole('heading', { level: 1 }))).toBe('Sign in');
    expect(await sessionCookie()).toBeUndefined();

    await page.goto(`${base()}/internal`);
    expect(page.url()).toBe(`${base()}/login?next=%2Finternal`);

    // The session ended on the server too: putting the old cookie back does not help.
    if (before) await context.addCookies([before]);
    await page.goto(`${base()}/internal`);
    expect(page.url()).toBe(`${base()}/login?next=%2Finternal`);
    expect(await page.content()).not.toContain(marker);
  });

  // src/services/people/sessions.ts ends a session at expires_at (absolute) and after idleMs
  // without use (last_seen_at); either one, set in the past, must send the person to /login.
  for (const [label, column, at] of [
    ['past its absolute expiry', 'expires_at', () => Date.now() - 60_000],
    ['idle for too long', 'last_seen_at', () => Date.now() - idleMs - 60_000],
  ] as const) {
    it(`sends a person whose session is ${label} back to /login, and signing in again works`, async () => {
      await signInThroughInternal();
      const first = (await sessionCookie())?.value;
      await ageSession(column, at());

      await page.reload();
      expect(page.url()).toBe(`${base()}/login?next=%2Finternal`);
      expect(await page.content()).not.toContain(marker);

      expect(await submitLogin(password)).toBe(303);
      expect(page.url()).toBe(`${base()}/internal`);
      expect(await seen(page.locator('main'))).toContain(marker);
      // A new sign-in is a new session, never the old token revived.
      expect((await sessionCookie())?.value).not.toBe(first);
    });
  }

  it('kept every request on the loopback interface', () => {
    expect(offLoopback.flat()).toEqual([]);
  });
});
