import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { components, notifications, subscribers } from '#db/schema/index.ts';
import { invalidInput } from '../errors.ts';

/** How long a confirmation link works, and an unconfirmed subscription waits for it. */
export const confirmationLifetimeMs = 48 * 3_600_000;
/** At most one confirmation email per address in this time. */
export const confirmationSpacingMs = 10 * 60_000;

/** Addresses are compared without case: one mailbox, one subscriber. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** Checks that every chosen component exists and is public; null or empty means all. */
export async function checkChosenComponents(
  tx: Executor,
  ids: readonly string[] | null | undefined,
): Promise<string[] | null> {
  if (!ids || ids.length === 0) return null;
  const unique = [...new Set(ids)];
  const found = await tx
    .select({ id: components.id })
    .from(components)
    .where(and(inArray(components.id, unique), eq(components.audience, 'public')));
  const known = new Set(found.map((row) => row.id));
  const unknown = unique.find((id) => !known.has(id));
  if (unknown)
    throw invalidInput(`No public component with id ${JSON.stringify(unknown)}.`, 'components');
  return unique;
}

/** Queues a confirmation email (or, for an active subscriber, a reminder of how to manage). */
export async function queueConfirmation(
  tx: Executor,
  subscriberId: string,
  now: Date,
): Promise<void> {
  await tx
    .insert(notifications)
    .values({ subscriberId, kind: 'confirmation', state: 'queued', createdAt: now });
  await tx
    .update(subscribers)
    .set({ confirmationSentAt: now, updatedAt: now })
    .where(eq(subscribers.id, subscriberId));
}
