import { createHash } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { ChangeTag } from '#services/context.ts';
import type { PublicOutput } from './public-outputs.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** A response read whole: what a render produced. */
export interface Rendered {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

type Coding = 'br' | 'gzip' | 'identity';

/** The smallest brotli window (2^bits bytes, 10 to 24) that holds `length` bytes. */
export function brotliWindowBits(length: number): number {
  return Math.min(
    constants.BROTLI_MAX_WINDOW_BITS,
    Math.max(constants.BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(length + 1))),
  );
}

/** A render under way: whoever asks meanwhile waits for it; a write marks it stale. */
interface Flight {
  tags: readonly ChangeTag[];
  stale: boolean;
  promise: Promise<CachedOutput | Rendered>;
}

/** One content coding of a cached output, with its headers ready to write. */
interface Variant {
  headers: OutgoingHttpHeaders;
  /** The same headers as a flat [name, value, …] list: node writes it without re-checking. */
  raw: string[];
  notModified: string[];
  body: Buffer;
}

const flat = (headers: OutgoingHttpHeaders) =>
  Object.entries(headers).flatMap(([name, value]) => [name, String(value)]);

/** A finished public output: every coding precompressed, one strong ETag per coding. */
export interface CachedOutput {
  key: string;
  tags: readonly ChangeTag[];
  status: number;
  /** The hash of the identity bytes; each coding's ETag is built from it. */
  hash: string;
  variants: Record<Coding, Variant>;
  renderedAt: number;
  lastUsed: number;
  /** When a reader last got it, in ms: what was read in the last minute is kept warm. */
  usedAt: number;
  /** A write changed what it shows: still served until its new render is stored. */
  stale: boolean;
  bytes: number;
  /** When rendering it again last failed: retried at most once a second. */
  failedAt: number;
  /** When serving it stale was last logged: once every ten seconds is loud enough. */
  loggedAt: number;
}

export interface ResponseCacheOptions {
  /** Renders a public output as it is now: the whole app, for a GET of `key`. */
  render(key: string): Promise<Rendered>;
  /** After this long an output is rendered again in the background (relative times in it). */
  refreshAfterMs: number;
  maxEntries: number;
  maxBytes: number;
  now?: () => number;
  log?: (message: string) => void;
}

/** Outputs read this recently are kept, stale, when a write changes them, and rendered again. */
const keepWarmMs = 60_000;

/** A render that failed is not tried again for this long: the stale copy answers meanwhile. */
const retryMs = 1_000;

const compressible =
  /^(?:text\/|application\/(?:json|xml|atom\+xml|rss\+xml|javascript)|image\/svg\+xml)/;
/** Headers of a render the cache sets itself (or must not repeat). */
const ownHeaders = new Set([
  'cache-control',
  'content-encoding',
  'content-length',
  'date',
  'etag',
  'set-cookie',
  'transfer-encoding',
  'connection',
  'vary',
]);

/**
 * The cache of finished public outputs. Hits are answered from memory without a framework;
 * concurrent misses of one key render once; a write drops exactly the outputs that show what it
 * changed; an output that cannot be rendered again (the database is gone) keeps being served
 * from its last good copy.
 */
