import { readdir, readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Context } from 'hono';
import type { Candor } from '#services/candor.ts';

// The bridge between the process and Astro's build: the node adapter in middleware mode renders
// pages with our services passed in `locals`, so pages and API share one set of services.

const distDir = fileURLToPath(new URL('../dist/', import.meta.url));

export interface PagesLocals {
  candor: Candor;
  /** The client's address (behind a trusted proxy, from X-Forwarded-For). */
  clientIp: string;
  /** The email a trusted authenticating proxy vouches for, if any. */
  proxyEmail: string | null;
}

export interface PagesHandler {
  clientDir: string;
  render(req: IncomingMessage, res: ServerResponse, locals: PagesLocals): Promise<void>;
}

type AstroHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  next: ((error?: unknown) => void) | undefined,
  locals: object,
) => Promise<void>;

/** Loads Astro's built middleware; the build (npm run build) must have run. */
export async function loadPages(dir = distDir): Promise<PagesHandler> {
  const entry = join(dir, 'server', 'entry.mjs');
  let handler: AstroHandler;
  try {
    ({ handler } = (await import(pathToFileURL(entry).href)) as { handler: AstroHandler });
  } catch (error) {
    throw new Error(
      `The pages are not built (${entry} cannot be loaded): run "npm run build", or "npm start" which builds first. ${String(error)}`,
    );
  }
  return {
    clientDir: join(dir, 'client'),
    render: (req, res, locals) =>
      new Promise<void>((resolve, reject) => {
        // Astro calls `next` when no page matches: render the not-found page instead.
        const notFound = () => {
          req.url = '/404';
          handler(req, res, undefined, locals).then(resolve, reject);
        };
        handler(req, res, notFound, locals).then(() => {
          if (res.writableEnded || res.headersSent) resolve();
        }, reject);
      }),
  };
}

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/**
 * Serves the build's client files (styles, images) from memory: read once at start, so a busy
 * page costs no file system calls. Hashed files under /_astro/ are cached for a year.
 */
export async function createStaticFiles(clientDir: string) {
  const files = new Map<string, { body: Uint8Array; type: string; immutable: boolean }>();
  for (const path of await walk(clientDir)) {
    const url = `/${relative(clientDir, path).split(sep).join('/')}`;
    files.set(url, {
      body: await readFile(path),
      type: types[extname(path)] ?? 'application/octet-stream',
      immutable: url.startsWith('/_astro/'),
    });
  }
  return (c: Context): Response | null => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return null;
    const file = files.get(c.req.path);
    if (!file) return null;
    return new Response(c.req.method === 'HEAD' ? null : (file.body as BodyInit), {
      headers: {
        'content-type': file.type,
        'cache-control': file.immutable
          ? 'public, max-age=31536000, immutable'
          : 'public, max-age=3600',
      },
    });
  };
}
