import { EventEmitter } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import { IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { Socket } from 'node:net';
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
  /**
   * Renders a page to a complete Response. `incoming` is the node request when there is one (its
   * socket and body); without it (a cache fill, the static export) one is made from `request`.
   */
  render(request: Request, locals: PagesLocals, incoming?: IncomingMessage): Promise<Response>;
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
    async render(request, locals, incoming) {
      const req = incoming ?? (await nodeRequest(request));
      const res = new CapturedResponse(req);
      // Astro calls `next` when no page matches: render the not-found page instead.
      const notFound = () => {
        req.url = '/404';
        void handler(req, res as unknown as ServerResponse, undefined, locals);
      };
      await handler(req, res as unknown as ServerResponse, notFound, locals);
      return res.response;
    },
  };
}

/** A node request made from a web Request, for renders that no client sent. */
async function nodeRequest(request: Request): Promise<IncomingMessage> {
  const req = new IncomingMessage(new Socket());
  const url = new URL(request.url);
  req.method = request.method;
  req.url = `${url.pathname}${url.search}`;
  req.headers = { host: url.host };
  for (const [name, value] of request.headers) req.headers[name] = value;
  const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
  if (body) req.push(body);
  req.push(null);
  return req;
}

/**
 * What Astro's node handler writes to, kept in memory: the page arrives whole, as a Response,
 * so it can be cached, compressed and exported like every other output. It implements only what
 * the handler uses (writeHead, write, end and the state flags); tests render every page through it.
 */
class CapturedResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  headersSent = false;
  writableEnded = false;
  private headers: OutgoingHttpHeaders = {};
  private chunks: Uint8Array[] = [];
  readonly response: Promise<Response>;
  private resolve!: (response: Response) => void;

  readonly req: IncomingMessage;

  constructor(req: IncomingMessage) {
    super();
    this.req = req;
    this.response = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }

  writeHead(status: number, headers?: OutgoingHttpHeaders) {
    this.statusCode = status;
    if (headers) this.headers = { ...this.headers, ...headers };
    this.headersSent = true;
    return this;
  }

  write(chunk: Uint8Array | string) {
    this.chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return true;
  }

  end(chunk?: Uint8Array | string) {
    if (this.writableEnded) return this;
    if (chunk !== undefined) this.write(chunk);
    this.writableEnded = true;
    this.headersSent = true;
    const headers = new Headers();
    for (const [name, value] of Object.entries(this.headers)) {
      if (value === undefined) continue;
      for (const item of [value].flat()) headers.append(name, String(item));
    }
    const nullBody = [204, 304].includes(this.statusCode);
    this.resolve(
      new Response(nullBody ? null : (Buffer.concat(this.chunks) as BodyInit), {
        status: this.statusCode,
        headers,
      }),
    );
    this.emit('finish');
    this.emit('close');
    return this;
  }

  destroy() {
    this.end();
  }
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
