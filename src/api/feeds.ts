import { Hono } from 'hono';
import { type HistoryFeed, historyAtom, historyRss } from '#render/feeds.ts';
import type { Candor } from '#services/candor.ts';
import type { PublicRecent } from '#services/read/public-model.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

// The incident history as RSS 2.0 and Atom, for the whole site and per public component. Links
// come from the page URL (SITE_URL), never from the request's Host header.

type Format = 'rss' | 'atom';

const render: Record<Format, (feed: HistoryFeed) => string> = {
  rss: historyRss,
  atom: historyAtom,
};

const headers: Record<Format, Record<string, string>> = {
  rss: {
    'content-type': 'application/rss+xml; charset=utf-8',
    'cache-control': 'public, max-age=60',
  },
  atom: {
    'content-type': 'application/atom+xml; charset=utf-8',
    'cache-control': 'public, max-age=60',
  },
};

/** The site-wide feeds, rendered once per read-model snapshot. */
const rendered = new WeakMap<PublicRecent, Partial<Record<Format, string>>>();

async function siteFeed(candor: Candor, format: Format): Promise<Response> {
  const [status, recent] = await Promise.all([
    candor.publicReads.status(),
    candor.publicReads.recent(),
  ]);
  let documents = rendered.get(recent);
  if (!documents) {
    documents = {};
    rendered.set(recent, documents);
  }
  documents[format] ??= render[format]({
    page: status.page,
    incidents: recent.recentIncidents,
    maintenances: recent.recentMaintenances,
  });
  return new Response(documents[format], { headers: headers[format] });
}

async function componentFeed(candor: Candor, id: string, format: Format): Promise<Response> {
  const [status, history] = await Promise.all([
    candor.publicReads.status(),
    candor.publicReads.component(id),
  ]);
  // Unknown and internal components answer alike: the answer does not tell that one exists.
  if (!history) return problem(404, `No component with id ${JSON.stringify(id)}.`);
  const body = render[format]({
    page: status.page,
    incidents: history.incidents,
    maintenances: history.maintenances,
    component: history.component,
  });
  return new Response(body, { headers: headers[format] });
}

export const feedsRouter = new Hono<AppEnv>()
  .get('/history.rss', (c) => siteFeed(c.get('candor'), 'rss'))
  .get('/history.atom', (c) => siteFeed(c.get('candor'), 'atom'))
  .get('/components/:id/history.rss', (c) =>
    componentFeed(c.get('candor'), c.req.param('id'), 'rss'),
  )
  .get('/components/:id/history.atom', (c) =>
    componentFeed(c.get('candor'), c.req.param('id'), 'atom'),
  );
