import { Hono } from 'hono';
import { historyAtom, historyRss } from '#render/feeds.ts';
import { feedTokenUser } from '#services/people/feed-tokens.ts';
import { loadInternalFeed } from '#services/read/load-internal.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

// The employees' history feeds. Feed readers cannot sign in, so each person has a personal,
// revocable token in the URL (made on /internal). Never cached, never indexed.

const types = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
} as const;

export const internalFeedsRouter = new Hono<AppEnv>().get(
  '/internal/:file{history\\.(rss|atom)}',
  async (c) => {
    const candor = c.get('candor');
    const user = await feedTokenUser(candor.context('feed'), c.req.query('token') ?? '');
    // Unknown, like a page that is not there: a wrong token learns nothing.
    if (!user) return problem(404, 'Not found.');
    const format = c.req.param('file').endsWith('.rss') ? 'rss' : 'atom';
    const [status, incidents] = await Promise.all([
      candor.publicReads.status(),
      loadInternalFeed(candor.db),
    ]);
    const feed = { page: status.page, incidents, maintenances: [], internal: true };
    return c.body(format === 'rss' ? historyRss(feed) : historyAtom(feed), 200, {
      'content-type': types[format],
      'cache-control': 'private, no-store',
      'x-robots-tag': 'noindex',
    });
  },
);
