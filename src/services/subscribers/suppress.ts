import { eq, inArray } from 'drizzle-orm';
import { subscribers, webhookEvents } from '#db/schema/index.ts';
import type { ServiceContext } from '../context.ts';
import { markLeft } from './manage.ts';
import { normaliseEmail } from './subscriber-rows.ts';

/**
 * Records a provider event once, by its id, and suppresses the addresses of a bounce or a
 * complaint: they receive nothing more, and a new subscription from the form stays silent.
 * @returns whether the event was new.
 */
export async function recordDeliveryEvent(
  ctx: ServiceContext,
  event: { id: string; type: string; addresses: readonly string[] },
): Promise<boolean> {
  return ctx.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(webhookEvents)
      .values({ id: event.id, type: event.type, receivedAt: ctx.now() })
      .onConflictDoNothing()
      .returning({ id: webhookEvents.id });
    if (inserted.length === 0) return false;
    const state =
      event.type === 'email.bounced'
        ? 'bounced'
        : event.type === 'email.complained'
          ? 'complained'
          : null;
    if (!state || event.addresses.length === 0) return true;
    const rows = await tx
      .select({ id: subscribers.id })
      .from(subscribers)
      .where(inArray(subscribers.email, event.addresses.map(normaliseEmail)));
    for (const row of rows) await markLeft(tx, ctx, row.id, state);
    return true;
  });
}

/** The subscriber with this address, if any (for tests and the console). */
export async function findSubscriberByEmail(ctx: Pick<ServiceContext, 'db'>, email: string) {
  const [row] = await ctx.db
    .select()
    .from(subscribers)
    .where(eq(subscribers.email, normaliseEmail(email)));
  return row ?? null;
}
