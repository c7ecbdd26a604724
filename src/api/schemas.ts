import { z } from 'zod';
import {
  actionItemPriorities,
  actionItemStatuses,
  audiences,
  componentStatuses,
  impacts,
  incidentStatuses,
  incidentTypes,
  maintenanceStatuses,
  severities,
  tokenScopes,
} from '#domain/enums.ts';

// Validators for the management API's input, and the shapes of its output. Field names are
// snake_case, as in Statuspage's API that automation already speaks.

export const timestamp = z.iso.datetime({ offset: true }).meta({ example: '2026-11-27T12:00:00Z' });
export const componentStatus = z.enum(componentStatuses);
export const audience = z.enum(audiences);

export const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: 'id', in: 'path' }, example: 'kctbh9vrtdwd' }),
});

const title = z.string().trim().min(1).max(255);
const body = z.string().trim().min(1).max(20_000);
const componentStatusMap = z
  .record(z.string().min(1), componentStatus)
  .meta({ example: { kctbh9vrtdwd: 'partial_outage' } });
const person = z.string().trim().min(1).max(200).nullable();
const customersAffected = z.number().int().min(0).max(1_000_000_000).nullable();
const businessImpact = z.string().trim().min(1).max(2000).nullable();

export const createComponentBody = z
  .strictObject({
    name: z.string().trim().min(1).max(255),
    description: z.string().max(1000).nullable().optional(),
    group: z.string().trim().min(1).max(255).nullable().optional().meta({
      description: "A group's id or name; a new name creates the group.",
    }),
    audience: audience.optional(),
    status: componentStatus.optional(),
    showcase: z.boolean().optional(),
    only_show_if_degraded: z.boolean().optional(),
    start_date: z.iso.date().nullable().optional(),
  })
  .meta({ id: 'CreateComponent' });

export const updateComponentBody = createComponentBody
  .partial()
  .extend({ position: z.number().int().min(1).max(100_000).optional() })
  .meta({ id: 'UpdateComponent' });

export const createIncidentBody = z
  .strictObject({
    title,
    status: z.enum(incidentStatuses),
    body,
    impact: z.enum(impacts).optional(),
    severity: z.enum(severities).optional(),
    type: z.enum(incidentTypes).optional(),
    audience: audience.optional(),
    components: componentStatusMap.optional(),
    notify: z.boolean().optional(),
    started_at: timestamp.optional(),
    detected_at: timestamp.optional(),
    acknowledged_at: timestamp.optional(),
    next_update_at: timestamp.nullable().optional(),
    incident_commander: person.optional(),
    comms_lead: person.optional(),
    technical_lead: person.optional(),
    customers_affected: customersAffected.optional(),
    business_impact: businessImpact.optional(),
  })
  .meta({ id: 'CreateIncident' });

export const updateIncidentBody = z
  .strictObject({
    title: title.optional(),
    impact: z.enum(impacts).optional(),
    severity: z.enum(severities).optional(),
    type: z.enum(incidentTypes).optional(),
    audience: audience.optional(),
    started_at: timestamp.optional(),
    detected_at: timestamp.nullable().optional(),
    acknowledged_at: timestamp.nullable().optional(),
    next_update_at: timestamp.nullable().optional(),
    incident_commander: person.optional(),
    comms_lead: person.optional(),
    technical_lead: person.optional(),
    customers_affected: customersAffected.optional(),
    business_impact: businessImpact.optional(),
  })
  .meta({
    id: 'UpdateIncident',
    description: 'The status moves only through updates (POST /incidents/{id}/updates).',
  });

export const createIncidentUpdateBody = z
  .strictObject({
    status: z.enum(incidentStatuses),
    body,
    audience: audience.optional(),
    components: componentStatusMap.optional(),
    notify: z.boolean().optional(),
    next_update_at: timestamp.nullable().optional(),
  })
  .meta({ id: 'CreateIncidentUpdate' });

export const updateParams = z.object({
  id: idParam.shape.id,
  updateId: z
    .string()
    .min(1)
    .max(64)
    .meta({ param: { name: 'updateId', in: 'path' }, example: 'p31zjtct2jer' }),
});

export const correctIncidentUpdateBody = z
  .strictObject({ body })
  .meta({ id: 'CorrectIncidentUpdate', description: 'The corrected text, Markdown.' });

export const reopenIncidentBody = z
  .strictObject({
    status: z.enum(['investigating', 'identified', 'monitoring']).optional(),
    body,
    components: componentStatusMap.optional(),
    notify: z.boolean().optional(),
    next_update_at: timestamp.nullable().optional(),
  })
  .meta({
    id: 'ReopenIncident',
    description: 'The update that reopens the incident; status defaults to investigating.',
  });

const markdown = z.string().max(100_000);
export const postmortemBody = z
  .strictObject({
    public_body: markdown.meta({ description: 'Markdown shown with the incident once published.' }),
    internal_body: markdown.meta({ description: 'Markdown for employees only.' }),
    published: z.boolean(),
  })
  .meta({ id: 'PutPostmortem' });

