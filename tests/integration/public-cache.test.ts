import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '#config';
import { boot, type Running } from '../../src/boot.ts';

// The cache of finished public outputs, on real servers in this process over one database file:
// what it answers, how writes reach it (here and on a second instance), and what happens when the
// database goes away.

const token = 'cache-bootstrap-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'candor-cache-'));
const settings = {
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: `file:${join(dir, 'candor.db')}`,
  BOOTSTRAP_TOKEN: token,
  SITE_URL: 'https://status.cache.example',
};
let first: Running;
let second: Running;

beforeAll(async () => {
  first = await boot(loadConfig(settings));
  second = await boot(loadConfig(settings));
}, 60_000);
afterAll(async () => {
  await second?.close();
  await first?.close().catch(() => {});
  rmSync(dir, { recursive: true, force: true });
});

const get = (server: Running, path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers, redirect: 'manual' });

async function api(method: string, path: string, body?: unknown) {
  const response = await fetch(`${first.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

describe('finished public outputs', () => {
  it('are the same bytes in every coding, with a strong ETag per coding and 304 for a held one', async () => {
    const identity = await fetch(`${first.url}/`, { headers: { 'accept-encoding': 'identity' } });
    expect(identity.status).toBe(200);
    const bytes = Buffer.from(await identity.arrayBuffer());
    expect(bytes.toString()).toContain('<html');
    const etag = identity.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(identity.headers.get('cache-control')).toBe(
      'public, max-age=15, stale-while-revalidate=60, stale-if-error=86400',
    );
    expect(identity.headers.get('content-security-policy')).toContain("script-src 'none'");

    // fetch() would decode for us: read the raw codings through node's own client instead.
    for (const [coding, decode] of [
      ['gzip', gunzipSync],
      ['br', brotliDecompressSync],
    ] as const) {
      const raw = await rawGet(first.url, '/', { 'accept-encoding': coding });
      expect(raw.headers['content-encoding']).toBe(coding);
      expect(raw.headers.etag).toBe(`${etag.slice(0, -1)}-${coding}"`);
      expect(raw.headers.vary).toBe('Accept-Encoding');
      expect(decode(raw.body).equals(bytes)).toBe(true);
      expect(raw.body.length).toBeLessThan(bytes.length / 3);
    }

    const again = await get(first, '/', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const head = await fetch(`${first.url}/`, {
      method: 'HEAD',
      headers: { 'accept-encoding': 'identity' },
    });
    expect(head.headers.get('etag')).toBe(etag);
  });

  it('show a write as soon as the write returns', async () => {
    const before = await (await get(first, '/api/v2/incidents.json')).json();
    const created = await api('POST', '/api/v1/incidents', {
      title: 'Cache test: logins fail',
      status: 'investigating',
      body: 'We are looking into failed logins.',
    });
    expect(created.status).toBe(201);
    expect(await (await get(first, '/')).text()).toContain('Cache test: logins fail');
    const after = await (await get(first, '/api/v2/incidents.json')).json();
    expect(after.incidents.length).toBe(before.incidents.length + 1);
    const update = await api('POST', `/api/v1/incidents/${created.json.id}/updates`, {
      status: 'identified',
      body: 'A certificate expired; renewing it.',
    });
    expect(update.status).toBe(201);
    expect(await (await get(first, `/incidents/${created.json.id}`)).text()).toContain(
      'A certificate expired',
    );
  });

  it('do not change for an internal note: same bytes, same ETag', async () => {
    const incidents = (await api('GET', '/api/v1/incidents')).json as { id: string }[];
    const id = incidents[0]?.id ?? '';
    const page = await get(first, `/incidents/${id}`);
    const note = await api('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'identified',
      audience: 'internal',
      body: 'NOTE-ONLY-FOR-STAFF: the on-call rotated the key by hand.',
    });
    expect(note.status).toBe(201);
    const after = await get(first, `/incidents/${id}`);
    expect(after.headers.get('etag')).toBe(page.headers.get('etag'));
    expect(await after.text()).not.toContain('NOTE-ONLY-FOR-STAFF');
  });

  it('reach a second instance on the same database within a second', async () => {
    expect(await (await get(second, '/')).text()).not.toContain('Second instance sees this');
    const created = await api('POST', '/api/v1/incidents', {
      title: 'Second instance sees this',
      status: 'investigating',
      body: 'Posted through the first instance.',
    });
    expect(created.status).toBe(201);
    const started = Date.now();
    let seenAfter = Number.POSITIVE_INFINITY;
    while (Date.now() - started < 3_000) {
      if ((await (await get(second, '/')).text()).includes('Second instance sees this')) {
        seenAfter = Date.now() - started;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(seenAfter).toBeLessThan(1_000);
  });
});

describe('with the database gone', () => {
  let history = '';
  beforeAll(async () => {
    history = await (await get(first, '/history')).text();
    await get(first, '/api/v2/summary.json');
    // As good as the database going away: every query now fails as a lost connection does.
    (first.candor.db as unknown as { $client: { close(): void } }).$client.close();
  });

  it('keeps serving public outputs from their last good copies, with 200', async () => {
    const page = await get(first, '/history');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(history);
    // Even when a change dropped them: the last good copy stands in, and the log says so.
    first.candor.changed(['status']);
    const summary = await get(first, '/api/v2/summary.json');
    expect(summary.status).toBe(200);
    expect((await summary.json()).page.name).toBeTruthy();
  });

  it('answers 503 with a clear message from the API, the inside pages and an output never rendered', async () => {
    const management = await fetch(`${first.url}/api/v1/components`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(management.status).toBe(503);
    expect(management.headers.get('content-type')).toContain('application/problem+json');
    expect((await management.json()).detail).toMatch(/database cannot be reached/);
    expect(management.headers.get('retry-after')).toBe('5');

    // Inside, a session cannot be checked: 503, not a sign-in loop.
    const inside = await get(first, '/internal', { cookie: 'candor_session=whatever' });
    expect(inside.status).toBe(503);
    expect(await inside.text()).toMatch(/database cannot be reached/);

    const neverRendered = await get(first, '/history.atom');
    expect(neverRendered.status).toBe(503);
    expect((await get(first, '/readyz')).status).toBe(503);
  });
});

/** A GET through node's http client, which leaves content codings alone. */
async function rawGet(base: string, path: string, headers: Record<string, string>) {
  const { request } = await import('node:http');
  return new Promise<{ headers: Record<string, string | string[] | undefined>; body: Buffer }>(
    (resolve, reject) => {
      const req = request(`${base}${path}`, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}
