import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '#services/errors.ts';
import { addIncidentUpdate } from '#services/incidents/add-incident-update.ts';
import { correctIncidentUpdate } from '#services/incidents/correct-update.ts';
import { createIncident } from '#services/incidents/create-incident.ts';
import { deleteIncident } from '#services/incidents/delete-incident.ts';
import { updateIncident } from '#services/incidents/update-incident.ts';
import { getIncident, listIncidents } from '#services/read/load-admin.ts';
import { newRouter } from './router.ts';
import { authProblems, bearer, json, jsonBody, readProblems, writeProblems } from './routes.ts';
import {
  correctIncidentUpdateBody,
  created,
  createIncidentBody,
  createIncidentUpdateBody,
  idParam,
  incidentListQuery,
  incidentOut,
  incidentUpdateOut,
  reopenIncidentBody,
  toDate,
  toDateOrNull,
  updateIncidentBody,
  updateParams,
} from './schemas.ts';
import { incidentOutput } from './serialize.ts';

const tags = ['Incidents'];

export const incidentsRouter = newRouter()
  .openapi(
    createRoute({
      method: 'get',
      path: '/incidents',
      tags,
      security: bearer,
      summary: 'List incidents, newest first',
      request: { query: incidentListQuery },
      responses: {
        200: json(z.array(incidentOut), 'Incidents with their updates'),
        ...authProblems,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const candor = c.get('candor');
      const rows = await listIncidents(candor.db, {
        status: query.status,
        audience: query.audience,
        since: query.since ? toDate(query.since) : undefined,
        overdueAt: query.overdue === 'true' ? candor.now() : undefined,
        limit: query.limit,
      });
      return c.json(
        rows.map((row) => incidentOutput(row, candor.site.siteUrl)),
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/incidents',
      tags,
      security: bearer,
      summary: 'Declare an incident',
      description:
        'Severity defaults to sev3, impact follows the severity, audience is public and notify is false: automation opts in to email.',
      request: jsonBody(createIncidentBody),
      responses: { 201: json(created, 'Declared'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const { id } = await createIncident(c.get('candor').context(c.get('principal').actor), {
        title: input.title,
        status: input.status,
        body: input.body,
        impact: input.impact,
        severity: input.severity,
        type: input.type,
        audience: input.audience,
        components: input.components,
        notify: input.notify,
        startedAt: toDateOrNull(input.started_at) ?? undefined,
        detectedAt: toDateOrNull(input.detected_at) ?? undefined,
        acknowledgedAt: toDateOrNull(input.acknowledged_at) ?? undefined,
        nextUpdateAt: toDateOrNull(input.next_update_at),
        incidentCommander: input.incident_commander,
        commsLead: input.comms_lead,
        technicalLead: input.technical_lead,
        customersAffected: input.customers_affected,
        businessImpact: input.business_impact,
      });
      return c.json({ id }, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'get',
      path: '/incidents/{id}',
      tags,
      security: bearer,
      summary: 'Get an incident with its whole timeline',
      request: { params: idParam },
      responses: { 200: json(incidentOut, 'The incident'), ...readProblems },
    }),
    async (c) => {
      const candor = c.get('candor');
      const row = await getIncident(candor.db, c.req.valid('param').id);
      return c.json(incidentOutput(row, candor.site.siteUrl), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/incidents/{id}',
      tags,
      security: bearer,
      summary: "Edit an incident's fields",
      request: { params: idParam, ...jsonBody(updateIncidentBody) },
      responses: { 200: json(incidentOut, 'The incident as edited'), ...writeProblems },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const input = c.req.valid('json');
      const candor = c.get('candor');
      await updateIncident(candor.context(c.get('principal').actor), id, {
        title: input.title,
        impact: input.impact,
        severity: input.severity,
        type: input.type,
        audience: input.audience,
        startedAt: toDateOrNull(input.started_at) ?? undefined,
        detectedAt: toDateOrNull(input.detected_at),
        acknowledgedAt: toDateOrNull(input.acknowledged_at),
        nextUpdateAt: toDateOrNull(input.next_update_at),
        incidentCommander: input.incident_commander,
        commsLead: input.comms_lead,
        technicalLead: input.technical_lead,
        customersAffected: input.customers_affected,
        businessImpact: input.business_impact,
      });
      return c.json(incidentOutput(await getIncident(candor.db, id), candor.site.siteUrl), 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/updates',
      tags,
      security: bearer,
      summary: 'Post an update to the timeline',
      description:
        'Moves the status and the named components. Resolving returns the other affected components to operational unless something else holds them. On a public incident an internal update is a note and cannot change the status or components.',
      request: { params: idParam, ...jsonBody(createIncidentUpdateBody) },
      responses: { 201: json(created, 'Posted'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await addIncidentUpdate(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
        {
          status: input.status,
          body: input.body,
          audience: input.audience,
          components: input.components,
          notify: input.notify,
          nextUpdateAt: toDateOrNull(input.next_update_at),
        },
      );
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'patch',
      path: '/incidents/{id}/updates/{updateId}',
      tags,
      security: bearer,
      summary: 'Correct the text of a published update',
      description:
        'The update is marked edited (`edited_at`) wherever it shows; the earlier text is kept in the audit log. No email is sent again.',
      request: { params: updateParams, ...jsonBody(correctIncidentUpdateBody) },
      responses: { 200: json(incidentUpdateOut, 'The update as corrected'), ...writeProblems },
    }),
    async (c) => {
      const { id, updateId } = c.req.valid('param');
      const candor = c.get('candor');
      await correctIncidentUpdate(candor.context(c.get('principal').actor), id, updateId, {
        body: c.req.valid('json').body,
      });
      const incident = incidentOutput(await getIncident(candor.db, id), candor.site.siteUrl);
      const update = incident.updates.find((u) => u.id === updateId);
      // Deleted with its incident between the correction and this read: gone, as a 404 says.
      if (!update) throw notFound('update of this incident', updateId);
      return c.json(update, 200);
    },
  )
  .openapi(
    createRoute({
      method: 'post',
      path: '/incidents/{id}/reopen',
      tags,
      security: bearer,
      summary: 'Reopen a resolved incident',
      description:
        'Posts the update that moves it back (investigating unless told otherwise); a new review deadline follows the next resolution. 409 when the incident is not resolved.',
      request: { params: idParam, ...jsonBody(reopenIncidentBody) },
      responses: { 201: json(created, 'Reopened; the id is the update’s'), ...writeProblems },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const result = await addIncidentUpdate(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
        {
          status: input.status ?? 'investigating',
          body: input.body,
          components: input.components,
          notify: input.notify,
          nextUpdateAt: toDateOrNull(input.next_update_at),
          reopen: true,
        },
      );
      return c.json(result, 201);
    },
  )
  .openapi(
    createRoute({
      method: 'delete',
      path: '/incidents/{id}',
      tags,
      security: bearer,
      summary: 'Delete an incident declared by mistake (admin scope)',
      description:
        'Removes it with its timeline, postmortem and action items; components it still held go back to their resting status. The audit log keeps what was deleted.',
      request: { params: idParam },
      responses: { 204: { description: 'Deleted' }, ...readProblems },
    }),
    async (c) => {
      await deleteIncident(
        c.get('candor').context(c.get('principal').actor),
        c.req.valid('param').id,
      );
      return c.body(null, 204);
    },
  );
