import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { subscriberStates } from '../../src/domain/enums.ts';
import { instant, timestamps } from './columns.ts';

export const subscribers = sqliteTable(
  'subscribers',
  {
    id: text('id').primaryKey(),
    /** Lower-cased, so one address is one subscriber. */
    email: text('email').notNull().unique(),
    state: text('state', { enum: subscriberStates }).notNull(),
    /** The component ids chosen; null means every component. */
    componentIds: text('component_ids', { mode: 'json' }).$type<string[]>(),
    /** How the subscriber came: the public form, or an import through the API. */
    source: text('source', { enum: ['form', 'import'] }).notNull(),
    confirmedAt: instant('confirmed_at'),
    /** When the last confirmation email went out: at most one per address per 10 minutes. */
    confirmationSentAt: instant('confirmation_sent_at'),
    /** A pending subscription not confirmed by then is deleted. */
    expiresAt: instant('expires_at'),
    leftAt: instant('left_at'),
    /** Raised to invalidate every link already sent (manage and leave). */
    linkVersion: integer('link_version').notNull().default(1),
    ...timestamps,
  },
  (table) => [index('subscribers_state').on(table.state)],
);
