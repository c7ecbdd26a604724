import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { ComponentChange } from '../../src/domain/changes.ts';
import { audiences, componentStatuses, maintenanceStatuses } from '../../src/domain/enums.ts';
import { instant, timestamps } from './columns.ts';
import { components } from './components.ts';

export const maintenances = sqliteTable(
  'maintenances',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    status: text('status', { enum: maintenanceStatuses }).notNull(),
    audience: text('audience', { enum: audiences }).notNull(),
    scheduledFor: instant('scheduled_for').notNull(),
    scheduledUntil: instant('scheduled_until').notNull(),
    /** Start and complete at the scheduled times without a person. */
    autoTransition: integer('auto_transition', { mode: 'boolean' }).notNull().default(true),
    /** Whether subscribers hear of its automatic start and completion. */
    notify: integer('notify', { mode: 'boolean' }).notNull().default(false),
    startedAt: instant('started_at'),
    verifyingAt: instant('verifying_at'),
    completedAt: instant('completed_at'),
    cancelledAt: instant('cancelled_at'),
    /** When subscribers were reminded that it is about to begin (once). */
    remindedAt: instant('reminded_at'),
    ...timestamps,
  },
  (table) => [
    index('maintenances_status_scheduled').on(table.status, table.scheduledFor),
    index('maintenances_audience_scheduled').on(table.audience, table.scheduledFor),
    index('maintenances_open')
      .on(table.audience, table.scheduledFor)
      .where(sql`${table.status} <> 'completed'`),
  ],
);

export const maintenanceComponents = sqliteTable(
  'maintenance_components',
  {
    maintenanceId: text('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    /** The status before the maintenance began, restored when it completes. */
    priorStatus: text('prior_status', { enum: componentStatuses }),
  },
  (table) => [
    primaryKey({ columns: [table.maintenanceId, table.componentId] }),
    index('maintenance_components_component').on(table.componentId),
  ],
);

export const maintenanceUpdates = sqliteTable(
  'maintenance_updates',
  {
    id: text('id').primaryKey(),
    maintenanceId: text('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    status: text('status', { enum: maintenanceStatuses }).notNull(),
    body: text('body').notNull(),
    audience: text('audience', { enum: audiences }).notNull(),
    notify: integer('notify', { mode: 'boolean' }).notNull().default(false),
    componentChanges: text('component_changes', { mode: 'json' })
      .$type<ComponentChange[]>()
      .notNull()
      .default([]),
    author: text('author').notNull(),
    displayAt: instant('display_at').notNull(),
    ...timestamps,
  },
  (table) => [
    index('maintenance_updates_maintenance_display').on(table.maintenanceId, table.displayAt),
  ],
);
