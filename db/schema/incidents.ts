import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ComponentChange } from '../../src/domain/changes.ts';
import {
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
