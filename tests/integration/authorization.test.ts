import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeHarness } from '#tests/support/harness.ts';
import { apiClient, type StartedServer, startServer } from '#tests/support/server.ts';

// Who may do what, over every route the server has: API routes (read from the app's router) and
// pages (read from src/pages). A route added without a row here fails the first test, so no
// route ships without someone deciding who may use it.

const principals = [
  'anonymous',
  'viewer',
  'editor',
  'admin',
  'read token',
  'write token',
  'admin token',
] as const;
type Principal = (typeof principals)[number];
type Expected = Record<Principal, number | number[]>;

const everyone = (status: number | number[]): Expected =>
  Object.fromEntries(principals.map((p) => [p, status])) as Expected;
/** Pages for signed-in people: anyone else is sent to sign in; tokens do not open pages. */
const signedIn = (role: 'viewer' | 'editor' | 'admin', ok = 200): Expected => ({
  anonymous: 303,
  viewer: role === 'viewer' ? ok : 403,
  editor: role === 'admin' ? 403 : ok,
  admin: ok,
  'read token': 303,
  'write token': 303,
  'admin token': 303,
});
/** API routes: a bearer token with the scope; a session cookie grants nothing in the API. */
const scoped = (needs: 'read' | 'write' | 'admin', ok: number | number[]): Expected => {
  const rank = { read: 0, write: 1, admin: 2 };
  const token = (scope: keyof typeof rank) => (rank[scope] >= rank[needs] ? ok : 403);
  return {
    anonymous: 401,
    viewer: 401,
    editor: 401,
    admin: 401,
    'read token': token('read'),
    'write token': token('write'),
    'admin token': token('admin'),
  };
};

interface Row {
  /** A concrete path for the route's pattern. */
  path: (ids: Ids) => string;
  expected: Expected;
  /** A form body for page posts (sent with this site's Origin). */
  form?: Record<string, string>;
}
interface Ids {
  component: string;
  internalComponent: string;
  incident: string;
  internalIncident: string;
  maintenance: string;
}

const fixed = (path: string) => () => path;

