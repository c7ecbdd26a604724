import { createRoute, z } from '@hono/zod-openapi';
import { createComponent } from '#services/components/create-component.ts';
import { deleteComponent } from '#services/components/delete-component.ts';
import { updateComponent } from '#services/components/update-component.ts';
import { getComponent, listComponents } from '#services/read/load-admin.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import {
  componentOut,
  createComponentBody,
  created,
  idParam,
  updateComponentBody,
} from './schemas.ts';
import { componentOutput } from './serialize.ts';

const tags = ['Components'];

export const componentsRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/components',
      tags,
      security: bearer,
      summary: 'List components, public and internal',
      responses: { 200: json(z.array(componentOut), 'Every component'), ...authProblems },
    }),
    async (c) => c.json((await listComponents(c.get('candor').db)).map(componentOutput), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/components',
      tags,
      security: bearer,
      summary: 'Create a component',
      request: jsonBody(createComponentBody),
      responses: { 201: json(created, 'Created'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await createComponent(c.get('candor').context(c.get('principal').actor), {
        name: input.name,
        description: input.description,
        group: input.group,
        audience: input.audience,
        status: input.status,
        showcase: input.showcase,
        onlyShowIfDegraded: input.only_show_if_degraded,
        startDate: input.start_date,
      });
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/components/{id}',
      tags,
      security: bearer,
      summary: 'Get a component',
      request: { params: idParam },
      responses: { 200: json(componentOut, 'The component'), ...readProblems },
    }),
    async (c) =>
      c.json(componentOutput(await getComponent(c.get('candor').db, c.req.valid('param').id)), 200),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/components/{id}',
      tags,
      security: bearer,
      summary: 'Change a component, its status included',
      request: { params: idParam, ...jsonBody(updateComponentBody) },
      responses: { 200: json(componentOut, 'The component as changed'), ...writeProblems },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const candor = c.get('candor');
      await updateComponent(candor.context(c.get('principal').actor), id, {
        name: input.name,
        description: input.description,
        group: input.group,
        audience: input.audience,
        status: input.status,
        position: input.position,
        showcase: input.showcase,
        onlyShowIfDegraded: input.only_show_if_degraded,
        startDate: input.start_date,
      });
      return c.json(componentOutput(await getComponent(candor.db, id)), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/components/{id}',
      tags,
      security: bearer,
      summary: 'Delete a component and its status history',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...readProblems },
    }),
    async (c) => {
      await deleteComponent(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
      );
      return c.body(null, 204);
    },
  );
