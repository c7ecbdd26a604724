import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { audiences, componentStatuses } from '../../src/domain/enums.ts';
import { instant, timestamps } from './columns.ts';

export const componentGroups = sqliteTable('component_groups', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  description: text('description'),
  audience: text('audience', { enum: audiences }).notNull().default('public'),
  position: integer('position').notNull(),
  /** Set when the group is declared in content/, so renaming it there updates this row. */
  contentKey: text('content_key').unique(),
  ...timestamps,
});

export const components = sqliteTable(
  'components',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    description: text('description'),
    groupId: text('group_id').references(() => componentGroups.id, { onDelete: 'set null' }),
    audience: text('audience', { enum: audiences }).notNull().default('public'),
    status: text('status', { enum: componentStatuses }).notNull().default('operational'),
    position: integer('position').notNull(),
    /** Statuspage's `showcase`: shown with its uptime bars on the page. */
    showcase: integer('showcase', { mode: 'boolean' }).notNull().default(true),
    onlyShowIfDegraded: integer('only_show_if_degraded', { mode: 'boolean' })
      .notNull()
      .default(false),
    /** Day the component started to exist (YYYY-MM-DD); uptime before it is "no data". */
    startDate: text('start_date'),
    /** Set when declared in content/: the sync finds the row by it and never by name. */
    contentKey: text('content_key').unique(),
    ...timestamps,
  },
  (table) => [index('components_group_position').on(table.groupId, table.position)],
);

/** Every status a component has held, as intervals; `endedAt` is null for the current one. */
export const componentStatusHistory = sqliteTable(
  'component_status_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    status: text('status', { enum: componentStatuses }).notNull(),
    startedAt: instant('started_at').notNull(),
    endedAt: instant('ended_at'),
  },
  (table) => [
    index('status_history_component_started').on(table.componentId, table.startedAt),
    // The current interval of each component, read for every status page: a few hundred rows
    // among millions of closed ones.
    index('status_history_open').on(table.componentId).where(sql`${table.endedAt} IS NULL`),
  ],
);

/**
 * Per component and day (in the site's time zone), what its *closed* status intervals add up to.
 * Uptime and the 90-day bars read these rows plus the one open interval, so a page's cost does not
 * grow with history. Written by the same transaction that closes an interval.
 */
export const componentDailyRollup = sqliteTable(
  'component_daily_rollup',
  {
    componentId: text('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    /** YYYY-MM-DD in the site's time zone. */
    day: text('day').notNull(),
    worstStatus: text('worst_status', { enum: componentStatuses }).notNull(),
    /** Milliseconds of downtime, weighted by status (see src/domain/uptime.ts). */
    downtimeMs: integer('downtime_ms').notNull(),
    /** Milliseconds for which the component existed that day. */
    observedMs: integer('observed_ms').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.componentId, table.day] }),
    index('component_daily_rollup_day').on(table.day),
  ],
);
