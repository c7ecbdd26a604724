import { Hono } from 'hono';
import { cors } from 'hono/cors';
import {
  incidentJson,
  pageJson,
  recentDocuments,
  statuspageDocuments,
} from '#render/statuspage.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

// The Statuspage-compatible public API. Documents are rendered once per read-model snapshot:
// those of the current status from the status, the two lists of latest items from the recent
// read, which the status (and the front page) does without.

const rendered = new WeakMap<object, Map<string, string>>();

/** One document of a snapshot, written once; undefined for a path that is not a document. */
function documentOf<T extends object>(
  snapshot: T,
  make: (snapshot: T) => Record<string, () => unknown>,
  path: string,
): string | undefined {
  let documents = rendered.get(snapshot);
  if (!documents) {
    documents = new Map();
    rendered.set(snapshot, documents);
  }
  let body = documents.get(path);
  if (body === undefined) {
    const document = make(snapshot)[path];
    if (!document) return undefined;
    body = JSON.stringify(document());
    documents.set(path, body);
  }
  return body;
}

const jsonHeaders = { 'content-type': 'application/json; charset=utf-8' };

export const statuspageRouter = new Hono<AppEnv>()
  // Browser widgets read these cross-origin, as they do from Statuspage.
  .use('*', cors({ origin: '*', allowMethods: ['GET', 'HEAD', 'OPTIONS'] }))
  .get('/incidents/:file{[a-z0-9]+\\.json}', async (c, next) => {
    const id = c.req.param('file').replace(/\.json$/, '');
    if (id === 'unresolved') return next();
    const candor = c.get('candor');
    const found = await candor.publicReads.incident(id);
    if (!found) return problem(404, `No incident with id ${JSON.stringify(id)}.`);
    const status = await candor.publicReads.status();
    const page = { ...status.page };
    return c.body(
      JSON.stringify({ page: pageJson(page), incident: incidentJson(status, found.incident) }),
      200,
      jsonHeaders,
    );
  })
  .get('/*', async (c) => {
    const path = c.req.path.replace(/^\/api\/v2\//, '');
    const candor = c.get('candor');
    const status = await candor.publicReads.status();
    const body =
      path === 'incidents.json' || path === 'scheduled-maintenances.json'
        ? documentOf(
            await candor.publicReads.recent(),
            (recent) => recentDocuments(status, recent),
            path,
          )
        : documentOf(status, statuspageDocuments, path);
    if (body === undefined) return problem(404, `No document ${path} in the v2 API.`);
    return c.body(body, 200, jsonHeaders);
  });
