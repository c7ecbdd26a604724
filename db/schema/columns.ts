import { integer } from 'drizzle-orm/sqlite-core';

/** Instants are stored as integer milliseconds since the epoch: exact, sortable, zone-free. */
export const instant = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** Created and updated instants every entity carries. */
export const timestamps = {
  createdAt: instant('created_at').notNull(),
  updatedAt: instant('updated_at').notNull(),
};
