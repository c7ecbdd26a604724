import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// Cross-site form posts, and single sign-on through a trusted proxy, against a real server. The
// server trusts 127.0.0.1 as an authenticating proxy, as a company would trust its SSO gateway.

const bootstrap = 'security-bootstrap-token-0123456789';
const siteUrl = 'https://status.security.example';
let server: StartedServer;
let api: ReturnType<typeof apiClient>;
let viewerCookie = '';

beforeAll(async () => {
  server = await startServer({
    BOOTSTRAP_TOKEN: bootstrap,
    SITE_URL: siteUrl,
    TRUSTED_PROXIES: '127.0.0.1, ::1',
  });
  api = apiClient(() => server.url, bootstrap);
  for (const [email, role] of [
    ['viewer@security.example', 'viewer'],
    ['boss@security.example', 'admin'],
  ]) {
    const made = await api('POST', '/api/v1/users', {
      email,
      name: role,
      role,
      password: 'a long enough passphrase 2026',
    });
    expect(made.status, made.text).toBe(201);
  }
  const signedIn = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: {
      'sec-fetch-site': 'same-origin',
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      email: 'viewer@security.example',
      password: 'a long enough passphrase 2026',
    }),
    redirect: 'manual',
  });
  expect(signedIn.status).toBe(303);
  viewerCookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}, 60_000);
afterAll(() => server.stop());

/** Every page that takes a posted form. */
const formPages = ['/login', '/logout', '/setup', '/subscribe', '/subscribe/manage', '/internal'];

const bodies = {
  form: { type: 'application/x-www-form-urlencoded', body: 'email=a%40b.example' },
  multipart: {
    type: 'multipart/form-data; boundary=x',
    body: '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na@b.example\r\n--x--\r\n',
  },
  'text/plain': { type: 'text/plain', body: 'email=a@b.example' },
} as const;

const post = (path: string, headers: Record<string, string>, kind: keyof typeof bodies = 'form') =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { cookie: viewerCookie, 'content-type': bodies[kind].type, ...headers },
    body: bodies[kind].body,
    redirect: 'manual',
  });

const auditActions = async () =>
  ((await api('GET', '/api/v1/audit?limit=1000')).json as { action: string }[]).map(
    (entry) => entry.action,
  );

