import { and, asc, count, eq, gt, inArray, sql } from 'drizzle-orm';
import { subscribers } from '#db/schema/index.ts';
import type { SubscriberState } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { notFound } from '../errors.ts';
import {
  checkChosenComponents,
  confirmationLifetimeMs,
  normaliseEmail,
  queueConfirmation,
} from './subscriber-rows.ts';

export interface ImportedSubscriber {
  email: string;
  componentIds?: string[] | null | undefined;
  /** Already confirmed elsewhere: active at once, no confirmation email. */
  confirmed?: boolean | undefined;
}

/**
 * Imports subscribers (an admin's list from elsewhere). Confirmed imports skip the opt-in and get
 * no email; the audit log says so. Existing addresses keep their state, unless a confirmed import
 * activates a pending one; suppressed addresses stay suppressed.
 * @returns the ids, in the order given.
 */
export async function importSubscribers(
  ctx: ServiceContext,
  items: readonly ImportedSubscriber[],
): Promise<{ ids: string[]; created: number }> {
  return ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const emails = items.map((item) => normaliseEmail(item.email));
    const existing = new Map(
      (await tx.select().from(subscribers).where(inArray(subscribers.email, emails))).map((row) => [
        row.email,
        row,
      ]),
    );
    const ids: string[] = [];
    let created = 0;
    for (const [i, item] of items.entries()) {
      const email = emails[i] as string;
      const componentIds = await checkChosenComponents(tx, item.componentIds);
      const found = existing.get(email);
      if (found) {
        ids.push(found.id);
        const activate = item.confirmed && found.state === 'pending';
        await tx
          .update(subscribers)
          .set({
            componentIds,
            ...(activate ? { state: 'active', confirmedAt: now, expiresAt: null } : {}),
            updatedAt: now,
          })
          .where(eq(subscribers.id, found.id));
        continue;
      }
      const id = newId();
      ids.push(id);
      created += 1;
      await tx.insert(subscribers).values({
        id,
        email,
        state: item.confirmed ? 'active' : 'pending',
        componentIds,
        source: 'import',
        confirmedAt: item.confirmed ? now : null,
        expiresAt: item.confirmed ? null : new Date(now.getTime() + confirmationLifetimeMs),
        createdAt: now,
        updatedAt: now,
      });
      existing.set(email, { id } as never);
      if (!item.confirmed) await queueConfirmation(tx, id, now);
      await recordAudit(
        tx,
        ctx,
        'subscriber.imported',
        { type: 'subscriber', id },
        {
          confirmed: Boolean(item.confirmed),
          optIn: item.confirmed
            ? 'skipped: imported as already confirmed, no email sent'
            : 'confirmation email queued',
        },
      );
    }
    return { ids, created };
  });
}

export async function listSubscribers(
  ctx: Pick<ServiceContext, 'db'>,
  filter: { state?: SubscriberState | undefined } = {},
) {
  return ctx.db
    .select()
    .from(subscribers)
    .where(filter.state ? eq(subscribers.state, filter.state) : undefined)
    .orderBy(asc(subscribers.createdAt), asc(subscribers.email));
}

/**
 * One page of subscribers for the console, in address order: those whose address contains
 * `query` (without regard to case) and are in `state`, after the address `after`. Filtered,
 * ordered and limited in SQL on the address index, so a page stays quick at 100,000 subscribers.
 */
export async function searchSubscribers(
  ctx: Pick<ServiceContext, 'db'>,
  filter: {
    query?: string | undefined;
    state?: SubscriberState | undefined;
    after?: string | undefined;
    limit: number;
  },
) {
  // Addresses are stored lower-cased; % and _ typed in a search are meant literally.
  const pattern = filter.query
    ? `%${normaliseEmail(filter.query).replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    : undefined;
  return ctx.db
    .select()
    .from(subscribers)
    .where(
      and(
        pattern ? sql`${subscribers.email} like ${pattern} escape '\\'` : undefined,
        filter.state ? eq(subscribers.state, filter.state) : undefined,
        filter.after ? gt(subscribers.email, filter.after) : undefined,
      ),
    )
    .orderBy(asc(subscribers.email))
    .limit(filter.limit);
}

/** How many subscribers are in each state (states with none are absent). */
export async function countSubscribersByState(
  ctx: Pick<ServiceContext, 'db'>,
): Promise<Partial<Record<SubscriberState, number>>> {
  const rows = await ctx.db
    .select({ state: subscribers.state, count: count() })
    .from(subscribers)
    .groupBy(subscribers.state);
  return Object.fromEntries(rows.map((row) => [row.state, row.count]));
}

/** Deletes a subscriber and everything queued for them. */
export async function deleteSubscriber(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(subscribers).where(eq(subscribers.id, id)).returning();
    if (!row) throw notFound('subscriber', id);
    await recordAudit(tx, ctx, 'subscriber.deleted', { type: 'subscriber', id });
  });
}
