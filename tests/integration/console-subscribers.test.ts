import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiClient,
  createUserWithCli,
  type StartedServer,
  startServer,
} from '#tests/support/server.ts';

// The console's subscriber pages through a real server, signed in as a browser is: import a CSV
// (all or nothing), find, export, and see the outbox fill after an update with notify.

const bootstrap = 'console-subscribers-bootstrap-0123456789';
let server: StartedServer;
let editor = '';
let viewer = '';

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

const get = (path: string, cookie = editor) =>
  fetch(`${server.url}${path}`, { headers: { cookie }, redirect: 'manual' });

/** Posts the import form as a browser does: multipart, with the CSV pasted or as a file. */
const importCsv = (csv: string, as: 'pasted' | 'file' = 'pasted') => {
  const form = new FormData();
  if (as === 'file') form.set('file', new Blob([csv], { type: 'text/csv' }), 'list.csv');
  else form.set('csv', csv);
  return fetch(`${server.url}/admin/subscribers`, {
    method: 'POST',
    headers: { cookie: editor, origin: server.url },
    body: form,
    redirect: 'manual',
  });
};

/** The text of a page with its markup's entities read back. */
const text = (html: string) =>
  html
    .replace(/&quot;|&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

beforeAll(async () => {
  server = await startServer({ BOOTSTRAP_TOKEN: bootstrap });
  editor = await signIn(
    'editor@console.example',
    createUserWithCli(server, 'editor@console.example', 'editor'),
  );
  viewer = await signIn(
    'viewer@console.example',
    createUserWithCli(server, 'viewer@console.example', 'viewer'),
  );
});
afterAll(() => server.stop());

describe('the console’s subscribers and outbox', () => {
  it('refuses an import with a bad row, naming its line, imports nothing and keeps the text', async () => {
    const csv = 'email,components,confirmed\r\nfirst@example.com,,true\r\nnot-an-address,,true\r\n';
    const response = await importCsv(csv);
    expect(response.status).toBe(422);
    const html = text(await response.text());
    expect(html).toContain('Line 3: "not-an-address" is not an email address.');
    expect(html).toContain('Nothing was imported');
    expect(html).toContain(`>${csv}</textarea>`);
    expect(html).toMatch(/aria-describedby="csv-hint csv-error csv-problems"/);
    const list = await get('/admin/subscribers?q=first');
    expect(await list.text()).not.toContain('first@example.com');

    // A refused file comes back as text in the box, to be fixed there.
    const file = await importCsv('email,components\nsecond@example.com,Nonexistent\n', 'file');
    expect(file.status).toBe(422);
    const fileHtml = text(await file.text());
    expect(fileHtml).toContain('Line 2: no public component "Nonexistent"');
    expect(fileHtml).toContain('>email,components\nsecond@example.com,Nonexistent\n</textarea>');
  });

  it('imports a good file, reports what was added, and finds subscribers by address and state', async () => {
    const api = apiClient(() => server.url, bootstrap);
    const components = (await api('GET', '/api/v1/components')).json as {
      id: string;
      name: string;
      audience: string;
    }[];
    const publicComponent = components.find((c) => c.audience === 'public');
    if (!publicComponent) throw new Error('the seed has a public component');
    const csv = [
      'email,components,confirmed',
      `Alice@Example.com,${publicComponent.name},true`,
      'bob@example.com,,true',
      'carol@example.com,,',
    ].join('\r\n');
    const response = await importCsv(`\uFEFF${csv}`, 'file');
    expect(response.status).toBe(303);
    const location = response.headers.get('location') ?? '';
    expect(decodeURIComponent(location)).toBe(
      '/admin/subscribers?done=Imported 3: 3 added, 0 already existed.',
    );

    const again = await importCsv('email\nbob@example.com\n');
    expect(decodeURIComponent(again.headers.get('location') ?? '')).toContain(
      '0 added, 1 already existed',
    );

    const page = await get('/admin/subscribers?q=ALICE');
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('private, no-store');
    const html = text(await page.text());
    expect(html).toContain('alice@example.com');
    expect(html).not.toContain('bob@example.com');
    expect(html).toContain(publicComponent.name);

    const pending = text(await (await get('/admin/subscribers?state=pending')).text());
    expect(pending).toContain('carol@example.com');
    expect(pending).not.toContain('alice@example.com');
    expect(pending).toMatch(/data-state="active"><a[^>]*>Active<\/a> <strong>2<\/strong>/);
  });

  it('exports every subscriber as CSV with the API’s columns', async () => {
    const response = await get('/admin/subscribers.csv');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="subscribers.csv"',
    );
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const body = await response.text();
    const api = await fetch(`${server.url}/api/v1/subscribers.csv`, {
      headers: { authorization: `Bearer ${bootstrap}` },
    });
    expect(body).toBe(await api.text());
    const [header, ...rows] = body.trim().split('\r\n');
    expect(header).toBe('id,email,state,components,source,created_at,confirmed_at,left_at');
    expect(rows.map((row) => row.split(',')[1]).sort()).toEqual([
      'alice@example.com',
      'bob@example.com',
      'carol@example.com',
    ]);
  });

  it('shows the delivery of an update with notify, per state, and the latest emails', async () => {
    const api = apiClient(() => server.url, bootstrap);
    const incident = await api('POST', '/api/v1/incidents', {
      title: 'Checkout errors',
      status: 'investigating',
      body: 'We are looking into failed payments.',
      notify: true,
    });
    expect(incident.status, incident.text).toBe(201);
    const page = await get('/admin/outbox');
    expect(page.status).toBe(200);
    const html = text(await page.text());
    expect(html).toContain(`href="/admin/incidents/${incident.json.id}">Checkout errors</a>`);
    // Alice and Bob are active; Carol has not confirmed, so only her confirmation is queued.
    expect(html).toMatch(/data-state="queued"[^>]*>2</);
    expect(html).toContain('Incident update');
    expect(html).toContain('Confirmation');
    expect(html).toContain('carol@example.com');
  });

  it('shows neither addresses nor recipients to a viewer', async () => {
    for (const path of ['/admin/subscribers', '/admin/subscribers.csv', '/admin/outbox']) {
      const response = await get(path, viewer);
      expect(response.status, path).toBe(403);
      expect(await response.text(), path).not.toContain('@example.com');
    }
    const dashboard = await (await get('/admin', viewer)).text();
    expect(dashboard).not.toContain('href="/admin/subscribers"');
    expect(dashboard).not.toContain('href="/admin/outbox"');
    expect(await (await get('/admin')).text()).toContain('href="/admin/outbox"');
  });
});
