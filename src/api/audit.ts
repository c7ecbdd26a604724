import { createRoute, z } from '@hono/zod-openapi';
import { listAudit } from '#services/read/load-audit.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json } from './routes.ts';
import { timestamp } from './schemas.ts';

const entry = z
  .object({
    id: z.number().int(),
    at: z.string(),
    actor: z.string(),
    action: z.string(),
    entity_type: z.string(),
    entity_id: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditRouter = newRouter().openapi(
  createRoute({
    method: 'get',
    path: '/audit',
    tags: ['Audit'],
    security: bearer,
    summary: 'The audit log, newest first (admin)',
    request: {
      query: z.object({
        entity_type: z.string().max(50).optional(),
        entity_id: z.string().max(64).optional(),
        actor: z.string().max(200).optional(),
        since: timestamp.optional(),
        before: z.coerce.number().int().positive().optional().meta({
          description: 'Only entries older than this entry id: the next page.',
        }),
        limit: z.coerce.number().int().min(1).max(1000).optional(),
      }),
    },
    responses: { 200: json(z.array(entry), 'Entries'), ...authProblems },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const rows = await listAudit(c.get('candor').db, {
      entityType: query.entity_type,
      entityId: query.entity_id,
      actor: query.actor,
      since: query.since ? new Date(query.since) : undefined,
      beforeId: query.before,
      limit: query.limit,
    });
    return c.json(
      rows.map((row) => ({
        id: row.id,
        at: row.at.toISOString(),
        actor: row.actor,
        action: row.action,
        entity_type: row.entityType,
        entity_id: row.entityId,
        detail: row.detail ?? null,
      })),
      200,
    );
  },
);
