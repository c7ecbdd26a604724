import { asc, eq, inArray } from 'drizzle-orm';
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

/** Deletes a subscriber and everything queued for them. */
export async function deleteSubscriber(ctx: ServiceContext, id: string): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [row] = await tx.delete(subscribers).where(eq(subscribers.id, id)).returning();
    if (!row) throw notFound('subscriber', id);
    await recordAudit(tx, ctx, 'subscriber.deleted', { type: 'subscriber', id });
  });
}
