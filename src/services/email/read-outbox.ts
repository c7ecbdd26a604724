import { count, desc, eq, inArray, isNotNull, max } from 'drizzle-orm';
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
  kind: 'incident' | 'maintenance' | null;
  /** The incident or maintenance, for a link; null when it has been deleted since. */
  parentId: string | null;
  title: string | null;
  displayAt: Date | null;
  counts: Partial<Record<NotificationState, number>>;
  total: number;
}

/**
 * Delivery per update, for the `limit` updates most recently emailed about, newest first: the
 * outbox counted by update and state in one grouped query, then the updates' titles.
 */
export async function readDeliveryByUpdate(
  ctx: Pick<ServiceContext, 'db'>,
  limit = 50,
): Promise<UpdateDelivery[]> {
  const grouped = await ctx.db
    .select({
      updateId: notifications.updateId,
      state: notifications.state,
      count: count(),
      latest: max(notifications.id),
    })
    .from(notifications)
    .where(isNotNull(notifications.updateId))
    .groupBy(notifications.updateId, notifications.state);
  const byUpdate = new Map<string, UpdateDelivery & { latest: number }>();
  for (const row of grouped) {
    const updateId = row.updateId as string;
    const delivery = byUpdate.get(updateId) ?? {
      updateId,
      kind: null,
      parentId: null,
      title: null,
      displayAt: null,
      counts: {},
      total: 0,
      latest: 0,
    };
    delivery.counts[row.state] = row.count;
    delivery.total += row.count;
    delivery.latest = Math.max(delivery.latest, row.latest ?? 0);
    byUpdate.set(updateId, delivery);
  }
  const shown = [...byUpdate.values()].sort((a, b) => b.latest - a.latest).slice(0, limit);
  const ids = shown.map((delivery) => delivery.updateId);
  if (ids.length === 0) return [];
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
      .where(inArray(incidentUpdates.id, ids)),
    ctx.db
      .select({
        updateId: maintenanceUpdates.id,
        parentId: maintenances.id,
        title: maintenances.title,
        displayAt: maintenanceUpdates.displayAt,
      })
      .from(maintenanceUpdates)
      .innerJoin(maintenances, eq(maintenances.id, maintenanceUpdates.maintenanceId))
      .where(inArray(maintenanceUpdates.id, ids)),
  ]);
  const events = new Map<
    string,
    { kind: 'incident' | 'maintenance'; parentId: string; title: string; displayAt: Date }
  >();
  for (const row of incidentRows) events.set(row.updateId, { ...row, kind: 'incident' });
  for (const row of maintenanceRows) events.set(row.updateId, { ...row, kind: 'maintenance' });
  return shown.map(({ latest: _, ...delivery }) => {
    const event = events.get(delivery.updateId);
    return event
      ? {
          ...delivery,
          kind: event.kind,
          parentId: event.parentId,
          title: event.title,
          displayAt: event.displayAt,
        }
      : delivery;
  });
}
