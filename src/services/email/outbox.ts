import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { emailBatches, notifications, settings, subscribers } from '#db/schema/index.ts';
import { newId } from '#lib/ids.ts';
import type { ServiceContext } from '../context.ts';
import { composeEmail, type EmailSettings, loadUpdatesForEmail } from './compose.ts';
import type { Mailer, OutgoingEmail } from './mailer.ts';

/** The provider takes at most this many emails per call. */
export const batchLimit = 100;
/** How long an instance may hold a batch without renewing its lease. */
export const leaseMs = 30_000;
/** Resend keeps idempotency keys 24 hours: stop retrying well before, and say so. */
export const giveUpAfterMs = 23 * 3_600_000;

/**
 * Turns queued notifications into fixed batches of at most 100 emails: each rendered once, stored
 * with its idempotency key before the first attempt, so every retry is byte-identical. Emails to
 * subscribers who left meanwhile are skipped. Runs in one write transaction per batch, so
 * instances sharing a database never take the same notification twice.
 * @returns the number of batches formed.
 */
export async function formBatches(
  ctx: ServiceContext,
  email: EmailSettings,
  maxBatches = Number.POSITIVE_INFINITY,
): Promise<number> {
  let formed = 0;
  while (formed < maxBatches) {
    const made = await ctx.db.transaction(async (tx) => {
      const now = ctx.now();
      const queued = await tx
        .select({ notification: notifications, subscriber: subscribers })
        .from(notifications)
        .innerJoin(subscribers, eq(subscribers.id, notifications.subscriberId))
        .where(eq(notifications.state, 'queued'))
        .orderBy(asc(notifications.id))
        .limit(batchLimit);
      if (queued.length === 0) return false;
      const events = await loadUpdatesForEmail(
        tx,
        email.site.url,
        queued.flatMap((row) => (row.notification.updateId ? [row.notification.updateId] : [])),
      );
      const emails: OutgoingEmail[] = [];
      const included: number[] = [];
      const skipped: number[] = [];
      for (const { notification, subscriber } of queued) {
        const composed = composeEmail(email, { ...notification, subscriber }, events, now);
        if (composed) {
          emails.push(composed);
          included.push(notification.id);
        } else {
          skipped.push(notification.id);
        }
      }
      if (skipped.length > 0) {
        await tx
          .update(notifications)
          .set({ state: 'skipped' })
          .where(inArray(notifications.id, skipped));
      }
      if (emails.length > 0) {
        const id = newId();
        await tx.insert(emailBatches).values({
          id,
          idempotencyKey: `candor-batch-${id}`,
          payload: JSON.stringify(emails),
          size: emails.length,
          state: 'pending',
          nextAttemptAt: now,
          createdAt: now,
        });
        await tx
          .update(notifications)
          .set({ state: 'batched', batchId: id })
          .where(inArray(notifications.id, included));
        formed += 1;
      }
      return true;
    });
    if (!made) return formed;
  }
  return formed;
}

/**
 * Waits for this instance's turn to call the provider, so all instances together stay under
 * `perSecond` calls. The next free slot is kept in the database.
 */
export async function takeSendSlot(
  ctx: ServiceContext,
  perSecond: number,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  const interval = 1000 / perSecond;
  const wait = await ctx.db.transaction(async (tx) => {
    const now = ctx.now().getTime();
    const [row] = await tx.select().from(settings).where(eq(settings.key, 'email_next_slot'));
    const slot = Math.max(Number(row?.value ?? 0), now);
    const next = String(slot + interval);
    await tx
      .insert(settings)
      .values({ key: 'email_next_slot', value: next })
      .onConflictDoUpdate({ target: settings.key, set: { value: next } });
    return slot - now;
  });
  if (wait > 0) await sleep(wait);
  // A call that leaves late pushes the next slot: calls stay `interval` apart as sent.
  const sentAt = ctx.now().getTime();
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(settings)
      .set({ value: sql`CAST(MAX(CAST(${settings.value} AS REAL), ${sentAt + interval}) AS TEXT)` })
      .where(eq(settings.key, 'email_next_slot'));
  });
}

/** Backoff for the nth failed attempt: exponential from 2 s to 5 min, with full jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export interface SenderOptions {
  mailer: Mailer;
  /** This instance's name in leases. */
  owner: string;
  ratePerSecond: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

/**
 * Takes one due batch under a lease and hands it to the provider, renewing the lease while the
 * call is out. A timeout or a lost answer is retried later with the same key and bytes, which the
 * provider answers without sending again.
 * @returns whether a batch was due.
 */
