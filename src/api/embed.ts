import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  type EmbedTheme,
  embedStatusCss,
  embedThemes,
  renderEmbedStatus,
} from '#render/embed-status.ts';
import type { PublicStatus } from '#services/read/public-model.ts';
import type { AppEnv } from './env.ts';
import { fieldErrors, validationProblem } from './problem.ts';

// What site owners put on their own pages: the banner script (/embed.js, docs/embed.md) and a
// one-line status page for an <iframe> (/embed/status). Both are public, cross-origin by design.

/** The banner script, read once at start-up and served byte for byte. */
const script = readFileSync(new URL('../embed/embed.js', import.meta.url));
const scriptTag = `"${createHash('sha256').update(script).digest('base64url').slice(0, 27)}"`;

const scriptHeaders = {
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'public, max-age=300',
  etag: scriptTag,
  'access-control-allow-origin': '*',
  // Pages that require CORP of what they load (COEP require-corp) may load it too.
  'cross-origin-resource-policy': 'cross-origin',
  'x-content-type-options': 'nosniff',
};

/** Whether an If-None-Match header names `tag` (weak comparison, as RFC 9110 asks for it). */
function matches(ifNoneMatch: string | undefined, tag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === tag);
}

const styleHash = createHash('sha256').update(embedStatusCss).digest('base64');

const statusHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'public, max-age=30',
  // Any site may frame it; the page itself may load nothing and run nothing.
  'content-security-policy': `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors *`,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

const statusQuery = z.object({ theme: z.enum(embedThemes).default('auto') });

/** Rendered once per read-model snapshot and theme. */
const rendered = new WeakMap<PublicStatus, Partial<Record<EmbedTheme, string>>>();

export const embedRouter = new Hono<AppEnv>()
  .get('/embed.js', (c) => {
    if (matches(c.req.header('if-none-match'), scriptTag)) return c.body(null, 304, scriptHeaders);
    return c.body(script, 200, scriptHeaders);
  })
  .get('/embed/status', async (c) => {
    const query = statusQuery.safeParse(c.req.query());
    if (!query.success) return validationProblem(fieldErrors(query.error));
    const { theme } = query.data;
    const status = await c.get('candor').publicReads.status();
    let documents = rendered.get(status);
    if (!documents) {
      documents = {};
      rendered.set(status, documents);
    }
    documents[theme] ??= renderEmbedStatus(status, theme);
    return c.body(documents[theme], 200, statusHeaders);
  });
