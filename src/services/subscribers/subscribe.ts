import { eq } from 'drizzle-orm';
import { subscribers } from '#db/schema/index.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import {
  checkChosenComponents,
  confirmationLifetimeMs,
  confirmationSpacingMs,
  normaliseEmail,
  queueConfirmation,
} from './subscriber-rows.ts';

/**
 * A subscription from the public form: double opt-in. The caller answers the same whatever
 * happens here (new, pending, active or suppressed address), so the form reveals nothing about
 * who subscribes; at most one confirmation email goes to an address per 10 minutes.
 */
export async function subscribe(
  ctx: ServiceContext,
  input: { email: string; componentIds?: string[] | null | undefined },
): Promise<void> {
  const email = normaliseEmail(input.email);
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const componentIds = await checkChosenComponents(tx, input.componentIds);
    const [existing] = await tx.select().from(subscribers).where(eq(subscribers.email, email));
    const mayEmail = (sentAt: Date | null) =>
      !sentAt || now.getTime() - sentAt.getTime() >= confirmationSpacingMs;
    if (!existing) {
      const id = newId();
      await tx.insert(subscribers).values({
        id,
        email,
        state: 'pending',
        componentIds,
        source: 'form',
        expiresAt: new Date(now.getTime() + confirmationLifetimeMs),
        createdAt: now,
        updatedAt: now,
      });
      await queueConfirmation(tx, id, now);
      await recordAudit(tx, ctx, 'subscriber.pending', { type: 'subscriber', id });
      return;
    }
    if (existing.state === 'bounced' || existing.state === 'complained') return; // suppressed
    if (existing.state === 'active') {
      if (mayEmail(existing.confirmationSentAt)) await queueConfirmation(tx, existing.id, now);
      return;
    }
    // Pending, or left before: (re)start the opt-in with the new choice.
    await tx
      .update(subscribers)
      .set({
        state: 'pending',
        componentIds,
        expiresAt: new Date(now.getTime() + confirmationLifetimeMs),
        leftAt: null,
        updatedAt: now,
      })
      .where(eq(subscribers.id, existing.id));
    if (mayEmail(existing.confirmationSentAt)) await queueConfirmation(tx, existing.id, now);
    await recordAudit(tx, ctx, 'subscriber.pending', { type: 'subscriber', id: existing.id });
  });
}
