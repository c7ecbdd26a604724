import { createRoute, z } from '@hono/zod-openapi';
import { userRoles } from '#domain/enums.ts';
import {
  createUser,
  deleteUser,
  listUsers,
  type UserView,
  updateUser,
} from '#services/people/users.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import { idParam } from './schemas.ts';

const tags = ['Users'];

const userOut = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(userRoles),
    created_at: z.string(),
  })
  .meta({ id: 'User' });

const userBody = z
  .strictObject({
    email: z.email().max(320),
    name: z.string().trim().min(1).max(200),
    role: z.enum(userRoles),
    password: z.string().min(1).max(256).meta({
      description: 'At least 12 characters, not a common password (NIST SP 800-63B).',
    }),
  })
  .meta({ id: 'CreateUser' });

const output = (user: UserView) => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  created_at: user.createdAt.toISOString(),
});

export const usersRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/users',
      tags,
      security: bearer,
      summary: 'List users (admin)',
      responses: { 200: json(z.array(userOut), 'Users'), ...authProblems },
    }),
    async (c) => c.json((await listUsers(c.get('candor').context('read'))).map(output), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/users',
      tags,
      security: bearer,
      summary: 'Create a user (admin)',
      request: jsonBody(userBody),
      responses: { 201: json(userOut, 'Created'), ...writeProblems },
    }),
    async (c) => {
      const user = await createUser(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('json'),
      );
      return c.json(output(user), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags,
      security: bearer,
      summary: 'Change a user (admin); a new password ends their sessions',
      request: { params: idParam, ...jsonBody(userBody.partial().meta({ id: 'UpdateUser' })) },
      responses: { 200: json(userOut, 'The user as changed'), ...writeProblems },
    }),
    async (c) => {
      const user = await updateUser(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
        c.req.valid('json'),
      );
      return c.json(output(user), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/users/{id}',
      tags,
      security: bearer,
      summary: 'Delete a user (admin)',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...readProblems },
    }),
    async (c) => {
      await deleteUser(c.get('candor').context(c.get('principal').actor), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