export async function sendNextBatch(ctx: ServiceContext, options: SenderOptions): Promise<boolean> {
  const sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  const batch = await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    const [due] = await tx
      .select()
      .from(emailBatches)
      .where(
        and(
          eq(emailBatches.state, 'pending'),
          lte(emailBatches.nextAttemptAt, now),
          or(isNull(emailBatches.leaseExpiresAt), lte(emailBatches.leaseExpiresAt, now)),
        ),
      )
      .orderBy(asc(emailBatches.nextAttemptAt), asc(emailBatches.createdAt))
      .limit(1);
    if (!due) return null;
    await tx
      .update(emailBatches)
      .set({
        leaseOwner: options.owner,
        leaseExpiresAt: new Date(now.getTime() + leaseMs),
        attempts: due.attempts + 1,
        firstAttemptAt: due.firstAttemptAt ?? now,
      })
      .where(eq(emailBatches.id, due.id));
    return { ...due, attempts: due.attempts + 1, firstAttemptAt: due.firstAttemptAt ?? now };
  });
  if (!batch) return false;

  if (ctx.now().getTime() - batch.firstAttemptAt.getTime() > giveUpAfterMs) {
    await finishBatch(ctx, batch.id, {
      state: 'failed',
      error: `gave up after ${batch.attempts - 1} attempts over 23 hours: ${batch.lastError ?? ''}`,
    });
    return true;
  }

  await takeSendSlot(ctx, options.ratePerSecond, sleep);
  const renew = setInterval(() => {
    void ctx.db
      .transaction(async (tx) => {
        await tx
          .update(emailBatches)
          .set({ leaseExpiresAt: new Date(ctx.now().getTime() + leaseMs) })
          .where(and(eq(emailBatches.id, batch.id), eq(emailBatches.leaseOwner, options.owner)));
      })
      .catch(() => {});
  }, leaseMs / 3);
  let outcome: Awaited<ReturnType<Mailer['sendBatch']>>;
  try {
    outcome = await options.mailer.sendBatch(
      JSON.parse(batch.payload) as OutgoingEmail[],
      batch.idempotencyKey,
    );
  } finally {
    clearInterval(renew);
  }

  if (outcome.kind === 'sent') {
    await finishBatch(ctx, batch.id, { state: 'sent', results: outcome.results });
  } else if (outcome.kind === 'permanent') {
    await finishBatch(ctx, batch.id, { state: 'failed', error: outcome.error });
  } else {
    const delay = outcome.afterMs ?? retryDelayMs(batch.attempts, options.random);
    await ctx.db.transaction(async (tx) => {
      await tx
        .update(emailBatches)
        .set({
          nextAttemptAt: new Date(ctx.now().getTime() + delay),
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: `${outcome.maybeSent ? 'maybe sent, ' : ''}${outcome.error}`,
        })
        .where(eq(emailBatches.id, batch.id));
    });
  }
  return true;
}

async function finishBatch(
  ctx: ServiceContext,
  batchId: string,
  result:
    | { state: 'sent'; results: ({ id: string } | { error: string })[] }
    | { state: 'failed'; error: string },
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const now = ctx.now();
    await tx
      .update(emailBatches)
      .set({
        state: result.state,
        leaseOwner: null,
        leaseExpiresAt: null,
        ...(result.state === 'sent' ? { sentAt: now } : { lastError: result.error }),
      })
      .where(eq(emailBatches.id, batchId));
    const members = await tx
      .select({ id: notifications.id })
      .from(notifications)
      .where(eq(notifications.batchId, batchId))
      .orderBy(asc(notifications.id));
    if (result.state === 'failed') {
      await tx
        .update(notifications)
        .set({ state: 'failed', error: result.error })
        .where(eq(notifications.batchId, batchId));
      console.error(
        `Email batch ${batchId} failed for good (${members.length} emails): ${result.error}`,
      );
      return;
    }
    // Results come in the order the emails were given, which is notification order. An email the
    // provider refused (an invalid or suppressed address) is failed, visibly, on its own.
    const column = (pick: (r: { id: string } | { error: string }) => string | null) =>
      sql.join(
        [
          sql`CASE ${notifications.id}`,
          ...members.map((member, i) => {
            const r = result.results[i];
            return sql`WHEN ${member.id} THEN ${r ? pick(r) : null}`;
          }),
          sql`END`,
        ],
        sql` `,
      );
    if (members.length === 0) return;
    await tx
      .update(notifications)
      .set({
        state: column((r) => ('id' in r ? 'sent' : 'failed')) as unknown as 'sent',
        sentAt: now,
        providerId: column((r) => ('id' in r ? r.id : null)),
        error: column((r) => ('error' in r ? r.error : null)),
      })
      .where(eq(notifications.batchId, batchId));
    const refused = result.results.filter((r) => 'error' in r).length;
    if (refused > 0)
      console.error(`Email batch ${batchId}: the provider refused ${refused} address(es).`);
  });
}

/** Deletes subscriptions never confirmed in time, with what was queued for them. */
export async function expirePending(ctx: ServiceContext): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const gone = await tx
      .delete(subscribers)
      .where(and(eq(subscribers.state, 'pending'), lte(subscribers.expiresAt, ctx.now())))
      .returning({ id: subscribers.id });
    return gone.length;
  });
}

/** Counts by state, for health and the console. */
export async function outboxCounts(ctx: Pick<ServiceContext, 'db'>) {
  const rows = await ctx.db
    .select({ state: notifications.state, count: sql<number>`count(*)` })
    .from(notifications)
    .groupBy(notifications.state);
  return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)]));
}
