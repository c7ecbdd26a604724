import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, posix, resolve } from 'node:path';
import type { App } from '#api/app.ts';
import type { Candor } from '#services/candor.ts';
import { fixedPublicPaths, publicOutput } from './public-outputs.ts';

// The whole public site as files, for any static host or CDN: every page, feed, JSON document,
// badge and the embed, rendered by the same app that serves them, with links rewritten to be
// relative so the site works from a subdirectory too. Forms (subscribe, sign in) need the server:
// links to them point at `liveUrl`.

export interface ExportOptions {
  out: string;
  /** Where the running server is, for the pages a static host cannot serve. */
  liveUrl: string;
  /** The build's client files (logo, styles), copied as they are. */
  clientDir?: string;
}

export interface ExportResult {
  files: number;
  bytes: number;
}

/** Pages with a form: they need the server, so the export links to the live one. */
const liveOnly = new Set(['/subscribe']);

const isPage = (path: string) => !/\.[a-z0-9]+$/i.test(path.slice(path.lastIndexOf('/') + 1));

/**
 * Where a URL's output lives in the export, and how a link names it: pages become folders with
 * an index.html (a query becomes a folder too: /history?page=2 → history/page-2/), everything
 * else keeps its name.
 * @example exportPath('/incidents/abc') // { file: 'incidents/abc/index.html', link: 'incidents/abc/' }
 */
export function exportPath(url: string): { file: string; link: string } {
  const [path = '/', query = ''] = url.split('#')[0]?.split('?') ?? [];
  if (!isPage(path)) return { file: path.slice(1), link: path.slice(1) };
  const parts = [path.slice(1)];
  if (query) parts.push(query.replace(/[^A-Za-z0-9._-]+/g, '-'));
  const dir = parts.filter(Boolean).join('/');
  return { file: dir ? `${dir}/index.html` : 'index.html', link: dir ? `${dir}/` : './' };
}

/** Rewrites root-relative links in a page at `from` (an export file) to relative ones. */
export function relativeLinks(html: string, from: string, liveUrl: string): string {
  const here = posix.dirname(from);
  return html.replace(/\b(href|src|action)="(\/(?!\/)[^"]*)"/g, (_, attribute, target: string) => {
    const hash = target.includes('#') ? target.slice(target.indexOf('#')) : '';
    const bare = target.slice(0, target.length - hash.length);
    const path = bare.split('?')[0] ?? '/';
    if (liveOnly.has(path) || (isPage(path) && !publicOutput(bare))) {
      return `${attribute}="${liveUrl}${target}"`;
    }
    const { link } = exportPath(bare);
    const relative = posix.relative(here, link.endsWith('/') ? link.slice(0, -1) || '.' : link);
    const dirLink = link.endsWith('/') ? `${relative || '.'}/` : relative;
    return `${attribute}="${dirLink}${hash}"`;
  });
}

/** Links to other outputs of this site found in a page (root-relative, without fragments). */
function linksIn(html: string): string[] {
  return [...html.matchAll(/\b(?:href|src)="(\/(?!\/)[^"#]*)/g)].map((m) => m[1] as string);
}

/**
 * Exports into a fresh folder beside `out` and then swaps it in, so a host never serves half an
 * export, and nothing stays behind that is no longer public (an incident made internal).
 */
export async function exportStaticSite(
  app: App,
  candor: Candor,
  options: ExportOptions,
): Promise<ExportResult> {
  const out = resolve(options.out);
  const fresh = `${out}.partial-${process.pid}`;
  const old = `${out}.old-${process.pid}`;
  await rm(fresh, { recursive: true, force: true });
  try {
    const result = await writeSite(app, candor, { ...options, out: fresh });
    const had = await rename(out, old).then(
      () => true,
      () => false,
    );
    await rename(fresh, out);
    if (had) await rm(old, { recursive: true, force: true });
    return result;
  } catch (error) {
    await rm(fresh, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Renders and writes every public output reachable from the front page, the history, the feeds,
 * the JSON documents, the badges and the embed, plus each public component's and group's own.
 */
async function writeSite(app: App, candor: Candor, options: ExportOptions): Promise<ExportResult> {
  const status = await candor.publicReads.status();
  const seeds = [
    ...fixedPublicPaths.filter((path) => !liveOnly.has(path)),
    ...status.components.flatMap((c) => [
      `/components/${c.id}`,
      `/components/${c.id}/history.rss`,
      `/components/${c.id}/history.atom`,
      `/components/${c.id}/badge.svg`,
      `/components/${c.id}/badge.json`,
      `/components/${c.id}/intervals.json`,
      `/components/${c.id}/intervals.csv`,
    ]),
    ...status.groups.flatMap((g) => [
      `/components/${g.id}/badge.svg`,
      `/components/${g.id}/badge.json`,
    ]),
  ];
  const queue = [...seeds];
  const seen = new Set(queue);
  const result: ExportResult = { files: 0, bytes: 0 };
  await mkdir(options.out, { recursive: true });
  if (options.clientDir) await cp(options.clientDir, options.out, { recursive: true });

  const write = async (file: string, body: Uint8Array | string) => {
    const target = join(options.out, file);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, body);
    result.files += 1;
    result.bytes += typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  };

  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const response = await app.fetch(new Request(new URL(next, candor.site.siteUrl)));
    if (response.status !== 200) {
      // A link to something that is not there is a bug in a page: say which.
      throw new Error(`Exporting ${next}: the site answered ${response.status}.`);
    }
    const { file } = exportPath(next);
    if (!(response.headers.get('content-type') ?? '').startsWith('text/html')) {
      await write(file, Buffer.from(await response.arrayBuffer()));
      continue;
    }
    const html = await response.text();
    // An incident's page links to nothing machine-readable; its v2 document goes along with it.
    const incident = /^\/incidents\/([a-z0-9]+)$/.exec(next)?.[1];
    const companions = incident ? [`/api/v2/incidents/${incident}.json`] : [];
    for (const link of [...linksIn(html), ...companions]) {
      const output = publicOutput(link);
      const path = link.split('?')[0] ?? '';
      if (!output || liveOnly.has(path) || seen.has(link)) continue;
      seen.add(link);
      queue.push(link);
    }
    await write(file, relativeLinks(html, file, options.liveUrl));
  }

  // The not-found page, which static hosts send for any missing path.
  const notFound = await app.fetch(new Request(new URL('/404', candor.site.siteUrl)));
  await write('404.html', relativeLinks(await notFound.text(), '404.html', options.liveUrl));
  return result;
}
