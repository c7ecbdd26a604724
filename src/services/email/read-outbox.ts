import { desc, eq } from 'drizzle-orm';
import { notifications, subscribers } from '#db/schema/index.ts';
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
