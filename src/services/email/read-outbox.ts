import { and, count, desc, eq, inArray } from 'drizzle-orm';
import {
  incidents,
  incidentUpdates,
  maintenances,
  maintenanceUpdates,
  notifications,
  subscribers,
} from '#db/schema/index.ts';
import type { NotificationState } from '#domain/enums.ts';
import type { ServiceContext } from '../context.ts';
import { composeEmail, type EmailSettings, loadUpdatesForEmail } from './compose.ts';

/**
 * The outbox as people read it: each email with its recipient, state and, rendered now, the
 * subject and text it has (or will have). Without a provider key this is where emails wait.
 */
export async function readOutbox(
  ctx: Pick<ServiceContext, 'db' | 'now'>,
  email: EmailSettings,
  filter: { state?: NotificationState | undefined; limit?: number | undefined },
) {
  const rows = await ctx.db
    .select({ notification: notifications, subscriber: subscribers })
    .from(notifications)
    .innerJoin(subscribers, eq(subscribers.id, notifications.subscriberId))
    .where(filter.state ? eq(notifications.state, filter.state) : undefined)
    .orderBy(desc(notifications.id))
    .limit(filter.limit ?? 100);
  const events = await loadUpdatesForEmail(
    ctx.db,
    email.site.url,
    rows.flatMap((row) => (row.notification.updateId ? [row.notification.updateId] : [])),
  );
  const now = ctx.now();
  return rows.map(({ notification, subscriber }) => {
    const preview = composeEmail(email, { ...notification, subscriber }, events, now);
    return {
      id: notification.id,
      kind: notification.kind,
      state: notification.state,
      to: subscriber.email,
      updateId: notification.updateId,
      batchId: notification.batchId,
      providerId: notification.providerId,
      error: notification.error,
      createdAt: notification.createdAt,
      sentAt: notification.sentAt,
      subject: preview?.subject ?? null,
      text: preview?.text ?? null,
    };
  });
}

/** How the emails about one update stand: a count per state, and what the update was. */
export interface UpdateDelivery {
  updateId: string;
  kind: 'incident' | 'maintenance';
  /** The incident or maintenance, for a link. */
  parentId: string;
  title: string;
  displayAt: Date;
  counts: Partial<Record<NotificationState, number>>;
  total: number;
}

/**
 * Delivery of the `limit` latest updates that were emailed, newest first, with a count per state.
 * Emails are queued exactly for public updates with notify (of a public incident), so those
 * updates are read first from their own small tables; then only their emails are counted, from
 * the (update_id, state) index: the cost follows the updates shown, not the whole outbox.
 */
export async function readDeliveryByUpdate(
  ctx: Pick<ServiceContext, 'db'>,
  limit = 50,
): Promise<UpdateDelivery[]> {
  const [incidentRows, maintenanceRows] = await Promise.all([
    ctx.db
      .select({
        updateId: incidentUpdates.id,
        parentId: incidents.id,
        title: incidents.title,
        displayAt: incidentUpdates.displayAt,
      })
      .from(incidentUpdates)
      .innerJoin(incidents, eq(incidents.id, incidentUpdates.incidentId))
      .where(
        and(
          eq(incidentUpdates.notify, true),
          eq(incidentUpdates.audience, 'public'),
          eq(incidents.audience, 'public'),
        ),
      )
      .orderBy(desc(incidentUpdates.displayAt))
      .limit(limit),
    ctx.db
      .select({
        updateId: maintenanceUpdates.id,
        parentId: maintenances.id,
        title: maintenances.title,
        displayAt: maintenanceUpdates.displayAt,
      })
      .from(maintenanceUpdates)
      .innerJoin(maintenances, eq(maintenances.id, maintenanceUpdates.maintenanceId))
      .where(and(eq(maintenanceUpdates.notify, true), eq(maintenanceUpdates.audience, 'public')))
      .orderBy(desc(maintenanceUpdates.displayAt))
      .limit(limit),
  ]);
  const updates: UpdateDelivery[] = [
    ...incidentRows.map((row) => ({ ...row, kind: 'incident' as const, counts: {}, total: 0 })),
    ...maintenanceRows.map((row) => ({
      ...row,
      kind: 'maintenance' as const,
      counts: {},
      total: 0,
    })),
  ]
    .sort((a, b) => b.displayAt.getTime() - a.displayAt.getTime())
    .slice(0, limit);
  if (updates.length === 0) return [];
  const byId = new Map(updates.map((update) => [update.updateId, update]));
  const counted = await ctx.db
    .select({ updateId: notifications.updateId, state: notifications.state, count: count() })
    .from(notifications)
    .where(inArray(notifications.updateId, [...byId.keys()]))
    .groupBy(notifications.updateId, notifications.state);
  for (const row of counted) {
    const update = byId.get(row.updateId as string);
    if (!update) continue;
    update.counts[row.state] = row.count;
    update.total += row.count;
  }
  return updates;
}
