import { eq, isNull, max, or } from 'drizzle-orm';
import type { Executor } from '#db/client.ts';
import { componentGroups, components } from '#db/schema/index.ts';
import type { Audience } from '#domain/enums.ts';
import { newId } from '#lib/ids.ts';
import { recordAudit } from '../audit.ts';
import type { ServiceContext } from '../context.ts';

/** The next free position at the top level, where groups and ungrouped components interleave. */
export async function nextTopLevelPosition(tx: Executor): Promise<number> {
  const [groups] = await tx.select({ top: max(componentGroups.position) }).from(componentGroups);
  const [loose] = await tx
    .select({ top: max(components.position) })
    .from(components)
    .where(isNull(components.groupId));
  return Math.max(groups?.top ?? 0, loose?.top ?? 0) + 1;
}

/** The next free position inside a group, or at the top level when `groupId` is null. */
export async function nextPosition(tx: Executor, groupId: string | null): Promise<number> {
  if (groupId === null) return nextTopLevelPosition(tx);
  const [row] = await tx
    .select({ top: max(components.position) })
    .from(components)
    .where(eq(components.groupId, groupId));
  return (row?.top ?? 0) + 1;
}

/**
 * Finds a group by id or by name; a name no group has creates one (at the end, with the given
 * audience), so `{group: "Payments"}` is all automation needs to say.
 */
export async function findOrCreateGroup(
  tx: Executor,
  ctx: Pick<ServiceContext, 'actor' | 'now'>,
  ref: string,
  audience: Audience,
): Promise<{ id: string }> {
  const [found] = await tx
    .select({ id: componentGroups.id })
    .from(componentGroups)
    .where(or(eq(componentGroups.id, ref), eq(componentGroups.name, ref)));
  if (found) return found;
  const now = ctx.now();
  const id = newId();
  await tx.insert(componentGroups).values({
    id,
    name: ref,
    audience,
    position: await nextTopLevelPosition(tx),
    createdAt: now,
    updatedAt: now,
  });
  await recordAudit(tx, ctx, 'group.created', { type: 'group', id }, { name: ref });
  return { id };
}
