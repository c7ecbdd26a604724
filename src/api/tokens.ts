import { createRoute, z } from '@hono/zod-openapi';
import { createToken, listTokens, revokeToken } from '#services/tokens.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import { createTokenBody, idParam, tokenOut } from './schemas.ts';

const tags = ['Tokens'];

export const tokensRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags,
      security: bearer,
      summary: 'List API tokens (admin)',
      responses: { 200: json(z.array(tokenOut), 'Tokens, without their secrets'), ...authProblems },
    }),
    async (c) => {
      const rows = await listTokens(c.get('candor').context(c.get('principal').actor));
      return c.json(
        rows.map((row) => ({
          id: row.id,
          name: row.name,
          prefix: row.prefix,
          scopes: row.scopes,
          created_at: row.createdAt.toISOString(),
          last_used_at: row.lastUsedAt?.toISOString() ?? null,
          revoked_at: row.revokedAt?.toISOString() ?? null,
        })),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags,
      security: bearer,
      summary: 'Create an API token (admin); the secret is shown only in this answer',
      request: jsonBody(createTokenBody),
      responses: {
        201: json(z.object({ id: z.string(), token: z.string() }), 'Created'),
        ...writeProblems,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await createToken(c.get('candor').context(c.get('principal').actor), input);
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags,
      security: bearer,
      summary: 'Revoke an API token (admin)',
      request: { params: idParam },
      responses: { 204: { description: 'Revoked' }, ...readProblems },
    }),
    async (c) => {
      await revokeToken(c.get('candor').context(c.get('principal').actor), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
