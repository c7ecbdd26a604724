import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { TokenScope } from '../../src/domain/enums.ts';
import { instant } from './columns.ts';

/** API tokens: only a SHA-256 of the secret is kept; the secret is shown once. */
export const apiTokens = sqliteTable('api_tokens', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** The first characters of the token, to tell tokens apart in lists. */
  prefix: text('prefix').notNull(),
  scopes: text('scopes', { mode: 'json' }).$type<TokenScope[]>().notNull(),
  createdAt: instant('created_at').notNull(),
  lastUsedAt: instant('last_used_at'),
  revokedAt: instant('revoked_at'),
});

/** One row per write: who did what to which entity, and when. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: instant('at').notNull(),
    actor: text('actor').notNull(),
    action: text('action').notNull(),
    entityType: text('entity_type').notNull(),
    entityId: text('entity_id').notNull(),
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  (table) => [index('audit_log_entity').on(table.entityType, table.entityId)],
);

/** Values the product keeps for itself: generated signing keys, the page id. */
export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
