import { createRoute, z } from '@hono/zod-openapi';
import { createMaintenance } from '#services/maintenances/create-maintenance.ts';
import { updateMaintenance } from '#services/maintenances/update-maintenance.ts';
import { getMaintenance, listMaintenances } from '#services/read/load-admin.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import {
  created,
  createMaintenanceBody,
  idParam,
  maintenanceOut,
  toDate,
  toDateOrNull,
  updateMaintenanceBody,
} from './schemas.ts';
import { maintenanceOutput } from './serialize.ts';

const tags = ['Maintenance'];

export const maintenancesRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/maintenances',
      tags,
      security: bearer,
      summary: 'List maintenances, latest window first',
      responses: { 200: json(z.array(maintenanceOut), 'Maintenances'), ...authProblems },
    }),
    async (c) => c.json((await listMaintenances(c.get('candor').db)).map(maintenanceOutput), 200),
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/maintenances',
      tags,
      security: bearer,
      summary: 'Schedule a maintenance',
      request: jsonBody(createMaintenanceBody),
      responses: { 201: json(created, 'Scheduled'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await createMaintenance(c.get('candor').context(c.get('principal').actor), {
        title: input.title,
        body: input.body,
        scheduledFor: toDate(input.scheduled_for),
        scheduledUntil: toDate(input.scheduled_until),
        components: input.components,
        audience: input.audience,
        autoTransition: input.auto_transition,
        notify: input.notify,
      });
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/maintenances/{id}',
      tags,
      security: bearer,
      summary: 'Get a maintenance',
      request: { params: idParam },
      responses: { 200: json(maintenanceOut, 'The maintenance'), ...readProblems },
    }),
    async (c) =>
      c.json(
        maintenanceOutput(await getMaintenance(c.get('candor').db, c.req.valid('param').id)),
        200,
      ),
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/maintenances/{id}',
      tags,
      security: bearer,
      summary: 'Edit a maintenance or move its status',
      request: { params: idParam, ...jsonBody(updateMaintenanceBody) },
      responses: { 200: json(maintenanceOut, 'The maintenance as changed'), ...writeProblems },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const candor = c.get('candor');
      await updateMaintenance(candor.context(c.get('principal').actor), id, {
        title: input.title,
        body: input.body,
        scheduledFor: toDateOrNull(input.scheduled_for) ?? undefined,
        scheduledUntil: toDateOrNull(input.scheduled_until) ?? undefined,
        components: input.components,
        autoTransition: input.auto_transition,
        status: input.status,
        notify: input.notify,
      });
      return c.json(maintenanceOutput(await getMaintenance(candor.db, id)), 200);
    },
  );
