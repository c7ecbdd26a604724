import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { batchStates, notificationKinds, notificationStates } from '../../src/domain/enums.ts';
import { instant } from './columns.ts';
import { subscribers } from './subscribers.ts';

/**
 * The outbox: one row per email to one subscriber about one update, written in the transaction
 * that publishes the update, so nothing to send is lost if the process dies right after.
 */
export const notifications = sqliteTable(
  'notifications',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    subscriberId: text('subscriber_id')
      .notNull()
      .references(() => subscribers.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: notificationKinds }).notNull(),
    /** The incident update or maintenance update it tells of; null for a confirmation. */
    updateId: text('update_id'),
    state: text('state', { enum: notificationStates }).notNull(),
    batchId: text('batch_id').references(() => emailBatches.id),
    /** The provider's id for the email, once accepted. */
    providerId: text('provider_id'),
    error: text('error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (table) => [
    index('notifications_state').on(table.state, table.id),
    // One email per subscriber per update, whatever happens (NULLs, for confirmations, differ).
    uniqueIndex('notifications_once').on(table.subscriberId, table.updateId),
    index('notifications_batch').on(table.batchId),
    // The console's delivery per update counts from this index alone, without the table.
    index('notifications_update_state').on(table.updateId, table.state),
  ],
);

/**
 * Up to 100 emails handed to the provider in one call. The payload and the idempotency key are
 * fixed before the first attempt, so every retry sends the same bytes with the same key.
 */
export const emailBatches = sqliteTable(
  'email_batches',
  {
    id: text('id').primaryKey(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    /** The JSON body exactly as sent. */
    payload: text('payload').notNull(),
    size: integer('size').notNull(),
    state: text('state', { enum: batchStates }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull(),
    /** Which instance holds the batch, and until when. */
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: instant('lease_expires_at'),
    firstAttemptAt: instant('first_attempt_at'),
    lastError: text('last_error'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (table) => [index('email_batches_state_next').on(table.state, table.nextAttemptAt)],
);

/** Provider webhook events already processed, by their id: each is handled once. */
export const webhookEvents = sqliteTable('webhook_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  receivedAt: instant('received_at').notNull(),
});
