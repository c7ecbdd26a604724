import type { ChangeTag } from '#services/context.ts';

/**
 * A public output: the same bytes for every visitor, so it is rendered once per change and
 * served from memory (src/http/response-cache.ts).
 */
export interface PublicOutput {
  /** The cache key: the path, plus the query parameters the output reads, sorted. */
  key: string;
  /** What it shows: a write with any of these tags drops it. */
  tags: readonly ChangeTag[];
  /** Seconds browsers and CDNs may reuse it before asking again. */
  maxAge: number;
}

interface Rule {
  tags: (id: string) => readonly ChangeTag[];
  /** Query parameters the output reads; any others are dropped from the key (?v=2 busts nothing). */
  params?: readonly string[];
  maxAge?: number;
}

const status = () => ['status'] as const;
const badge: Rule = { tags: status, params: ['label', 'style'] };
const v2Documents = [
  'summary',
  'status',
  'components',
  'incidents',
  'incidents/unresolved',
  'scheduled-maintenances',
  'scheduled-maintenances/upcoming',
  'scheduled-maintenances/active',
];

/** Outputs at a fixed path. */
const fixed: Record<string, Rule> = {
  '/': { tags: status },
  '/history': { tags: status, params: ['page'] },
  '/subscribe': { tags: () => ['status', 'catalogue'] },
  '/history.rss': { tags: status },
  '/history.atom': { tags: status },
  '/badge.svg': badge,
  '/badge.json': badge,
  '/embed.js': { tags: () => [], maxAge: 300 },
  '/embed/status': { tags: status, params: ['theme'] },
  ...Object.fromEntries(v2Documents.map((name) => [`/api/v2/${name}.json`, { tags: status }])),
};

/** Outputs about one item, by id. */
const byId: [RegExp, Rule][] = [
  [/^\/incidents\/([a-z0-9]{1,32})$/, { tags: (id) => [`incident:${id}`, 'catalogue'] }],
  [
    /^\/api\/v2\/incidents\/([a-z0-9]{1,32})\.json$/,
    { tags: (id) => [`incident:${id}`, 'catalogue'] },
  ],
  [/^\/maintenance\/([a-z0-9]{1,32})$/, { tags: (id) => [`maintenance:${id}`, 'catalogue'] }],
  [/^\/components\/([a-z0-9]{1,32})$/, { tags: status, params: ['day'] }],
  [/^\/components\/([a-z0-9]{1,32})\/history\.(?:rss|atom)$/, { tags: status }],
  [/^\/components\/([a-z0-9]{1,32})\/badge\.(?:svg|json)$/, badge],
  [/^\/components\/([a-z0-9]{1,32})\/intervals\.(?:json|csv)$/, { tags: status }],
];

/** Parameters whose outputs fall back to their default for any value not of this shape. */
const ignoredUnless: Record<string, RegExp> = {
  page: /^[1-9]\d{0,4}$/,
  day: /^\d{4}-\d{2}-\d{2}$/,
};

/** How long a public output may be reused by browsers and CDNs, unless its rule says otherwise. */
export const defaultMaxAge = 15;

/**
 * The public output a GET of `url` (path and query, as in the request line) asks for, or null
 * when the answer is not one: anything inside, any form, the API, an unknown path.
 * @example publicOutput('/badge.svg?v=3&style=flat') // { key: '/badge.svg?style=flat', … }
 */
export function publicOutput(url: string): PublicOutput | null {
  const mark = url.indexOf('?');
  const path = mark === -1 ? url : url.slice(0, mark);
  let rule = fixed[path];
  let id = '';
  if (!rule) {
    for (const [pattern, candidate] of byId) {
      const match = pattern.exec(path);
      if (match) {
        rule = candidate;
        id = match[1] as string;
        break;
      }
    }
    if (!rule) return null;
  }
  let key = path;
  if (rule.params && mark !== -1) {
    const query = new URLSearchParams(url.slice(mark + 1));
    // A value the output would ignore (a page number that is not one) is dropped too, so made-up
    // values cannot fill the cache with copies of the same page.
    const kept = rule.params.filter(
      (name) => query.has(name) && (ignoredUnless[name]?.test(query.get(name) ?? '') ?? true),
    );
    if (kept.length > 0) {
      key += `?${kept.map((name) => `${name}=${encodeURIComponent(query.get(name) ?? '')}`).join('&')}`;
    }
  }
  return { key, tags: rule.tags(id), maxAge: rule.maxAge ?? defaultMaxAge };
}

/** The paths of every public output that takes no id: for warming and for the static export. */
export const fixedPublicPaths = Object.keys(fixed);
