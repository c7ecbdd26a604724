import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '#tests/support/harness.ts';

// The embeds site owners put on their own pages: /embed.js (the banner script) and /embed/status
// (a one-line page for an <iframe>). Both are public: nothing internal may reach them.

const SITE_URL = 'https://status.testco.example';
const scriptFile = readFileSync(new URL('../../src/embed/embed.js', import.meta.url));

let h: Harness;
beforeEach(async () => {
  h = await makeHarness();
});
afterEach(() => h.close());

async function declare(extra: Record<string, unknown> = {}) {
  const response = await h.request('POST', '/api/v1/incidents', {
    title: 'Elevated API errors',
    status: 'investigating',
    body: 'We are looking into it.',
    components: { [h.ids.api]: 'partial_outage' },
    ...extra,
  });
  expect(response.status, response.text).toBe(201);
  return response.json.id as string;
}

/** The one link of /embed/status: its attributes and its visible words. */
function link(html: string) {
  const match = /<a ([^>]*)>(.*?)<\/a>/s.exec(html);
  if (!match) throw new Error(`no link in ${html}`);
  const attributes = Object.fromEntries(
    [...(match[1] ?? '').matchAll(/([a-z-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
  );
  const visible = /<span class="text">(.*?)<\/span>/s.exec(match[2] ?? '')?.[1];
  return { attributes, visible, inner: match[2] ?? '' };
}

describe('GET /embed.js', () => {
  it('serves the script as it is, cacheable and readable from any origin', async () => {
    const response = await h.app.request('/embed.js');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=300');
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(scriptFile)).toBe(true);
    const etag = response.headers.get('etag');
    // Strong: quoted, no W/ prefix.
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{16,}"$/);
  });

  it('answers a matching If-None-Match with 304 and no body, anything else with 200', async () => {
    const first = await h.app.request('/embed.js');
    const etag = first.headers.get('etag') ?? '';
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await h.app.request('/embed.js', { headers: { 'if-none-match': header } });
      expect(again.status, header).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('cache-control')).toBe('public, max-age=300');
    }
    const stale = await h.app.request('/embed.js', { headers: { 'if-none-match': '"stale"' } });
    expect(stale.status).toBe(200);
  });

  it('is under 3 KB gzipped', async () => {
    const body = Buffer.from(await (await h.app.request('/embed.js')).arrayBuffer());
    const size = gzipSync(body).length;
    expect(size).toBeLessThan(3 * 1024);
  });

  it('never writes markup or runs strings, and reads its origin from its own src', () => {
    const source = scriptFile.toString('utf8');
    expect(source).not.toMatch(
      /innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\(|new Function|setTimeout\(\s*['"`]/,
    );
    expect(source).toContain('document.currentScript');
    expect(source).toContain("'api/v2/summary.json'");
    expect(source).toContain('textContent');
    // No address of its own: every request goes to where the script came from.
    expect(source).not.toMatch(/https?:\/\/(?!status\.example\.com)/);
  });
});

describe('GET /embed/status', () => {
  it('is a self-contained page any site may frame, saying all is well when it is', async () => {
    const response = await h.request('GET', '/embed/status', undefined, '');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=30');
    expect(response.headers.get('x-frame-options')).toBeNull();
    const csp = response.headers.get('content-security-policy') ?? '';
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives['frame-ancestors']).toBe('*');
    expect(directives['default-src']).toBe("'none'");
    expect(csp).not.toContain('unsafe');
    // The inline style sheet is allowed by its hash, and nothing else is.
    const style = /<style>(.*?)<\/style>/s.exec(response.text)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(directives['style-src']).toBe(`'sha256-${hash}'`);
    expect(response.text).not.toMatch(/<script|<img|<link|<iframe|\son[a-z]+=/i);

    const { attributes, visible } = link(response.text);
    expect(visible).toBe('All Systems Operational');
    expect(attributes.href).toBe(`${SITE_URL}/`);
    expect(attributes.target).toBe('_blank');
    expect(attributes.rel).toBe('noopener');
    expect(attributes.class).toBe('tone-ok');
  });

  it('follows the overall status: a public incident, then all well again once resolved', async () => {
    const id = await declare();
    const during = await h.request('GET', '/embed/status');
    const shown = link(during.text);
    expect(shown.visible).toBe('Elevated API errors');
    expect(shown.inner).toContain('Partial System Outage: ');
    expect(shown.attributes.href).toBe(`${SITE_URL}/incidents/${id}`);
    expect(shown.attributes.class).toBe('tone-major');

    const resolved = await h.request('POST', `/api/v1/incidents/${id}/updates`, {
      status: 'resolved',
      body: 'Fixed.',
    });
    expect(resolved.status, resolved.text).toBe(201);
    const after = link((await h.request('GET', '/embed/status')).text);
    expect(after.visible).toBe('All Systems Operational');
  });

  it('names a running maintenance when no incident is open', async () => {
    const start = h.clock.now().getTime() + 3_600_000;
    const created = await h.request('POST', '/api/v1/maintenances', {
      title: 'Database upgrade',
      body: 'We will upgrade the primary database.',
      scheduled_for: new Date(start).toISOString(),
      scheduled_until: new Date(start + 3_600_000).toISOString(),
      components: [h.ids.api],
    });
    expect(created.status, created.text).toBe(201);
    // Scheduled only: not yet worth a line of its own.
    expect(link((await h.request('GET', '/embed/status')).text).visible).toBe(
      'All Systems Operational',
    );
    await h.request('PATCH', `/api/v1/maintenances/${created.json.id}`, { status: 'in_progress' });
    const shown = link((await h.request('GET', '/embed/status')).text);
    expect(shown.visible).toBe('Database upgrade');
    expect(shown.attributes.href).toBe(`${SITE_URL}/maintenance/${created.json.id}`);
    expect(shown.attributes.class).toBe('tone-maintenance');
  });

  it('never shows an internal incident or its components', async () => {
    const marker = 'INTERNAL-ONLY deploy pipeline stuck';
    await declare({
      title: marker,
      audience: 'internal',
      components: { [h.ids.deploys]: 'major_outage' },
    });
    for (const theme of ['light', 'dark', 'auto']) {
      const response = await h.request('GET', `/embed/status?theme=${theme}`);
      expect(response.status).toBe(200);
      expect(response.text).not.toContain('INTERNAL-ONLY');
      expect(response.text).not.toContain('Deploys');
      expect(link(response.text).visible).toBe('All Systems Operational');
    }
    // With a public incident open as well, the public one is named, the internal one still not.
    await declare();
    const both = await h.request('GET', '/embed/status');
    expect(link(both.text).visible).toBe('Elevated API errors');
    expect(both.text).not.toContain('INTERNAL-ONLY');
  });

  it('escapes every text it shows', async () => {
    await declare({ title: `<script>alert(1)</script> & "quotes" 'too'` });
    const { text } = await h.request('GET', '/embed/status');
    expect(text).not.toContain('<script>');
    expect(link(text).visible).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot; &#39;too&#39;',
    );
  });

  it('takes ?theme=light|dark|auto, auto by default', async () => {
    const cases = [
      ['', 'auto', 'light dark'],
      ['?theme=auto', 'auto', 'light dark'],
      ['?theme=light', 'light', 'light'],
      ['?theme=dark', 'dark', 'dark'],
    ] as const;
    for (const [query, theme, scheme] of cases) {
      const { status, text } = await h.request('GET', `/embed/status${query}`);
      expect(status).toBe(200);
      expect(text).toContain(`<html lang="en" class="${theme}">`);
      expect(text).toContain(`<meta name="color-scheme" content="${scheme}">`);
    }
  });

  it('refuses another theme with a 422 problem naming theme', async () => {
    for (const bad of ['blue', 'DARK', '']) {
      const response = await h.request('GET', `/embed/status?theme=${bad}`);
      expect(response.status, bad).toBe(422);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
      expect(response.json.errors[0].field).toBe('theme');
      expect(response.json.detail).toMatch(/^theme: /);
      expect(response.text).not.toContain('<script');
    }
  });
});