export const postmortemOut = z
  .object({
    incident_id: z.string(),
    public_body: z.string(),
    internal_body: z.string(),
    published: z.boolean(),
    published_at: timestamp.nullable(),
    author: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Postmortem' });

const owner = z.string().trim().min(1).max(200);
export const createActionItemBody = z
  .strictObject({
    title,
    owner: owner.meta({ description: 'Free text: a person, a team, a handle.' }),
    priority: z.enum(actionItemPriorities),
    due_at: timestamp.nullable().optional(),
  })
  .meta({ id: 'CreateActionItem' });

export const updateActionItemBody = z
  .strictObject({
    status: z.enum(actionItemStatuses).optional(),
    verification: z
      .string()
      .trim()
      .max(2000)
      .nullable()
      .optional()
      .meta({ description: 'How completion is checked: a link, a test, a drill.' }),
    title: title.optional(),
    owner: owner.optional(),
    priority: z.enum(actionItemPriorities).optional(),
    due_at: timestamp.nullable().optional(),
  })
  .meta({ id: 'UpdateActionItem' });

export const actionItemListQuery = z
  .object({
    status: z.enum([...actionItemStatuses, 'unfinished']).optional(),
    overdue: z.enum(['true', 'false']).optional().meta({
      description: '`true`: only unfinished items whose due date has passed.',
    }),
    limit: z.coerce.number().int().min(1).max(500).optional(),
  })
  // Overdue items are unfinished ones: asking for done or abandoned ones too would answer
  // something other than what was asked.
  .refine(
    (query) =>
      query.overdue !== 'true' ||
      query.status === undefined ||
      query.status === 'unfinished' ||
      query.status === 'open' ||
      query.status === 'in_progress',
    {
      path: ['status'],
      message:
        'overdue=true lists unfinished items: leave status out, or ask for open or in_progress.',
    },
  );

export const actionItemOut = z
  .object({
    id: z.string(),
    incident_id: z.string(),
    title: z.string(),
    owner: z.string(),
    priority: z.enum(actionItemPriorities),
    due_at: timestamp.nullable(),
    status: z.enum(actionItemStatuses),
    verification: z.string().nullable(),
    closed_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'ActionItem' });

export const incidentListQuery = z.object({
  status: z.enum([...incidentStatuses, 'unresolved']).optional(),
  audience: audience.optional(),
  since: timestamp.optional(),
  overdue: z.enum(['true', 'false']).optional().meta({
    description:
      '`true`: only unresolved incidents whose promised next public update (`next_update_at`) has passed.',
  }),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

export const createMaintenanceBody = z
  .strictObject({
    title,
    body,
    scheduled_for: timestamp,
    scheduled_until: timestamp,
    components: z.array(z.string().min(1)).max(500),
    audience: audience.optional(),
    auto_transition: z.boolean().optional(),
    notify: z.boolean().optional(),
  })
  .meta({ id: 'CreateMaintenance' });

export const updateMaintenanceBody = z
  .strictObject({
    title: title.optional(),
    body: body.optional(),
    scheduled_for: timestamp.optional(),
    scheduled_until: timestamp.optional(),
    components: z.array(z.string().min(1)).max(500).optional(),
    auto_transition: z.boolean().optional(),
    status: z.enum(maintenanceStatuses).optional(),
    notify: z.boolean().optional(),
  })
  .meta({ id: 'UpdateMaintenance' });

export const createTokenBody = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.enum(tokenScopes)).min(1),
  })
  .meta({ id: 'CreateToken' });

export const created = z.object({ id: z.string() }).meta({ id: 'Created' });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const componentChange = z.object({
  component_id: z.string(),
  name: z.string(),
  old_status: componentStatus,
  new_status: componentStatus,
});

export const componentOut = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    status: componentStatus,
    audience,
    group_id: z.string().nullable(),
    group_name: z.string().nullable(),
    position: z.number().int(),
    showcase: z.boolean(),
    only_show_if_degraded: z.boolean(),
    start_date: z.string().nullable(),
    content_key: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Component' });

export const incidentUpdateOut = z
  .object({
    id: z.string(),
    status: z.enum(incidentStatuses),
    body: z.string(),
    audience,
    notify: z.boolean(),
    components: z.array(componentChange),
    next_update_at: timestamp.nullable(),
    author: z.string(),
    display_at: timestamp,
    edited_at: timestamp.nullable().meta({ description: 'When its text was last corrected.' }),
    created_at: timestamp,
  })
  .meta({ id: 'IncidentUpdate' });

export const incidentOut = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(incidentStatuses),
    impact: z.enum(impacts),
    severity: z.enum(severities),
    type: z.enum(incidentTypes),
    audience,
    started_at: timestamp,
    detected_at: timestamp.nullable(),
    acknowledged_at: timestamp.nullable(),
    monitoring_at: timestamp.nullable(),
    resolved_at: timestamp.nullable(),
    next_update_at: timestamp.nullable(),
    incident_commander: z.string().nullable(),
    comms_lead: z.string().nullable(),
    technical_lead: z.string().nullable(),
    customers_affected: z.number().int().nullable(),
    business_impact: z.string().nullable(),
    components: z.array(z.string()),
    updates: z.array(incidentUpdateOut),
    url: z.string(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Incident' });

export const maintenanceOut = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(maintenanceStatuses),
    audience,
    scheduled_for: timestamp,
    scheduled_until: timestamp,
    auto_transition: z.boolean(),
    started_at: timestamp.nullable(),
    completed_at: timestamp.nullable(),
    cancelled_at: timestamp.nullable(),
    reminded_at: timestamp
      .nullable()
      .meta({ description: 'When subscribers were reminded that it is about to begin.' }),
    components: z.array(z.string()),
    updates: z.array(
      z.object({
        id: z.string(),
        status: z.enum(maintenanceStatuses),
        body: z.string(),
        audience,
        notify: z.boolean(),
        display_at: timestamp,
      }),
    ),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'Maintenance' });

export const tokenOut = z
  .object({
    id: z.string(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.enum(tokenScopes)),
    created_at: timestamp,
    last_used_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
  })
  .meta({ id: 'Token' });

/** Parses an ISO timestamp the validator has accepted. */
export const toDate = (value: string) => new Date(value);
export const toDateOrNull = (value: string | null | undefined) =>
  value === undefined ? undefined : value === null ? null : new Date(value);
