import { createRoute, z } from '@hono/zod-openapi';
import { subscriberStates } from '#domain/enums.ts';
import { subscribersCsv } from '#lib/subscriber-csv.ts';
import {
  deleteSubscriber,
  importSubscribers,
  listSubscribers,
} from '#services/subscribers/admin.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import { idParam } from './schemas.ts';

const tags = ['Subscribers'];

const importItem = z.strictObject({
  email: z.email().max(320),
  components: z.array(z.string().min(1)).max(500).nullable().optional(),
  confirmed: z.boolean().optional().meta({
    description:
      'Already confirmed elsewhere: active at once, no confirmation email (recorded in the audit log).',
  }),
});
const importBody = z
  .union([importItem, z.array(importItem).min(1).max(1000)])
  .meta({ id: 'ImportSubscribers' });

const subscriberOut = z
  .object({
    id: z.string(),
    email: z.string(),
    state: z.enum(subscriberStates),
    components: z.array(z.string()).nullable(),
    source: z.enum(['form', 'import']),
    created_at: z.string(),
    confirmed_at: z.string().nullable(),
    left_at: z.string().nullable(),
  })
  .meta({ id: 'Subscriber' });

type Row = Awaited<ReturnType<typeof listSubscribers>>[number];
const output = (row: Row) => ({
  id: row.id,
  email: row.email,
  state: row.state,
  components: row.componentIds,
  source: row.source,
  created_at: row.createdAt.toISOString(),
  confirmed_at: row.confirmedAt?.toISOString() ?? null,
  left_at: row.leftAt?.toISOString() ?? null,
});

export const subscribersRouter = newRouter()
  .openapi(
    createRoute({
      method: 'post',
      path: '/subscribers',
      tags,
      security: bearer,
      summary: 'Import subscribers: one object or up to 1,000',
      request: jsonBody(importBody),
      responses: {
        201: json(z.object({ ids: z.array(z.string()), created: z.number().int() }), 'Imported'),
        ...writeProblems,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const items = (Array.isArray(body) ? body : [body]).map((item) => ({
        email: item.email,
        componentIds: item.components,
        confirmed: item.confirmed,
      }));
      const result = await importSubscribers(
        c.get('candor').context(c.get('principal').actor),
        items,
      );
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/subscribers',
      tags,
      security: bearer,
      summary: 'List subscribers with their state',
      request: { query: z.object({ state: z.enum(subscriberStates).optional() }) },
      responses: { 200: json(z.array(subscriberOut), 'Subscribers'), ...authProblems },
    }),
    async (c) => {
      const rows = await listSubscribers(c.get('candor').context('read'), c.req.valid('query'));
      return c.json(rows.map(output), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/subscribers.csv',
      tags,
      security: bearer,
      summary: 'Export subscribers as CSV',
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        ...authProblems,
      },
    }),
    async (c) => {
      const rows = await listSubscribers(c.get('candor').context('read'));
      return c.body(subscribersCsv(rows), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="subscribers.csv"',
      });
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/subscribers/{id}',
      tags,
      security: bearer,
      summary: 'Delete a subscriber and what is queued for them',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...readProblems },
    }),
    async (c) => {
      await deleteSubscriber(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
      );
      return c.body(null, 204);
    },
  );
