import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUserWithCli, type StartedServer, startServer } from '#tests/support/server.ts';

// Signing in as a browser does: a form post with an Origin header, a cookie back.

let server: StartedServer;
let password = '';
beforeAll(async () => {
  server = await startServer({ SITE_URL: 'https://status.example.test' });
  password = createUserWithCli(server, 'Ops@Example.com', 'admin');
});
afterAll(() => server.stop());

const login = (form: Record<string, string>, origin: string | null = server.url) =>
  fetch(`${server.url}/login?next=/history`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin ? { origin } : {}) },
    body: new URLSearchParams(form),
    redirect: 'manual',
  });

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Lax, Secure session cookie and returns to the page asked for', async () => {
    const response = await login({ email: 'ops@example.com', password });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/history');
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^candor_session=[\w-]{43};/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toMatch(/Secure/i);
    const session = cookie.split(';')[0] ?? '';
    const out = await fetch(`${server.url}/logout`, {
      method: 'POST',
      headers: { origin: server.url, cookie: session },
      redirect: 'manual',
    });
    expect(out.status).toBe(303);
    expect(out.headers.get('set-cookie')).toMatch(
      /candor_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i,
    );
  });

  it('answers the same for an unknown account and a wrong password, and sets no cookie', async () => {
    const unknown = await login({ email: 'nobody@example.com', password });
    const wrong = await login({ email: 'ops@example.com', password: 'not the right password' });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '');
    expect(strip(await unknown.text())).toBe(strip(await wrong.text()));
    expect(unknown.headers.get('set-cookie')).toBeNull();
  });

  it('refuses a sign-in posted from another site', async () => {
    expect(
      (await login({ email: 'ops@example.com', password }, 'https://evil.example')).status,
    ).toBe(403);
  });

  it('opens the internal page to people signed in, with internal incidents and notes, never cached', async () => {
    const anonymous = await fetch(`${server.url}/internal`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/login?next=%2Finternal');
    expect(anonymous.headers.get('cache-control')).toBe('private, no-store');

    const signedIn = await login({ email: 'ops@example.com', password });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const created = spawnSync(
      process.execPath,
      [
        '--import',
        './src/preload.mjs',
        'src/cli/token.ts',
        'create',
        '--name',
        'test',
        '--scope',
        'write',
      ],
      {
        env: { PATH: process.env.PATH ?? '', DATABASE_URL: `file:${server.dataDir}/candor.db` },
        encoding: 'utf8',
      },
    );
    const apiToken = created.stdout.trim().split('\n').at(-1) ?? '';
    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json());
    const internal = await post('/api/v1/incidents', {
      title: 'Runner pool exhausted',
      status: 'investigating',
      body: 'Internal only.',
      audience: 'internal',
      severity: 'sev2',
    });
    const open = await post('/api/v1/incidents', {
      title: 'Slow API',
      status: 'investigating',
      body: 'Looking.',
      severity: 'sev1',
    });
    await post(`/api/v1/incidents/${open.id}/updates`, {
      status: 'investigating',
      body: 'NOTE: shard 7 is hot',
      audience: 'internal',
    });

    const page = await fetch(`${server.url}/internal`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    expect(page.headers.get('x-robots-tag')).toBe('noindex');
    const html = await page.text();
    for (const text of [
      'Runner pool exhausted',
      'Internal only',
      'SEV2',
      'Slow API',
      'SEV1',
      'Deploy pipeline',
    ]) {
      expect(html).toContain(text);
    }
    const detail = await (
      await fetch(`${server.url}/internal/incidents/${open.id}`, { headers: { cookie } })
    ).text();
    expect(detail).toContain('NOTE: shard 7 is hot');
    expect(detail).toContain('Internal note');
    const publicPage = await (await fetch(`${server.url}/incidents/${open.id}`)).text();
    expect(publicPage).not.toContain('shard 7');
    expect(publicPage).not.toContain('Checkout conversions');
    expect(
      (await fetch(`${server.url}/internal/incidents/${internal.id}`, { headers: { cookie } }))
        .status,
    ).toBe(200);
    expect((await fetch(`${server.url}/incidents/${internal.id}`)).status).toBe(404);
  });

  it('sends security headers with every page: no script, no framing, HSTS over https', async () => {
    for (const path of ['/', '/login', '/no-such-page']) {
      const response = await fetch(`${server.url}${path}`);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('strict-transport-security')).toBe(
        'max-age=31536000; includeSubDomains',
      );
      expect(await response.text()).not.toMatch(/<script/i);
    }
    // The embeddable status line may be framed anywhere.
    const embed = await fetch(`${server.url}/embed/status`);
    expect(embed.headers.get('content-security-policy')).toContain('frame-ancestors *');
  });

  it('never sends the visitor to another site after signing in', async () => {
    const response = await fetch(`${server.url}/login?next=//evil.example/x`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url },
      body: new URLSearchParams({ email: 'ops@example.com', password }),
      redirect: 'manual',
    });
    expect(response.headers.get('location')).toBe('/');
  });
});

describe('the internal feed', () => {
  it('opens with a personal token made on /internal, shows internal incidents, and stops when revoked', async () => {
    const signedIn = await login({ email: 'ops@example.com', password });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const made = await fetch(`${server.url}/internal`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ feed: 'issue' }),
    });
    const html = await made.text();
    const feedUrl = html.match(/\/internal\/history\.atom\?token=([\w-]+)/);
    expect(feedUrl, 'the page shows the new feed link').toBeTruthy();
    const token = feedUrl?.[1] ?? '';
    const feed = await fetch(`${server.url}/internal/history.atom?token=${token}`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('cache-control')).toBe('private, no-store');
    const atom = await feed.text();
    expect(atom).toContain('Internal Incident History');
    expect(atom).toContain('[Internal] Runner pool exhausted');
    expect(atom).toContain('/internal/incidents/');
    expect((await fetch(`${server.url}/internal/history.atom?token=wrong`)).status).toBe(404);
    await fetch(`${server.url}/internal`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ feed: 'revoke' }),
    });
    expect((await fetch(`${server.url}/internal/history.rss?token=${token}`)).status).toBe(404);
  });
});
