import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ComponentChange } from '../../src/domain/changes.ts';
import {
  actionItemPriorities,
  actionItemStatuses,
  audiences,
  impacts,
  incidentStatuses,
  incidentTypes,
  severities,
} from '../../src/domain/enums.ts';
import { instant, timestamps } from './columns.ts';
import { components } from './components.ts';

export const incidents = sqliteTable(
  'incidents',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    status: text('status', { enum: incidentStatuses }).notNull(),
    impact: text('impact', { enum: impacts }).notNull(),
    /** True once a person chose the impact; until then it follows the severity. */
    impactOverridden: integer('impact_overridden', { mode: 'boolean' }).notNull().default(false),
    severity: text('severity', { enum: severities }).notNull(),
    type: text('type', { enum: incidentTypes }).notNull(),
    audience: text('audience', { enum: audiences }).notNull(),
    startedAt: instant('started_at').notNull(),
    detectedAt: instant('detected_at'),
    acknowledgedAt: instant('acknowledged_at'),
    monitoringAt: instant('monitoring_at'),
    resolvedAt: instant('resolved_at'),
    /** The promised time of the next public update, from the latest public update. */
    nextUpdateAt: instant('next_update_at'),
    incidentCommander: text('incident_commander'),
    commsLead: text('comms_lead'),
    technicalLead: text('technical_lead'),
    /** Internal: how many customers are hurt, and what it costs the business, in words. */
    customersAffected: integer('customers_affected'),
    businessImpact: text('business_impact'),
    ...timestamps,
  },
  (table) => [
    index('incidents_audience_started').on(table.audience, table.startedAt),
    index('incidents_status').on(table.status),
    // Unresolved incidents, read for every status page: a handful among years of resolved ones.
    index('incidents_unresolved')
      .on(table.audience, table.startedAt)
      .where(sql`${table.status} <> 'resolved'`),
  ],
);

export const incidentUpdates = sqliteTable(
  'incident_updates',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: incidentStatuses }).notNull(),
    /** Markdown as written; sanitised when rendered. */
    body: text('body').notNull(),
    audience: text('audience', { enum: audiences }).notNull(),
    notify: integer('notify', { mode: 'boolean' }).notNull().default(false),
    /** The component statuses this update set, with names as they were then. */
    componentChanges: text('component_changes', { mode: 'json' })
      .$type<ComponentChange[]>()
      .notNull()
      .default([]),
    nextUpdateAt: instant('next_update_at'),
    author: text('author').notNull(),
    displayAt: instant('display_at').notNull(),
    /** When its text was last corrected; the earlier text is in the audit log. */
    editedAt: instant('edited_at'),
    ...timestamps,
  },
  (table) => [index('incident_updates_incident_display').on(table.incidentId, table.displayAt)],
);

/** The components an incident touches. */
export const incidentComponents = sqliteTable(
  'incident_components',
  {
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
  },
  (table) => [
    primaryKey({ columns: [table.incidentId, table.componentId] }),
    index('incident_components_component').on(table.componentId),
  ],
);

/**
 * The post-incident review, one per incident, in Markdown: a public part (shown with the incident
 * once published) and an internal part (never outside).
 */
export const postmortems = sqliteTable('postmortems', {
  incidentId: text('incident_id')
    .primaryKey()
    .references(() => incidents.id, { onDelete: 'cascade' }),
  publicBody: text('public_body').notNull().default(''),
  internalBody: text('internal_body').notNull().default(''),
  published: integer('published', { mode: 'boolean' }).notNull().default(false),
  /** When it was first published; kept through unpublishing, so a republished one keeps its date. */
  publishedAt: instant('published_at'),
  author: text('author').notNull(),
  ...timestamps,
});

/** What the review decided to change, seen through to the end by its owner. */
export const actionItems = sqliteTable(
  'action_items',
  {
    id: text('id').primaryKey(),
    incidentId: text('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    /** Free text: a person, a team, a handle. */
    owner: text('owner').notNull(),
    priority: text('priority', { enum: actionItemPriorities }).notNull(),
    dueAt: instant('due_at'),
    status: text('status', { enum: actionItemStatuses }).notNull(),
    /** How completion is (or was) checked: a link, a test, a drill. */
    verification: text('verification'),
    closedAt: instant('closed_at'),
    ...timestamps,
  },
  (table) => [
    index('action_items_incident').on(table.incidentId),
    index('action_items_open_due')
      .on(table.dueAt)
      .where(sql`${table.status} in ('open', 'in_progress')`),
  ],
);