export function createResponseCache(options: ResponseCacheOptions) {
  const now = options.now ?? Date.now;
  const log = options.log ?? ((message: string) => console.error(message));
  const entries = new Map<string, CachedOutput>();
  /** Copies dropped by a write, kept only to answer while a new render is impossible. */
  const lastGood = new Map<string, CachedOutput>();
  const inFlight = new Map<string, Flight>();
  let bytes = 0;
  let clock = 0;

  const affected = (entry: { tags: readonly ChangeTag[] }, tags: readonly ChangeTag[]) =>
    tags.includes('*') || entry.tags.some((tag) => tags.includes(tag));

  function remove(key: string): CachedOutput | undefined {
    const entry = entries.get(key);
    if (entry) {
      entries.delete(key);
      bytes -= entry.bytes;
    }
    return entry;
  }

  function store(entry: CachedOutput): void {
    remove(entry.key);
    lastGood.delete(entry.key);
    entries.set(entry.key, entry);
    bytes += entry.bytes;
    // Over budget: drop the least recently used outputs (a scan, only when full).
    while (entries.size > options.maxEntries || bytes > options.maxBytes) {
      let oldest: CachedOutput | undefined;
      for (const candidate of entries.values()) {
        if (!oldest || candidate.lastUsed < oldest.lastUsed) oldest = candidate;
      }
      if (!oldest || oldest === entry) break;
      remove(oldest.key);
    }
  }

  async function fill(output: PublicOutput): Promise<CachedOutput | Rendered> {
    const rendered = await options.render(output.key);
    if (rendered.status !== 200 || rendered.headers['set-cookie'] !== undefined) return rendered;
    // The same bytes as the copy held (most refreshes find nothing new): its compressed copies
    // stand, and only the time of the render moves. Compressing a page again would take the
    // core that serves readers for up to a tenth of a second, every 30 s.
    const held = entries.get(output.key) ?? lastGood.get(output.key);
    const identity = held?.variants.identity;
    if (
      held &&
      identity?.body.equals(rendered.body) &&
      identity.headers['content-type'] === rendered.headers['content-type']
    ) {
      const at = now();
      return {
        ...held,
        tags: output.tags,
        renderedAt: at,
        usedAt: at,
        lastUsed: ++clock,
        stale: false,
        failedAt: 0,
        loggedAt: 0,
      };
    }
    return finish(output, rendered, now(), ++clock);
  }

  /**
   * The output for `output.key`: from memory when there, else rendered once however many ask.
   * A render that fails or answers 5xx falls back to the last good copy, when there is one.
   */
  function get(output: PublicOutput): Promise<CachedOutput | Rendered> {
    const running = inFlight.get(output.key);
    if (running) return running.promise;
    const recent = entries.get(output.key) ?? lastGood.get(output.key);
    if (recent && now() - recent.failedAt < retryMs) return Promise.resolve(recent);
    const flight = { stale: false, tags: output.tags } as Flight;
    flight.promise = fill(output).then(
      (result) => {
        if (inFlight.get(output.key) === flight) inFlight.delete(output.key);
        if ('variants' in result) {
          // A write during the render may have changed what it read: serve it, keep nothing.
          if (!flight.stale) store(result);
          return result;
        }
        if (result.status < 500) {
          // No longer there (an incident made internal): neither copy may be served again.
          remove(output.key);
          lastGood.delete(output.key);
          return result;
        }
        return fallback(output.key, `answered ${result.status}`) ?? result;
      },
      (error: unknown) => {
        if (inFlight.get(output.key) === flight) inFlight.delete(output.key);
        const copy = fallback(output.key, String(error));
        if (copy) return copy;
        throw error;
      },
    );
    inFlight.set(output.key, flight);
    return flight.promise;
  }

  function fallback(key: string, why: string): CachedOutput | undefined {
    const copy = entries.get(key) ?? lastGood.get(key);
    if (!copy) return undefined;
    copy.failedAt = now();
    if (copy.failedAt - copy.loggedAt > 10_000) {
      copy.loggedAt = copy.failedAt;
      log(
        `SERVING STALE ${key}: rendering it again failed (${why}); the copy from ${new Date(copy.renderedAt).toISOString()} is served until it succeeds.`,
      );
    }
    return copy;
  }

  return {
    /** The cached output for a key, if any, marked as used. */
    peek(key: string): CachedOutput | undefined {
      const entry = entries.get(key);
      if (entry) {
        entry.lastUsed = ++clock;
        entry.usedAt = now();
      }
      return entry;
    },
    get,
    /** Whether a key's cached output is marked stale (without counting it as read). */
    peekStale(key: string): boolean {
      return entries.get(key)?.stale === true;
    },
    /** Whether an output is stale or older than the refresh interval (served meanwhile). */
    due(entry: CachedOutput): boolean {
      const at = now();
      return (
        (entry.stale || at - entry.renderedAt > options.refreshAfterMs) &&
        at - entry.failedAt > retryMs
      );
    },
    /** Renders an output again in the background; its current copy serves meanwhile. */
    refresh(output: PublicOutput): Promise<unknown> {
      const running = inFlight.get(output.key);
      if (running) return running.promise.catch(() => {});
      return get(output).catch(() => {});
    },
    /**
     * Marks every output showing something in `tags` stale, and cancels renders under way for
     * them. Outputs read in the last minute stay and are served until rendered again (readers
     * never wait for a render a write caused); the others are dropped. Returns the stale ones,
     * most used first, for the caller to render again.
     */
    invalidate(tags: readonly ChangeTag[]): CachedOutput[] {
      if (tags.length === 0) return [];
      const warm: CachedOutput[] = [];
      const at = now();
      for (const entry of [...entries.values()]) {
        if (!affected(entry, tags)) continue;
        if (at - entry.usedAt < keepWarmMs) {
          entry.stale = true;
          warm.push(entry);
        } else {
          remove(entry.key);
          lastGood.set(entry.key, entry);
        }
      }
      for (const [key, flight] of inFlight) {
        if (!affected(flight, tags)) continue;
        flight.stale = true;
        inFlight.delete(key);
      }
      // Copies of dropped outputs are kept for outages only while they could still be needed.
      while (lastGood.size > options.maxEntries) {
        const first = lastGood.keys().next().value;
        if (first === undefined) break;
        lastGood.delete(first);
      }
      return warm.sort((a, b) => b.lastUsed - a.lastUsed);
    },
    stats() {
      return { entries: entries.size, bytes, lastGood: lastGood.size, inFlight: inFlight.size };
    },
  };
}

