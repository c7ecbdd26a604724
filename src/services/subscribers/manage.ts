import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { notifications, subscribers } from '#db/schema/index.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';
import { DomainError } from '../errors.ts';
import { type LinkPurpose, verifyLink } from './links.ts';
import { checkChosenComponents } from './subscriber-rows.ts';

const invalidLink = () =>
  new DomainError('invalid_input', 'This link is not valid, or it has expired.', 'token');

/** The subscriber a genuine link names, or an error that says only "not valid". */
async function subscriberFromLink(
  tx: Executor,
  secret: string,
  token: string,
  purpose: LinkPurpose,
  now: Date,
) {
  const claims = verifyLink(secret, token, purpose, now);
  if (!claims) throw invalidLink();
  const [row] = await tx.select().from(subscribers).where(eq(subscribers.id, claims.subscriberId));
  if (!row || row.linkVersion !== claims.version) throw invalidLink();
  return row;
}

/** Activates a pending subscription from its confirmation link; confirming twice is fine. */
export async function confirmSubscription(
  ctx: ServiceContext,
  secret: string,
  token: string,
): Promise<{ email: string }> {
  const email = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const row = await subscriberFromLink(tx, secret, token, 'confirm', now);
    if (row.state === 'active') return row.email;
    if (row.state !== 'pending') throw invalidLink();
    await tx
      .update(subscribers)
      .set({ state: 'active', confirmedAt: now, expiresAt: null, updatedAt: now })
      .where(eq(subscribers.id, row.id));
    await recordAudit(tx, ctx, 'subscriber.confirmed', { type: 'subscriber', id: row.id });
    return row.email;
  });
  return { email };
}

/** What the manage page shows. */
export async function readSubscription(ctx: ServiceContext, secret: string, token: string) {
  const row = await subscriberFromLink(ctx.db, secret, token, 'manage', ctx.now());
  return { email: row.email, state: row.state, componentIds: row.componentIds };
}

/** Changes which components a subscriber hears about (null: all of them). */
export async function changeChoice(
  ctx: ServiceContext,
  secret: string,
  token: string,
  componentIds: string[] | null,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const row = await subscriberFromLink(tx, secret, token, 'manage', ctx.now());
    const chosen = await checkChosenComponents(tx, componentIds);
    await tx
      .update(subscribers)
      .set({ componentIds: chosen, updatedAt: ctx.now() })
      .where(eq(subscribers.id, row.id));
    await recordAudit(
      tx,
      ctx,
      'subscriber.choice',
      { type: 'subscriber', id: row.id },
      { componentIds: chosen },
    );
  });
}

/** Marks a subscriber as gone and drops what was still waiting to be sent to them. */
export async function markLeft(
  tx: Executor,
  ctx: Pick<ServiceContext, 'now' | 'actor'>,
  subscriberId: string,
  state: 'unsubscribed' | 'bounced' | 'complained',
): Promise<void> {
  const now = ctx.now();
  await tx
    .update(subscribers)
    .set({ state, leftAt: now, updatedAt: now })
    .where(eq(subscribers.id, subscriberId));
  await tx
    .update(notifications)
    .set({ state: 'skipped' })
    .where(
      and(eq(notifications.subscriberId, subscriberId), inArray(notifications.state, ['queued'])),
    );
  await recordAudit(tx, ctx, `subscriber.${state}`, { type: 'subscriber', id: subscriberId });
}

/**
 * Leaves from a link: the one-click unsubscribe link of every email (or the manage page).
 * Leaving twice is fine.
 */
export async function leaveByLink(
  ctx: ServiceContext,
  secret: string,
  token: string,
  purpose: 'unsubscribe' | 'manage',
): Promise<{ email: string }> {
  return ctx.db.transaction(async (tx) => {
    const row = await subscriberFromLink(tx, secret, token, purpose, ctx.now());
    if (row.state === 'active' || row.state === 'pending') {
      await markLeft(tx, ctx, row.id, 'unsubscribed');
    }
    return { email: row.email };
  });
}
