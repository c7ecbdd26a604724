import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '#services/errors.ts';
import { getIncident } from '#services/read/load-admin.ts';
import { listActionItems } from '#services/read/load-reviews.ts';
import { addActionItem, updateActionItem } from '#services/reviews/action-items.ts';
import { findPostmortem, savePostmortem } from '#services/reviews/postmortem.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import {
  actionItemListQuery,
  actionItemOut,
  createActionItemBody,
  idParam,
  postmortemBody,
  postmortemOut,
  toDateOrNull,
  updateActionItemBody,
} from './schemas.ts';
import { actionItemOutput, postmortemOutput } from './serialize.ts';

// The post-incident review: one postmortem per incident, and the action items that follow it.

const tags = ['Reviews'];

export const reviewsRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/postmortem',
      tags,
      security: bearer,
      summary: "An incident's postmortem, published or draft",
      request: { params: idParam },
      responses: { 200: json(postmortemOut, 'The postmortem'), ...readProblems },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const candor = c.get('candor');
      await getIncident(candor.db, id);
      const row = await findPostmortem(candor, id);
      if (!row) throw notFound('postmortem for incident', id);
      return c.json(postmortemOutput(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'put',
      path: '/incidents/{id}/postmortem',
      tags,
      security: bearer,
      summary: "Write an incident's postmortem",
      description:
        'Both parts are Markdown. The public part shows on the public incident page, the history and the feeds once published (public incidents only); the internal part never leaves the internal pages. Publishing needs a resolved incident (409 otherwise).',
      request: { params: idParam, ...jsonBody(postmortemBody) },
      responses: { 200: json(postmortemOut, 'The postmortem as stored'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const candor = c.get('candor');
      const row = await savePostmortem(
        candor.context(c.get('principal').actor),
        c.req.valid('param').id,
        {
          publicBody: input.public_body,
          internalBody: input.internal_body,
          published: input.published,
        },
      );
      return c.json(postmortemOutput(row), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}/action-items',
      tags,
      security: bearer,
      summary: "An incident's action items",
      request: { params: idParam },
      responses: { 200: json(z.array(actionItemOut), 'Its action items'), ...readProblems },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const candor = c.get('candor');
      await getIncident(candor.db, id);
      const rows = await listActionItems(candor.db, { incidentId: id });
      return c.json(rows.map(actionItemOutput), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/action-items',
      tags,
      security: bearer,
      summary: 'Add an action item to the review',
      request: { params: idParam, ...jsonBody(createActionItemBody) },
      responses: { 201: json(actionItemOut, 'Added (open)'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const candor = c.get('candor');
      const row = await addActionItem(
        candor.context(c.get('principal').actor),
        c.req.valid('param').id,
        {
          title: input.title,
          owner: input.owner,
          priority: input.priority,
          dueAt: toDateOrNull(input.due_at) ?? null,
        },
      );
      return c.json(actionItemOutput(row), 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/action-items',
      tags,
      security: bearer,
      summary: 'List action items, soonest due first',
      request: { query: actionItemListQuery },
      responses: { 200: json(z.array(actionItemOut), 'Action items'), ...authProblems },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const candor = c.get('candor');
      const rows = await listActionItems(candor.db, {
        status: query.status,
        overdueAt: query.overdue === 'true' ? candor.now() : undefined,
        limit: query.limit,
      });
      return c.json(rows.map(actionItemOutput), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/action-items/{id}',
      tags,
      security: bearer,
      summary: 'Move an action item along, or edit it',
      request: { params: idParam, ...jsonBody(updateActionItemBody) },
      responses: { 200: json(actionItemOut, 'The action item as changed'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const candor = c.get('candor');
      const row = await updateActionItem(
        candor.context(c.get('principal').actor),
        c.req.valid('param').id,
        {
          status: input.status,
          verification: input.verification,
          title: input.title,
          owner: input.owner,
          priority: input.priority,
          dueAt: toDateOrNull(input.due_at),
        },
      );
      return c.json(actionItemOutput(row), 200);
    },
  );