const table: Record<string, Row> = {
  // Health and the public outputs: the same for everyone.
  'GET /healthz': { path: fixed('/healthz'), expected: everyone(200) },
  'GET /readyz': { path: fixed('/readyz'), expected: everyone(200) },
  'GET /api/v2/*': { path: fixed('/api/v2/summary.json'), expected: everyone(200) },
  'GET /api/v2/incidents/:file{[a-z0-9]+\\.json}': {
    path: (ids) => `/api/v2/incidents/${ids.incident}.json`,
    expected: everyone(200),
  },
  'GET /history.rss': { path: fixed('/history.rss'), expected: everyone(200) },
  'GET /history.atom': { path: fixed('/history.atom'), expected: everyone(200) },
  'GET /components/:id/history.rss': {
    path: (ids) => `/components/${ids.component}/history.rss`,
    expected: everyone(200),
  },
  'GET /components/:id/history.atom': {
    path: (ids) => `/components/${ids.internalComponent}/history.atom`,
    expected: everyone(404),
  },
  'GET /badge.svg': { path: fixed('/badge.svg'), expected: everyone(200) },
  'GET /badge.json': { path: fixed('/badge.json'), expected: everyone(200) },
  'GET /components/:id/badge.svg': {
    path: (ids) => `/components/${ids.component}/badge.svg`,
    expected: everyone(200),
  },
  'GET /components/:id/badge.json': {
    path: (ids) => `/components/${ids.internalComponent}/badge.json`,
    expected: everyone(404),
  },
  'GET /embed.js': { path: fixed('/embed.js'), expected: everyone(200) },
  'GET /embed/status': { path: fixed('/embed/status'), expected: everyone(200) },
  'GET /components/:file{[a-z0-9]+/intervals\\.(json|csv)}': {
    path: (ids) => `/components/${ids.component}/intervals.json`,
    expected: everyone(200),
  },
  // One-click unsubscribe (RFC 8058) is signed, not authenticated: without a link, 400 for all.
  'POST /unsubscribe': { path: fixed('/unsubscribe'), expected: everyone(400) },
  // Internal feeds open with a personal feed token in the URL only: no cookie, no API token.
  'GET /internal/:file{history\\.(rss|atom)}': {
    path: fixed('/internal/history.atom'),
    expected: everyone(404),
  },

  // The management API.
  'GET /api/v1/openapi.json': { path: fixed('/api/v1/openapi.json'), expected: everyone(200) },
  'GET /api/v1/components': { path: fixed('/api/v1/components'), expected: scoped('read', 200) },
  'POST /api/v1/components': { path: fixed('/api/v1/components'), expected: scoped('write', 422) },
  'GET /api/v1/components/:id': {
    path: (ids) => `/api/v1/components/${ids.internalComponent}`,
    expected: scoped('read', 200),
  },
  'PATCH /api/v1/components/:id': {
    path: fixed('/api/v1/components/none'),
    expected: scoped('write', 404),
  },
  'DELETE /api/v1/components/:id': {
    path: fixed('/api/v1/components/none'),
    expected: scoped('write', 404),
  },
  'GET /api/v1/incidents': { path: fixed('/api/v1/incidents'), expected: scoped('read', 200) },
  'POST /api/v1/incidents': { path: fixed('/api/v1/incidents'), expected: scoped('write', 422) },
  'GET /api/v1/incidents/:id': {
    path: (ids) => `/api/v1/incidents/${ids.internalIncident}`,
    expected: scoped('read', 200),
  },
  'PATCH /api/v1/incidents/:id': {
    path: fixed('/api/v1/incidents/none'),
    expected: scoped('write', 404),
  },
  'POST /api/v1/incidents/:id/updates': {
    path: fixed('/api/v1/incidents/none/updates'),
    expected: scoped('write', [404, 422]),
  },
  'PATCH /api/v1/incidents/:id/updates/:updateId': {
    path: fixed('/api/v1/incidents/none/updates/none'),
    expected: scoped('write', [404, 422]),
  },
  'POST /api/v1/incidents/:id/reopen': {
    path: fixed('/api/v1/incidents/none/reopen'),
    expected: scoped('write', [404, 422]),
  },
  // Deleting an incident erases history: admins only.
  'DELETE /api/v1/incidents/:id': {
    path: fixed('/api/v1/incidents/none'),
    expected: scoped('admin', 404),
  },
  'GET /api/v1/incidents/:id/postmortem': {
    path: fixed('/api/v1/incidents/none/postmortem'),
    expected: scoped('read', 404),
  },
  'PUT /api/v1/incidents/:id/postmortem': {
    path: fixed('/api/v1/incidents/none/postmortem'),
    expected: scoped('write', [404, 422]),
  },
  'GET /api/v1/incidents/:id/action-items': {
    path: fixed('/api/v1/incidents/none/action-items'),
    expected: scoped('read', 404),
  },
  'POST /api/v1/incidents/:id/action-items': {
    path: fixed('/api/v1/incidents/none/action-items'),
    expected: scoped('write', [404, 422]),
  },
  'GET /api/v1/action-items': {
    path: fixed('/api/v1/action-items'),
    expected: scoped('read', 200),
  },
  'PATCH /api/v1/action-items/:id': {
    path: fixed('/api/v1/action-items/none'),
    expected: scoped('write', [404, 422]),
  },
  'GET /api/v1/maintenances': {
    path: fixed('/api/v1/maintenances'),
    expected: scoped('read', 200),
  },
  'POST /api/v1/maintenances': {
    path: fixed('/api/v1/maintenances'),
    expected: scoped('write', 422),
  },
  'GET /api/v1/maintenances/:id': {
    path: (ids) => `/api/v1/maintenances/${ids.maintenance}`,
    expected: scoped('read', 200),
  },
  'PATCH /api/v1/maintenances/:id': {
    path: fixed('/api/v1/maintenances/none'),
    expected: scoped('write', 404),
  },
  'GET /api/v1/tokens': { path: fixed('/api/v1/tokens'), expected: scoped('admin', 200) },
  'POST /api/v1/tokens': { path: fixed('/api/v1/tokens'), expected: scoped('admin', 422) },
  'DELETE /api/v1/tokens/:id': {
    path: fixed('/api/v1/tokens/none'),
    expected: scoped('admin', 404),
  },
  'GET /api/v1/users': { path: fixed('/api/v1/users'), expected: scoped('admin', 200) },
  'POST /api/v1/users': { path: fixed('/api/v1/users'), expected: scoped('admin', 422) },
  'PATCH /api/v1/users/:id': { path: fixed('/api/v1/users/none'), expected: scoped('admin', 404) },
  'DELETE /api/v1/users/:id': {
    path: fixed('/api/v1/users/none'),
    expected: scoped('admin', 404),
  },
  'GET /api/v1/audit': { path: fixed('/api/v1/audit'), expected: scoped('admin', 200) },
  'GET /api/v1/templates': { path: fixed('/api/v1/templates'), expected: scoped('read', 200) },
  // Subscriber addresses are personal data: even reading them takes a write token.
  'GET /api/v1/subscribers': { path: fixed('/api/v1/subscribers'), expected: scoped('write', 200) },
  'POST /api/v1/subscribers': {
    path: fixed('/api/v1/subscribers'),
    expected: scoped('write', 422),
  },
  'DELETE /api/v1/subscribers/:id': {
    path: fixed('/api/v1/subscribers/none'),
    expected: scoped('write', 404),
  },
  'GET /api/v1/subscribers.csv': {
    path: fixed('/api/v1/subscribers.csv'),
    expected: scoped('write', 200),
  },
  'GET /api/v1/outbox': { path: fixed('/api/v1/outbox'), expected: scoped('write', 200) },
  // Signed by the provider (svix), not token-authenticated; unconfigured here: 503 for all.
  'POST /api/v1/webhooks/resend': {
    path: fixed('/api/v1/webhooks/resend'),
    expected: everyone(503),
  },

  // Public pages: the same bytes for everyone, whoever is signed in.
  'GET /': { path: fixed('/'), expected: everyone(200) },
  'GET /404': { path: fixed('/404'), expected: everyone(404) },
  'GET /history': { path: fixed('/history'), expected: everyone(200) },
  'GET /incidents/[id]': { path: (ids) => `/incidents/${ids.incident}`, expected: everyone(200) },
  'GET /maintenance/[id]': {
    path: (ids) => `/maintenance/${ids.maintenance}`,
    expected: everyone(200),
  },
  'GET /components/[id]': {
    path: (ids) => `/components/${ids.internalComponent}`,
    expected: everyone(404),
  },
  'GET /subscribe': { path: fixed('/subscribe'), expected: everyone(200) },
  'POST /subscribe': { path: fixed('/subscribe'), expected: everyone(422), form: { email: 'x' } },
  'GET /subscribe/confirm': { path: fixed('/subscribe/confirm'), expected: everyone(400) },
  'GET /subscribe/manage': { path: fixed('/subscribe/manage'), expected: everyone(400) },
  'POST /subscribe/manage': { path: fixed('/subscribe/manage'), expected: everyone(400), form: {} },
  'GET /unsubscribe': { path: fixed('/unsubscribe'), expected: everyone(200) },
  'GET /login': { path: fixed('/login'), expected: everyone(200) },
  // Wrong credentials: 401, and 429 once the failures from this one address pile up.
  'POST /login': {
    path: fixed('/login'),
    expected: everyone([401, 429]),
    form: { email: 'x@y.example' },
  },
  'GET /logout': { path: fixed('/logout'), expected: everyone(200) },
  'GET /setup': { path: fixed('/setup'), expected: everyone(400) },
  'POST /setup': { path: fixed('/setup?token=forged'), expected: everyone([400, 422]), form: {} },

  // Inside.
  'GET /internal': { path: fixed('/internal'), expected: signedIn('viewer') },
  'POST /internal': { path: fixed('/internal'), expected: signedIn('viewer'), form: {} },
  'GET /internal/incidents/[id]': {
    path: (ids) => `/internal/incidents/${ids.internalIncident}`,
    expected: signedIn('viewer'),
  },
  // Subscriber addresses and email recipients are personal data: editors and up, as the API's
  // write token.
  'GET /admin/subscribers': { path: fixed('/admin/subscribers'), expected: signedIn('editor') },
  'POST /admin/subscribers': {
    path: fixed('/admin/subscribers'),
    expected: signedIn('editor', 422),
    form: {},
  },
  'GET /admin/subscribers.csv': {
    path: fixed('/admin/subscribers.csv'),
    expected: signedIn('editor'),
  },
  'GET /admin/outbox': { path: fixed('/admin/outbox'), expected: signedIn('editor') },
  'GET /admin/audit': { path: fixed('/admin/audit'), expected: signedIn('admin') },
  // The comms console: every signed-in person reads it; editors and admins act (an empty form
  // is refused with 422, an unknown update with 404).
  'GET /admin': { path: fixed('/admin'), expected: signedIn('viewer') },
  'POST /admin': { path: fixed('/admin'), expected: signedIn('editor', 422), form: {} },
  'GET /admin/incidents/new': { path: fixed('/admin/incidents/new'), expected: signedIn('viewer') },
  'POST /admin/incidents/new': {
    path: fixed('/admin/incidents/new'),
    expected: signedIn('editor', 422),
    form: {},
  },
  'GET /admin/incidents/[id]': {
    path: (ids) => `/admin/incidents/${ids.internalIncident}`,
    expected: signedIn('viewer'),
  },
  'POST /admin/incidents/[id]': {
    path: (ids) => `/admin/incidents/${ids.incident}`,
    expected: signedIn('editor', 422),
    form: {},
  },
  'GET /admin/incidents/[id]/postmortem': {
    path: (ids) => `/admin/incidents/${ids.incident}/postmortem`,
    expected: signedIn('viewer'),
  },
  'POST /admin/incidents/[id]/postmortem': {
    path: (ids) => `/admin/incidents/${ids.incident}/postmortem`,
    expected: signedIn('editor', 422),
    form: {},
  },
  'GET /admin/incidents/[id]/updates/[updateId]': {
    path: (ids) => `/admin/incidents/${ids.incident}/updates/none`,
    expected: signedIn('viewer', 404),
  },
  'POST /admin/incidents/[id]/updates/[updateId]': {
    path: (ids) => `/admin/incidents/${ids.incident}/updates/none`,
    expected: signedIn('editor', 404),
    form: {},
  },
  'GET /admin/templates': { path: fixed('/admin/templates'), expected: signedIn('viewer') },
  'GET /admin/maintenance': { path: fixed('/admin/maintenance'), expected: signedIn('viewer') },
  'GET /admin/maintenance/new': {
    path: fixed('/admin/maintenance/new'),
    expected: signedIn('viewer'),
  },
  'POST /admin/maintenance/new': {
    path: fixed('/admin/maintenance/new'),
    expected: signedIn('editor', 422),
    form: {},
  },
  'GET /admin/maintenance/[id]': {
    path: (ids) => `/admin/maintenance/${ids.maintenance}`,
    expected: signedIn('viewer'),
  },
  'POST /admin/maintenance/[id]': {
    path: (ids) => `/admin/maintenance/${ids.maintenance}`,
    expected: signedIn('editor', 422),
    form: {},
  },
  // Last, since it ends the sessions it is sent with.
  'POST /logout': { path: fixed('/logout'), expected: everyone(303), form: {} },
};