describe('cross-site form posts', () => {
  const refused: [string, Record<string, string>][] = [
    ['a foreign Origin', { origin: 'https://evil.example' }],
    ['no Origin and no Sec-Fetch-Site', {}],
    ['Origin: null (a sandboxed or privacy-redirected page)', { origin: 'null' }],
    [
      'Sec-Fetch-Site: cross-site, even with our Origin',
      { 'sec-fetch-site': 'cross-site', origin: siteUrl },
    ],
    ['Sec-Fetch-Site: same-site (a sibling subdomain)', { 'sec-fetch-site': 'same-site' }],
  ];
  describe.each(formPages)('POST %s', (path) => {
    it.each(refused)('is refused with %s', async (_, headers) => {
      const response = await post(path, headers);
      expect(response.status).toBe(403);
      expect(await response.text()).toMatch(/send it from this site's own page/);
    });
    it.each(Object.keys(bodies) as (keyof typeof bodies)[])(
      'is refused from a foreign Origin with a %s body',
      async (kind) => {
        expect((await post(path, { origin: 'https://evil.example' }, kind)).status).toBe(403);
      },
    );
  });

  it('changes nothing when refused: no feed link made, no session ended', async () => {
    const before = await auditActions();
    await post('/internal', { origin: 'https://evil.example' });
    await post('/logout', { 'sec-fetch-site': 'cross-site' });
    expect(await auditActions()).toEqual(before);
    const inside = await fetch(`${server.url}/internal`, {
      headers: { cookie: viewerCookie },
      redirect: 'manual',
    });
    expect(inside.status).toBe(200);
  });

  it("accepts this site's own posts: Sec-Fetch-Site same-origin, or SITE_URL's Origin behind a proxy that rewrites Host", async () => {
    expect((await post('/subscribe', { 'sec-fetch-site': 'same-origin' })).status).not.toBe(403);
    expect((await post('/subscribe', { origin: siteUrl })).status).not.toBe(403);
    expect((await post('/subscribe', { origin: server.url })).status).not.toBe(403);
  });

  it('leaves one-click unsubscribe (RFC 8058) to its signature: mail providers send no Origin', async () => {
    const response = await fetch(`${server.url}/unsubscribe?token=forged`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(400);
  });

  it('grants nothing in the API for a session cookie, from any origin', async () => {
    for (const origin of [siteUrl, 'https://evil.example']) {
      const response = await fetch(`${server.url}/api/v1/incidents`, {
        method: 'POST',
        headers: { cookie: viewerCookie, origin, 'content-type': 'text/plain' },
        body: '{"title":"x","status":"investigating","body":"x"}',
      });
      expect(response.status).toBe(401);
    }
  });
});

describe('form size', () => {
  it('refuses a page post over 64 KiB, or without a length, before reading it', async () => {
    const big = await post('/subscribe', { 'sec-fetch-site': 'same-origin' }, 'form');
    expect(big.status).not.toBe(413);
    const huge = await fetch(`${server.url}/subscribe`, {
      method: 'POST',
      headers: {
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `email=${'a'.repeat(70_000)}`,
    });
    expect(huge.status).toBe(413);
    const chunked = await fetch(`${server.url}/subscribe`, {
      method: 'POST',
      headers: {
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new Blob(['email=a%40b.example']).stream(),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
  });
});

describe('single sign-on through a trusted proxy', () => {
  const asProxy = (path: string, headers: Record<string, string>) =>
    fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

  it('signs in the person the proxy names, creating a newcomer as a viewer', async () => {
    const response = await asProxy('/internal', {
      'x-forwarded-email': 'New.Person@Security.example',
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Signed in as new.person (viewer)');
    const users = (await api('GET', '/api/v1/users')).json as { email: string; role: string }[];
    expect(users.find((u) => u.email === 'new.person@security.example')?.role).toBe('viewer');
    const audit = (await api('GET', '/api/v1/audit?entity_type=user')).json as {
      detail: { via?: string; email?: string };
    }[];
    expect(audit.some((e) => e.detail?.via === 'trusted proxy')).toBe(true);
    expect(
      (await asProxy('/admin/audit', { 'x-forwarded-email': 'new.person@security.example' }))
        .status,
    ).toBe(403);
  });

  it('gives a known person their own role, and ignores a header that is not an email', async () => {
    expect(
      (await asProxy('/admin/audit', { 'x-forwarded-email': 'boss@security.example' })).status,
    ).toBe(200);
    expect((await asProxy('/internal', { 'x-forwarded-email': 'not an email' })).status).toBe(303);
  });

  it('shows admins the audit log at /admin/audit, with before and after, filtered and paged', async () => {
    const boss = { 'x-forwarded-email': 'boss@security.example' };
    const made = await api('POST', '/api/v1/components', { name: 'Audited thing' });
    expect(made.status).toBe(201);
    expect(
      (await api('PATCH', `/api/v1/components/${made.json.id}`, { name: 'Renamed thing' })).status,
    ).toBe(200);
    const page = await (await asProxy(`/admin/audit?entity_id=${made.json.id}`, boss)).text();
    expect(page).toContain('component.updated');
    expect(page).toContain('component.created');
    expect(page).toContain('Audited thing');
    expect(page).toContain('Renamed thing');
    expect(page).not.toContain('user.created');
    // Paged by id: the older entry is on the next page.
    const newest = (await api('GET', `/api/v1/audit?entity_id=${made.json.id}&limit=1`)).json[0];
    const older = await (
      await asProxy(`/admin/audit?entity_id=${made.json.id}&before=${newest.id}`, boss)
    ).text();
    expect(older).toContain('component.created');
    expect(older).not.toContain('component.updated');
  });

  it('takes the client address from X-Forwarded-For for the sign-in limit', async () => {
    const attempt = (client: string, n: number) =>
      fetch(`${server.url}/login`, {
        method: 'POST',
        headers: {
          origin: siteUrl,
          'x-forwarded-for': `${client}, 127.0.0.1`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          email: `n${n}@${client}.example`,
          password: 'wrong guess 12345',
        }),
        redirect: 'manual',
      });
    const statuses: number[] = [];
    for (let n = 0; n < 6; n++) statuses.push((await attempt('203.0.113.5', n)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    // Another client behind the same proxy is not held back by the first one's failures.
    expect((await attempt('203.0.113.6', 0)).status).toBe(401);
  });
});

describe('the log', () => {
  it('holds no secret or token that passed through this server', () => {
    const log = server.output();
    expect(log).toContain('Candor is serving');
    for (const secret of [
      bootstrap,
      viewerCookie.split('=')[1] ?? 'missing',
      'a long enough passphrase 2026',
      'wrong guess 12345',
    ]) {
      expect(log).not.toContain(secret);
    }
  });
});
