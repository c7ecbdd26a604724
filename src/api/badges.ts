import { createHash } from 'node:crypto';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { z } from 'zod';
import {
  type BadgeContent,
  badgeEndpoint,
  badgeStyles,
  badgeSvg,
  componentBadge,
  maxBadgeLabelLength,
  overallBadge,
} from '#render/badges.ts';
import type { PublicStatus } from '#services/read/public-model.ts';
import type { AppEnv } from './env.ts';
import { fieldErrors, problem, validationProblem } from './problem.ts';

// Embeddable status badges, public and unauthenticated:
//   /badge.svg, /badge.json                          the page's overall indicator
//   /components/:id/badge.svg, /components/:id/badge.json
//                                                    a public component, or a public group (its
//                                                    worst public component's status)
// Query: style=flat|flat-square|for-the-badge, label=<text> (empty hides the label). Other
// parameters are ignored, so cache-busting ones (?v=2) work. Answers are rendered once per
// read-model snapshot and revalidate by ETag. The read model holds public items only, so an
// internal id is as unknown as a made-up one: the same 404, word for word.

const query = z.object({
  style: z.enum(badgeStyles).optional(),
  label: z
    .string()
    .max(maxBadgeLabelLength)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing them is the point
    .refine((text) => !/[\u0000-\u001f\u007f-\u009f]/.test(text), {
      message: 'must not contain control characters',
    })
    .optional(),
});

type Format = 'svg' | 'json';

interface Rendered {
  body: string;
  etag: string;
}

const headers = {
  svg: {
    'content-type': 'image/svg+xml; charset=utf-8',
    // Opened on its own, the document may do nothing but draw.
    'content-security-policy': "default-src 'none'",
  },
  json: { 'content-type': 'application/json; charset=utf-8' },
} as const;

/** Short: a badge should follow an incident within a minute or two, cached ones included. */
const cacheControl = 'public, max-age=60, stale-while-revalidate=60';

/** Rendered badges per snapshot; label overrides are open-ended, so each snapshot keeps a few. */
const rendered = new WeakMap<PublicStatus, Map<string, Rendered>>();
const maxPerSnapshot = 128;

function render(status: PublicStatus, key: string, make: () => string): Rendered {
  let entries = rendered.get(status);
  if (!entries) {
    entries = new Map();
    rendered.set(status, entries);
  }
  const hit = entries.get(key);
  if (hit) return hit;
  const body = make();
  const etag = `"${createHash('sha256').update(body).digest('base64url')}"`;
  const entry = { body, etag };
  if (entries.size < maxPerSnapshot) entries.set(key, entry);
  return entry;
}

/** RFC 9110 §13.1.2: `*`, or any listed tag equal to ours under weak comparison. */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

const notFound = () => problem(404, 'No public component or group has this id.');

async function answer(
  c: import('hono').Context<AppEnv>,
  format: Format,
  id: string | null,
): Promise<Response> {
  const parsed = query.safeParse(c.req.query());
  if (!parsed.success) return validationProblem(fieldErrors(parsed.error));
  const { style, label } = parsed.data;
  const status = await c.get('candor').publicReads.status();
  let content: BadgeContent;
  if (id === null) {
    content = overallBadge(status.overall.indicator, label ?? status.page.name);
  } else {
    const subject =
      status.components.find((component) => component.id === id) ??
      status.groups.find((group) => group.id === id);
    if (!subject) return notFound();
    content = componentBadge(subject.status, label ?? subject.name);
  }
  const { body, etag } = render(
    status,
    JSON.stringify([format, id, style ?? null, label ?? null]),
    () =>
      format === 'svg' ? badgeSvg(content, style) : JSON.stringify(badgeEndpoint(content, style)),
  );
  const common = { etag, 'cache-control': cacheControl };
  if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304, common);
  return c.body(body, 200, { ...headers[format], ...common });
}

const jsonCors = cors({
  origin: '*',
  allowMethods: ['GET', 'HEAD', 'OPTIONS'],
  exposeHeaders: ['ETag'],
});

export const badgesRouter = new Hono<AppEnv>()
  .use('/badge.json', jsonCors)
  .use('/components/:id/badge.json', jsonCors)
  .get('/badge.svg', (c) => answer(c, 'svg', null))
  .get('/badge.json', (c) => answer(c, 'json', null))
  .get('/components/:id/badge.svg', (c) => answer(c, 'svg', c.req.param('id')))
  .get('/components/:id/badge.json', (c) => answer(c, 'json', c.req.param('id')));
