import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { incidentJson, pageJson, statuspageDocuments } from '#render/statuspage.ts';
import type { PublicStatus } from '#services/read/public-model.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

// The Statuspage-compatible public API. Documents are rendered once per read-model snapshot.

const rendered = new WeakMap<PublicStatus, Record<string, string>>();

function documentsFor(status: PublicStatus): Record<string, string> {
  let documents = rendered.get(status);
  if (!documents) {
    documents = Object.fromEntries(
      Object.entries(statuspageDocuments(status)).map(([path, body]) => [
        path,
        JSON.stringify(body),
      ]),
    );
    rendered.set(status, documents);
  }
  return documents;
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
    const status = await c.get('candor').publicReads.status();
    const body = documentsFor(status)[path];
    if (body === undefined) return problem(404, `No document ${path} in the v2 API.`);
    return c.body(body, 200, jsonHeaders);
  });
