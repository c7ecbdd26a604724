import { index, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { userRoles } from '../../src/domain/enums.ts';
import { instant, timestamps } from './columns.ts';

/** The people who sign in: employees reading the internal page, comms leads, admins. */
export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  /** Lower-cased: one address, one account. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: userRoles }).notNull(),
  /** scrypt, with its parameters and salt (see src/services/people/passwords.ts). */
  passwordHash: text('password_hash').notNull(),
  passwordChangedAt: instant('password_changed_at').notNull(),
  ...timestamps,
});

/** Signed-in sessions. Only a SHA-256 of the cookie's secret is kept. */
export const sessions = sqliteTable(
  'sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: instant('created_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    /** The absolute end, whatever the activity. */
    expiresAt: instant('expires_at').notNull(),
  },
  (table) => [index('sessions_user').on(table.userId)],
);

/** Personal links to the internal feeds (feed readers cannot sign in). One per person. */
export const feedTokens = sqliteTable('feed_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  userId: text('user_id')
    .notNull()
    .unique()
    .references(() => users.id, { onDelete: 'cascade' }),
  createdAt: instant('created_at').notNull(),
});