export type ResponseCache = ReturnType<typeof createResponseCache>;

/** Precompresses a rendered 200 and builds every coding's headers once. */
async function finish(
  output: PublicOutput,
  rendered: Rendered,
  at: number,
  used: number,
): Promise<CachedOutput> {
  const hash = createHash('sha256').update(rendered.body).digest('base64url').slice(0, 27);
  const base: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(rendered.headers)) {
    if (!ownHeaders.has(name)) base[name] = value;
  }
  base['cache-control'] =
    `public, max-age=${output.maxAge}, stale-while-revalidate=${output.maxAge * 4}, stale-if-error=86400`;
  const type = rendered.headers['content-type'] ?? '';
  const compress = compressible.test(type) && rendered.body.length > 200;
  if (compress) base.vary = 'Accept-Encoding';
  const [gzipped, brotli] = compress
    ? await Promise.all([
        gzipAsync(rendered.body, { level: 9 }),
        brotliAsync(rendered.body, {
          params: {
            // Quality 10 costs seconds on a multi-megabyte page: lighter for large outputs.
            [constants.BROTLI_PARAM_QUALITY]: rendered.body.length > 512 * 1024 ? 5 : 10,
            [constants.BROTLI_PARAM_SIZE_HINT]: rendered.body.length,
            // A window no larger than the body: the default 4 MB window makes each encoder
            // take tens of megabytes, for nothing on a 300 KB page.
            [constants.BROTLI_PARAM_LGWIN]: brotliWindowBits(rendered.body.length),
          },
        }),
      ])
    : [null, null];
  const variant = (coding: Coding, body: Buffer): Variant => {
    const etag = `"${hash}${coding === 'identity' ? '' : `-${coding}`}"`;
    const headers: OutgoingHttpHeaders = { ...base, etag };
    if (coding !== 'identity') headers['content-encoding'] = coding;
    const notModified = flat(headers);
    headers['content-length'] = body.length;
    return { headers, raw: flat(headers), notModified, body };
  };
  const identity = variant('identity', rendered.body);
  const variants: Record<Coding, Variant> = {
    identity,
    gzip: gzipped && gzipped.length < rendered.body.length ? variant('gzip', gzipped) : identity,
    br: brotli && brotli.length < rendered.body.length ? variant('br', brotli) : identity,
  };
  return {
    key: output.key,
    tags: output.tags,
    status: rendered.status,
    hash,
    variants,
    renderedAt: at,
    lastUsed: used,
    usedAt: at,
    stale: false,
    failedAt: 0,
    loggedAt: 0,
    bytes: rendered.body.length + (gzipped?.length ?? 0) + (brotli?.length ?? 0),
  };
}

const codingChoices = new Map<string, Coding>();

/**
 * The best coding a client accepts: brotli, then gzip, then none. Accept-Encoding values are few
 * (one per browser), so each is parsed once.
 */
export function chooseCoding(acceptEncoding: string | undefined): Coding {
  if (!acceptEncoding) return 'identity';
  let choice = codingChoices.get(acceptEncoding);
  if (choice) return choice;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(',')) {
    const [name = '', ...parameters] = part.trim().split(';');
    const q = parameters.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    accepted.add(name.trim());
  }
  choice = accepted.has('br') ? 'br' : accepted.has('gzip') ? 'gzip' : 'identity';
  if (codingChoices.size < 200) codingChoices.set(acceptEncoding, choice);
  return choice;
}

/** Writes a cached output: 304 when the client holds this version, else the chosen coding. */
export function sendCached(req: IncomingMessage, res: ServerResponse, entry: CachedOutput): void {
  const variant = entry.variants[chooseCoding(req.headers['accept-encoding'])];
  const held = req.headers['if-none-match'];
  if (held && (held === '*' || held.includes(entry.hash))) {
    res.writeHead(304, variant.notModified);
    res.end();
    return;
  }
  res.writeHead(entry.status, variant.raw);
  res.end(req.method === 'HEAD' ? undefined : variant.body);
}

/** Writes a render that is not cached (a 404, a 503) as it is. */
export function sendRendered(req: IncomingMessage, res: ServerResponse, rendered: Rendered): void {
  res.writeHead(rendered.status, { ...rendered.headers, 'content-length': rendered.body.length });
  res.end(req.method === 'HEAD' ? undefined : rendered.body);
}
