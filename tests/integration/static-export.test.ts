import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportPath, exportStaticSite } from '#http/static-export.ts';
import { type Harness, makeHarness } from '#tests/support/harness.ts';
import { createSite } from '../../src/boot.ts';

// The static export, served by a plain file server from a subdirectory (/status/), as a company
// would put it on a CDN under its main site: every link must lead somewhere, and nothing
// internal may be in any file.

const marker = 'INTERNAL-EXPORT-MARKER';
const dir = mkdtempSync(join(tmpdir(), 'candor-export-'));
const out = join(dir, 'site');
let h: Harness;
let site: Server;
let base = '';
let publicIncident = '';

async function exportNow() {
  const { app, clientDir } = await createSite(h.candor);
  return exportStaticSite(app, h.candor, { out, liveUrl: 'https://live.example', clientDir });
}

beforeAll(async () => {
  h = await makeHarness();
  const post = async (path: string, body: unknown) => {
    const answer = await h.request('POST', path, body);
    expect(answer.status, answer.text).toBe(201);
    h.clock.advance(60_000);
    return answer.json.id as string;
  };
  publicIncident = await post('/api/v1/incidents', {
    title: 'Exported: slow API',
    status: 'investigating',
    body: 'Requests are slow.',
    components: { [h.ids.api]: 'degraded_performance' },
  });
  await post(`/api/v1/incidents/${publicIncident}/updates`, {
    status: 'investigating',
    audience: 'internal',
    body: `${marker} note on the public incident`,
  });
  await post('/api/v1/incidents', {
    title: `${marker} internal incident`,
    status: 'investigating',
    body: `${marker} body`,
    audience: 'internal',
  });
  await post('/api/v1/components', { name: `${marker} component`, audience: 'internal' });
  await post('/api/v1/maintenances', {
    title: 'Exported: database upgrade',
    body: 'Upgrading.',
    scheduled_for: new Date(h.clock.now().getTime() + 86_400_000).toISOString(),
    scheduled_until: new Date(h.clock.now().getTime() + 90_000_000).toISOString(),
    components: [h.ids.api],
  });

  // A file server with no rewriting rules: a folder answers with its index.html, as most do.
  site = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (!path.startsWith('/status/')) {
      res.writeHead(404).end();
      return;
    }
    let file = join(out, path.slice('/status/'.length));
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': extname(file) === '.html' ? 'text/html' : 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  const address = site.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/status/`;
}, 60_000);
afterAll(async () => {
  if (site) await new Promise((resolve) => site.close(resolve));
  h?.close();
  rmSync(dir, { recursive: true, force: true });
});

function allFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => statSync(path).isFile());
}

describe('the static export', () => {
  it('writes every public output, and every link works from a subdirectory', async () => {
    const result = await exportNow();
    expect(result.files).toBeGreaterThan(20);
    for (const file of [
      'index.html',
      'history/index.html',
      'history.rss',
      'history.atom',
      'api/v2/summary.json',
      'api/v2/scheduled-maintenances/upcoming.json',
      `api/v2/incidents/${publicIncident}.json`,
      'badge.svg',
      'embed.js',
      'embed/status/index.html',
      `incidents/${publicIncident}/index.html`,
      '404.html',
    ]) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }

    // Crawl it as a visitor would, from /status/.
    const seen = new Set<string>();
    const queue = [base];
    while (queue.length > 0) {
      const url = queue.shift() as string;
      if (seen.has(url)) continue;
      seen.add(url);
      const response = await fetch(url);
      expect(response.status, `${url} (linked from the export)`).toBe(200);
      if (!(response.headers.get('content-type') ?? '').includes('html')) continue;
      const html = await response.text();
      for (const [, link] of html.matchAll(/\b(?:href|src)="([^"#]+)/g)) {
        const target = new URL(link as string, url);
        if (target.origin === new URL(base).origin) queue.push(target.href);
        else if (
          !/^https:\/\/(live\.example|support\.testco\.example)\//.test(target.href) &&
          target.protocol !== 'data:'
        ) {
          throw new Error(`${url} links off-site to ${target.href}`);
        }
      }
    }
    expect(seen.size).toBeGreaterThan(10);
    expect([...seen].some((url) => url.includes(`/incidents/${publicIncident}/`))).toBe(true);
    // The forms need the running server: the export links to it.
    expect(readFileSync(join(out, 'index.html'), 'utf8')).toContain(
      'href="https://live.example/subscribe"',
    );
  });

  it('holds nothing internal in any file', () => {
    for (const file of allFiles(out)) {
      expect(readFileSync(file).toString('latin1').includes(marker), file).toBe(false);
    }
  });

  it('drops what is no longer public when exported again', async () => {
    const retracted = await h.request('PATCH', `/api/v1/incidents/${publicIncident}`, {
      audience: 'internal',
    });
    expect(retracted.status).toBe(200);
    await exportNow();
    expect(existsSync(join(out, 'incidents', publicIncident))).toBe(false);
    expect(existsSync(join(out, 'api/v2/incidents', `${publicIncident}.json`))).toBe(false);
    expect(readdirSync(dir)).toEqual(['site']);
  });
});

describe('exportPath', () => {
  it.each([
    ['/', 'index.html', './'],
    ['/history', 'history/index.html', 'history/'],
    ['/history?page=2', 'history/page-2/index.html', 'history/page-2/'],
    [
      '/components/abc?day=2026-11-01#day',
      'components/abc/day-2026-11-01/index.html',
      'components/abc/day-2026-11-01/',
    ],
    ['/api/v2/summary.json', 'api/v2/summary.json', 'api/v2/summary.json'],
    ['/badge.svg', 'badge.svg', 'badge.svg'],
  ])('%s → %s', (url, file, link) => {
    expect(exportPath(url)).toEqual({ file, link });
  });
});