/** Every API route with a handler, as the router knows it. */
async function apiRoutes(): Promise<string[]> {
  const h = await makeHarness();
  const routes = h.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path}`);
  await h.close();
  return [...new Set(routes)];
}

/**
 * Every page and the methods it answers: GET, and POST when it reads a posted form; for an
 * endpoint (a `.ts` file), the methods it exports.
 */
function pageRoutes(): string[] {
  const dir = join(process.cwd(), 'src', 'pages');
  const routes: string[] = [];
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const endpoint = file.endsWith('.ts');
    if (!file.endsWith('.astro') && !endpoint) continue;
    const route = `/${relative('.', file).split(sep).join('/')}`
      .replace(/\.(astro|ts)$/, '')
      .replace(/\/index$/, '');
    const source = readFileSync(join(dir, file), 'utf8');
    if (endpoint) {
      for (const [, method] of source.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)) {
        routes.push(`${method} ${route}`);
      }
      continue;
    }
    routes.push(`GET ${route || '/'}`);
    if (source.includes("Astro.request.method === 'POST'")) routes.push(`POST ${route}`);
  }
  return routes;
}

const bootstrap = 'matrix-bootstrap-token-0123456789';
let server: StartedServer;
let ids: Ids;
const credentials: Record<Principal, Record<string, string>> = Object.fromEntries(
  principals.map((p) => [p, {}]),
) as Record<Principal, Record<string, string>>;

async function signIn(email: string, password: string): Promise<string> {
  const response = await fetch(`${server.url}/login`, {
    method: 'POST',
    headers: { origin: server.url, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password }),
    redirect: 'manual',
  });
  expect(response.status, `signing in ${email}`).toBe(303);
  return (response.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

beforeAll(async () => {
  // A trusted proxy that is not this client: its user header must be ignored here.
  server = await startServer({ BOOTSTRAP_TOKEN: bootstrap, TRUSTED_PROXIES: '10.0.0.0/8' });
  const api = apiClient(() => server.url, bootstrap);
  for (const role of ['viewer', 'editor', 'admin'] as const) {
    const email = `${role}@matrix.example`;
    const password = `a long ${role} passphrase 2026`;
    const created = await api('POST', '/api/v1/users', { email, name: role, role, password });
    expect(created.status, created.text).toBe(201);
    credentials[role] = { cookie: await signIn(email, password) };
  }
  for (const scope of ['read', 'write', 'admin'] as const) {
    const made = await api('POST', '/api/v1/tokens', { name: scope, scopes: [scope] });
    expect(made.status, made.text).toBe(201);
    credentials[`${scope} token`] = { authorization: `Bearer ${made.json.token}` };
  }
  const components = (await api('GET', '/api/v1/components')).json as {
    id: string;
    audience: string;
  }[];
  const internalComponent = await api('POST', '/api/v1/components', {
    name: 'Matrix internal',
    audience: 'internal',
  });
  expect(internalComponent.status, internalComponent.text).toBe(201);
  const declare = (audience: string) =>
    api('POST', '/api/v1/incidents', {
      title: `Matrix ${audience}`,
      status: 'investigating',
      impact: 'minor',
      audience,
      body: 'Looking.',
    });
  const incident = await declare('public');
  const internalIncident = await declare('internal');
  const maintenance = await api('POST', '/api/v1/maintenances', {
    title: 'Matrix window',
    scheduled_for: '2030-01-01T10:00:00Z',
    scheduled_until: '2030-01-01T11:00:00Z',
    components: [components[0]?.id],
    body: 'Upgrading.',
  });
  expect([incident.status, internalIncident.status, maintenance.status]).toEqual([201, 201, 201]);
  ids = {
    component: components.find((c) => c.audience === 'public')?.id ?? '',
    internalComponent: internalComponent.json.id,
    incident: incident.json.id,
    internalIncident: internalIncident.json.id,
    maintenance: maintenance.json.id,
  };
}, 60_000);
afterAll(() => server.stop());

async function send(
  key: string,
  row: Row,
  principal: Principal,
): Promise<{ status: number; body: string }> {
  const [method = 'GET'] = key.split(' ');
  const page = !key.includes(' /api/');
  const headers: Record<string, string> = { ...credentials[principal] };
  // The proxy header from an untrusted address must change nothing.
  headers['x-forwarded-email'] = 'admin@matrix.example';
  let body: string | undefined;
  if (method !== 'GET') {
    if (row.form) {
      headers.origin = server.url;
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(row.form).toString();
    } else {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
  }
  if (!page && principal in { viewer: 1, editor: 1, admin: 1 }) headers.origin = server.url;
  const response = await fetch(`${server.url}${row.path(ids)}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    redirect: 'manual',
  });
  return { status: response.status, body: await response.text() };
}

describe('the authorization matrix', () => {
  it('has a row for every route the server answers, and none for a route that is gone', async () => {
    const routes = [...(await apiRoutes()), ...pageRoutes()].sort();
    expect(Object.keys(table).sort()).toEqual(routes);
  });

  it.each(Object.entries(table))('%s', async (key, row) => {
    const actual: Partial<Record<Principal, number>> = {};
    const bodies = new Set<string>();
    for (const principal of principals) {
      const { status, body } = await send(key, row, principal);
      actual[principal] = status;
      bodies.add(body);
    }
    for (const principal of principals) {
      const allowed = [row.expected[principal]].flat();
      expect(allowed, `${key} as ${principal} answered ${actual[principal]}`).toContain(
        actual[principal],
      );
    }
    // A public GET is the same bytes whoever asks: nothing personal, no per-request token.
    const sameForEveryone = Object.values(row.expected).every((s) => s === 200);
    if (key.startsWith('GET ') && sameForEveryone) expect(bodies.size, key).toBe(1);
  });
});
