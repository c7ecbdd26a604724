import { createRoute, z } from '@hono/zod-openapi';
import { audiences, incidentStatuses } from '#domain/enums.ts';
import { messagePlaceholders } from '#services/content/load-templates.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json } from './routes.ts';

const template = z
  .object({
    id: z.string().meta({ description: 'The file name in content/templates/, without .md' }),
    name: z.string(),
    status: z.enum(incidentStatuses),
    audience: z.enum(audiences),
    body: z.string().meta({ description: 'Markdown with {{placeholders}}' }),
    placeholders: z.array(z.string()),
  })
  .meta({ id: 'MessageTemplate' });

export const templatesRouter = newRouter().openapi(
  createRoute({
    method: 'get',
    path: '/templates',
    tags: ['Templates'],
    security: bearer,
    summary: 'The message templates of content/templates/, to start an update from',
    responses: { 200: json(z.array(template), 'Templates, by file name'), ...authProblems },
  }),
  (c) =>
    c.json(
      c.get('candor').content.templates.map((t) => ({
        id: t.id,
        name: t.name,
        status: t.status,
        audience: t.audience,
        body: t.source,
        placeholders: [...messagePlaceholders],
      })),
      200,
    ),
);
